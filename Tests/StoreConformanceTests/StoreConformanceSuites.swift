import Testing

// The same checks (Conformance.swift) against each store. The PostgreSQL suite needs a server:
// WEFT_TEST_POSTGRES_URL (scripts/postgres-test-cluster start); without one it fails, unless
// WEFT_SKIP_POSTGRES=1 skips it on purpose.

@Suite struct SQLiteStoreConformance {
    @Test func everyFieldRoundTrips() async throws { try await Conformance.everyFieldRoundTrips(.sqlite) }
    @Test func optimisticLock() async throws { try await Conformance.optimisticLock(.sqlite) }
    @Test func concurrentSavesOneWins() async throws { try await Conformance.concurrentSavesOneWins(.sqlite) }
    @Test func versionsAreListedWithWhoAndHow() async throws {
        try await Conformance.versionsAreListedWithWhoAndHow(.sqlite)
    }
    @Test func documentLogNumbersAndCompacts() async throws {
        try await Conformance.documentLogNumbersAndCompacts(.sqlite)
    }
    @Test func concurrentAppendsShareNoNumber() async throws {
        try await Conformance.concurrentAppendsShareNoNumber(.sqlite)
    }
    @Test func compactionWhileAppendingLosesNothing() async throws {
        try await Conformance.compactionWhileAppendingLosesNothing(.sqlite)
    }
    @Test func staleImportIsRefusedWhole() async throws {
        try await Conformance.staleImportIsRefusedWhole(.sqlite)
    }
    @Test func rolesAndUsers() async throws { try await Conformance.rolesAndUsers(.sqlite) }
    @Test func auditTrail() async throws { try await Conformance.auditTrail(.sqlite) }
    @Test func deployLockIsExclusive() async throws { try await Conformance.deployLockIsExclusive(.sqlite) }
    @Test func aGoneHolderHoldsNothing() async throws {
        try await Conformance.aGoneHolderHoldsNothing(.sqlite)
    }
    @Test func draftsAreClaimedOnce() async throws { try await Conformance.draftsAreClaimedOnce(.sqlite) }
}

@Suite struct PostgresStoreConformance {
    @Test func everyFieldRoundTrips() async throws { try await Conformance.everyFieldRoundTrips(.postgres) }
    @Test func optimisticLock() async throws { try await Conformance.optimisticLock(.postgres) }
    @Test func concurrentSavesOneWins() async throws {
        try await Conformance.concurrentSavesOneWins(.postgres)
    }
    @Test func versionsAreListedWithWhoAndHow() async throws {
        try await Conformance.versionsAreListedWithWhoAndHow(.postgres)
    }
    @Test func documentLogNumbersAndCompacts() async throws {
        try await Conformance.documentLogNumbersAndCompacts(.postgres)
    }
    @Test func concurrentAppendsShareNoNumber() async throws {
        try await Conformance.concurrentAppendsShareNoNumber(.postgres)
    }
    @Test func compactionWhileAppendingLosesNothing() async throws {
        try await Conformance.compactionWhileAppendingLosesNothing(.postgres)
    }
    @Test func staleImportIsRefusedWhole() async throws {
        try await Conformance.staleImportIsRefusedWhole(.postgres)
    }
    @Test func rolesAndUsers() async throws { try await Conformance.rolesAndUsers(.postgres) }
    @Test func auditTrail() async throws { try await Conformance.auditTrail(.postgres) }
    @Test func deployLockIsExclusive() async throws { try await Conformance.deployLockIsExclusive(.postgres) }
    @Test func aGoneHolderHoldsNothing() async throws {
        try await Conformance.aGoneHolderHoldsNothing(.postgres)
    }
    @Test func draftsAreClaimedOnce() async throws { try await Conformance.draftsAreClaimedOnce(.postgres) }
}
