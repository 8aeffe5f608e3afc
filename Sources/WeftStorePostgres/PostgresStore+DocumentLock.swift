import Foundation
import PostgresNIO
import Synchronization
import WeftStore

extension PostgresStore {
    /// Runs `body` while holding document `docID`'s lock: a session-level PostgreSQL advisory lock, held
    /// on a connection opened for this call alone, so every store on the database — every relay, on any
    /// machine — excludes the others (and so do two calls in one store). Reconciles, heals and compactions
    /// of one document never interleave across relays.
    ///
    /// - The lock is released when `body` returns or throws. If the holding process dies or loses its
    ///   network, its session ends and the server releases the lock: nobody waits for a dead holder.
    /// - Fenced: each time the lock is taken, the document's row in `document_lock_fences` gets a new
    ///   number. The writes `body` makes to the same document through this store (``appendUpdates(_:)``,
    ///   ``compactDocument(_:snapshot:throughSeq:)``, from `body`'s task or tasks it starts) check in
    ///   their own transaction that the number is still theirs and that the lock's session still holds
    ///   the lock, and otherwise throw `StoreError.documentLockLost` and write nothing. So a holder whose
    ///   session ended while `body` ran (and whose lock another relay may have taken) writes nothing
    ///   after: `body` is not interrupted, but its writes are refused.
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
        let fence: DocumentLockFence
        do {
            let logger = logger
            let lock = Self.documentLock("pg_advisory_lock", docID)
            try await deadline.answer(on: connection, waitingFor: "document \(docID)'s lock") {
                try await connection.query(lock, logger: logger).collect()
            }
            // Under the lock, so holders number their turns one after the other. A guarded write holds
            // this row (FOR SHARE) until it commits: the next holder's bump waits for it, and reads
            // after its bump what the write committed.
            let row = try await sql.row(
                """
                INSERT INTO document_lock_fences AS f (doc_id, fence) VALUES (\(docID), 1)
                ON CONFLICT (doc_id) DO UPDATE SET fence = f.fence + 1
                RETURNING f.fence, pg_backend_pid()
                """)
            guard let (number, pid) = try row?.decode((Int64, Int32).self) else {
                throw PostgresStoreError.server("taking document \(docID)'s lock returned no fencing number")
            }
            fence = DocumentLockFence(
                store: ObjectIdentifier(self), docID: docID, number: number, backendPID: pid,
                body: BodyRunning())
        } catch {
            closeInBackground(connection)
            throw PostgresStoreError.explained(error)
        }
        let outcome: Swift.Result<Result, any Error>
        do {
            let fences = DocumentLockFence.held + [fence]
            outcome = .success(try await DocumentLockFence.$held.withValue(fences) { try await body() })
        } catch {
            outcome = .failure(error)
        }
        // Tasks the body started inherit the fence and may outlive it: their writes are not the body's.
        fence.body.end()
        if connection.isClosed {
            logger.warning(
                """
                the session holding document \(docID)'s lock ended while its holder ran; \
                its writes after were refused
                """)
        } else {
            // Unlocking first frees the lock at once; closing alone would free it a moment later.
            _ = try? await sql.run(Self.documentLock("pg_advisory_unlock", docID))
        }
        closeInBackground(connection)
        return try outcome.get()
    }

    /// Closes a connection of this store's own without waiting for it: a closing that hangs (a server
    /// that stopped answering) must not hold up the caller.
    private func closeInBackground(_ connection: PostgresConnection) {
        Task { try? await connection.close() }
    }

    /// The fences of the document locks the current task holds through this store, among `docIDs`.
    func heldFences(for docIDs: some Sequence<String>) async -> [DocumentLockFence] {
        let held = DocumentLockFence.held.filter { $0.store == ObjectIdentifier(self) && $0.body.isRunning }
        guard !held.isEmpty else { return [] }
        let wanted = Set(docIDs)
        let fences = held.filter { wanted.contains($0.docID) }
        if !fences.isEmpty, let hook = beforeFencedWrite.withLock({ $0 }) { await hook(fences.map(\.docID)) }
        return fences
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

/// A document lock a task holds through a store: the fencing number it took and the server session that
/// holds the lock. Bound (a task-local value) while the lock's body runs, so that the store's writes to
/// that document from the body's task check it; tasks the body starts inherit it, and it counts only
/// while the body runs.
struct DocumentLockFence: Sendable {
    let store: ObjectIdentifier
    let docID: String
    let number: Int64
    let backendPID: Int32
    /// Whether the lock's body still runs.
    let body: BodyRunning

    /// The document locks the current task holds (innermost last).
    @TaskLocal static var held: [DocumentLockFence] = []
}

extension SQLSession {
    /// Refuses the transaction with `StoreError.documentLockLost` unless every fence is still current:
    /// no one took its lock since (its number is the row's), and its session still holds the lock.
    /// Holds each fence row (FOR SHARE) until the transaction ends, so a new holder's bump waits for it.
    func check(_ fences: [DocumentLockFence]) async throws {
        for fence in fences {
            let current = try await row(
                """
                SELECT f.fence = \(fence.number) AND EXISTS (
                    SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                    AND l.pid = \(fence.backendPID)
                    AND ((l.classid::BIGINT << 32) | l.objid::BIGINT)
                        = hashtextextended('weft document ' || current_schema() || ' ' || f.doc_id, 0))
                FROM document_lock_fences f WHERE f.doc_id = \(fence.docID) FOR SHARE OF f
                """)?.decode(Bool.self)
            guard current == true else { throw StoreError.documentLockLost(docID: fence.docID) }
        }
    }
}

/// Whether a document lock's body still runs: until ``end()``.
final class BodyRunning: Sendable {
    private let running = Mutex(true)

    var isRunning: Bool { running.withLock { $0 } }

    func end() { running.withLock { $0 = false } }
}
