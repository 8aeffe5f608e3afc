import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Runs `body` while holding document `docID`'s lock: a session-level PostgreSQL advisory lock, held
    /// on a connection opened for this call alone, so every store on the database — every relay, on any
    /// machine — excludes the others (and so do two calls in one store). Reconciles, heals and compactions
    /// of one document never interleave across relays.
    ///
    /// - The lock is released when `body` returns or throws. If the holding process dies or loses its
    ///   network, its session ends and the server releases the lock: nobody waits for a dead holder.
    ///   (Should the session end while `body` runs, `body` is not interrupted; the lock is simply no
    ///   longer held, and this is logged.)
    /// - Waiting for the lock counts against the deadline: held elsewhere for longer than the URL's
    ///   `timeout`, the call throws ``PostgresStoreError/timedOut(url:seconds:waitingFor:)`` without
    ///   running `body`.
    /// - Not reentrant: taking the same document's lock again inside `body` waits for itself until the
    ///   deadline.
    /// - The key is a 64-bit hash of the schema and the document id (`hashtextextended`, stable across
    ///   servers and upgrades), a single-key advisory lock: PostgreSQL keeps those apart from the
    ///   two-key lock the deploy lock takes.
    public func withDocumentLock<Result: Sendable>(
        _ docID: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        let connection = try await deadline.connect(
            try settings.connectionConfiguration(schema: settings.schema), id: 4, logger: logger)
        let sql = session(connection)
        do {
            try await deadline.answer(on: connection, waitingFor: "document \(docID)'s lock") {
                try await connection.query(Self.documentLock("pg_advisory_lock", docID), logger: logger)
                    .collect()
            }
        } catch {
            try? await connection.close()
            throw PostgresStoreError.explained(error)
        }
        let outcome: Swift.Result<Result, any Error>
        do {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        if connection.isClosed {
            logger.warning("the session holding document \(docID)'s lock ended while its holder ran")
        } else {
            // Unlocking first frees the lock at once; closing alone would free it a moment later.
            _ = try? await sql.run(Self.documentLock("pg_advisory_unlock", docID))
        }
        try? await connection.close()
        return try outcome.get()
    }

    /// `function` (lock or unlock) applied to document `docID`'s advisory lock key.
    private static func documentLock(_ function: String, _ docID: String) -> PostgresQuery {
        "SELECT \(unescaped: function)(hashtextextended('weft document ' || current_schema() || ' ' || \(docID), 0))"
    }

    /// The server sessions holding document `docID`'s lock (tests).
    package func documentLockHolders(_ docID: String) async throws -> [Int32] {
        try await documentLockSessions(docID, granted: true)
    }

    /// The server sessions waiting for document `docID`'s lock (tests).
    package func documentLockWaiters(_ docID: String) async throws -> [Int32] {
        try await documentLockSessions(docID, granted: false)
    }

    private func documentLockSessions(_ docID: String, granted: Bool) async throws -> [Int32] {
        try await readSession { sql in
            try await sql.rows(
                """
                SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted = \(granted) AND l.objsubid = 1
                AND ((l.classid::BIGINT << 32) | l.objid::BIGINT) = hashtextextended('weft document ' || current_schema() || ' ' || \(docID), 0)
                """
            ).map { try $0.decode(Int32.self) }
        }
    }

    /// Ends the server sessions holding document `docID`'s lock, as a crash of their relay would (tests).
    package func terminateDocumentLockHolders(_ docID: String) async throws {
        for pid in try await documentLockHolders(docID) {
            try await client.query("SELECT pg_terminate_backend(\(pid), 5000)", logger: logger)
        }
    }
}
