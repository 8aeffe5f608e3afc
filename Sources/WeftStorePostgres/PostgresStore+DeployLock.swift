import Foundation
import Logging
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Takes the deploy lock: a session-level PostgreSQL advisory lock held on a connection of its own,
    /// plus the `deploy_lock` row saying who holds it. Returns false while another session holds it.
    ///
    /// Liveness is the server's, not a pid's: a holder that crashes, is killed or loses its network
    /// drops its connection, the server releases the advisory lock, and its row counts as nobody's.
    /// That works across machines, where the SQLite store's `kill(pid, 0)` check cannot. Acquiring again
    /// from the holder's own pid through the same store succeeds and refreshes the row.
    public func acquireDeployLock(owner: String, pid: Int32) async throws -> Bool {
        try await deployLock.acquire(
            configuration: try settings.connectionConfiguration(schema: settings.schema), deadline: deadline,
            logger: logger, owner: owner, pid: pid)
    }

    /// Releases the deploy lock if this store holds it for `pid` (closing its connection, which frees
    /// the advisory lock); also clears a row `pid` left whose session is gone. Returns whether it did.
    @discardableResult
    public func releaseDeployLock(pid: Int32) async throws -> Bool {
        if try await deployLock.release(pid: pid, deadline: deadline, logger: logger) { return true }
        return try await writeSession { sql in
            try await !sql.rows(
                """
                DELETE FROM deploy_lock d WHERE id = 1 AND pid = \(pid) AND NOT \(unescaped: Self.holderAlive)
                RETURNING 1
                """
            ).isEmpty
        }
    }

    /// Who holds the deploy lock, or nil when nobody does (a row whose session is gone counts as nobody).
    public func deployLockHolder() async throws -> DeployLockHolder? {
        try await readSession { sql in
            try await sql.row(
                "SELECT owner, pid, acquired_at FROM deploy_lock d WHERE id = 1 AND \(unescaped: Self.holderAlive)"
            ).map { row in
                let (owner, pid, acquiredAt) = try row.decode((String, Int32, Date).self)
                return DeployLockHolder.stored(owner: owner, pid: pid, acquiredAt: acquiredAt)
            }
        }
    }

    /// Kills the server session holding the deploy lock, as a crash would (the conformance tests).
    package func terminateDeployLockSession() async throws {
        try await client.query(
            "SELECT pg_terminate_backend(backend_pid, 5000) FROM deploy_lock WHERE id = 1", logger: logger)
    }

    /// Whether the session named in row `d` still holds the deploy lock itself — not just any advisory
    /// lock: a document lock's session could reuse a dead holder's backend pid. (A two-key advisory lock
    /// shows its keys as classid and objid, with objsubid 2.)
    private static let holderAlive = """
        EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.pid = d.backend_pid AND l.granted
            AND l.classid = 2003199348 AND l.objid = hashtext(current_schema())::oid AND l.objsubid = 2)
        """
}

/// The connection holding this store's deploy lock, while it does.
actor DeployLockSession {
    private var held: (connection: PostgresConnection, pid: Int32)?

    /// The advisory lock's key: a fixed number ("weft" in ASCII) and the schema's hash, so that
    /// installations in different schemas of one database lock separately.
    private static let tryLock = "SELECT pg_try_advisory_lock(2003199348, hashtext(current_schema()))"
    private static let unlockSQL = "SELECT pg_advisory_unlock(2003199348, hashtext(current_schema()))"

    func acquire(
        configuration: PostgresConnection.Configuration, deadline: AnswerDeadline, logger: Logger,
        owner: String, pid: Int32
    ) async throws -> Bool {
        if let held, held.connection.isClosed {
            // The server ended the session (and so released the lock): start again.
            self.held = nil
        }
        if let held {
            guard held.pid == pid else { return false }
            let connection = held.connection
            let date = Date()
            try await deadline.answer(on: connection, waitingFor: "the deploy lock's row") {
                try await connection.query(
                    "UPDATE deploy_lock SET owner = \(owner), acquired_at = \(date) WHERE id = 1",
                    logger: logger
                )
                .collect()
            }
            return true
        }
        let connection = try await deadline.connect(configuration, id: 2, logger: logger)
        do {
            let got = try await deadline.answer(on: connection, waitingFor: "the deploy lock") {
                try await connection.query(PostgresQuery(unsafeSQL: Self.tryLock), logger: logger).collect()
                    .first?.decode(Bool.self) ?? false
            }
            guard got else {
                Self.closeInBackground(connection)
                return false
            }
            let date = Date()
            try await deadline.answer(on: connection, waitingFor: "the deploy lock's row") {
                try await connection.query(
                    """
                    INSERT INTO deploy_lock (id, owner, pid, acquired_at, backend_pid)
                    VALUES (1, \(owner), \(pid), \(date), pg_backend_pid())
                    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid,
                        acquired_at = excluded.acquired_at, backend_pid = excluded.backend_pid
                    """, logger: logger
                ).collect()
            }
            held = (connection, pid)
            return true
        } catch {
            Self.closeInBackground(connection)
            throw PostgresStoreError.explained(error)
        }
    }

    func release(pid: Int32, deadline: AnswerDeadline, logger: Logger) async throws -> Bool {
        guard let held, held.pid == pid else { return false }
        self.held = nil
        guard !held.connection.isClosed else { return false }
        defer { Self.closeInBackground(held.connection) }
        do {
            try await Self.unlock(held.connection, deadline: deadline, logger: logger)
        } catch {
            throw PostgresStoreError.explained(error)
        }
        return true
    }

    /// Deletes the row and releases the advisory lock before the connection closes: the server frees a
    /// closed session's locks a moment after the client has gone, and the next holder must not find it
    /// still held.
    private static func unlock(
        _ connection: PostgresConnection, deadline: AnswerDeadline, logger: Logger
    ) async throws {
        try await deadline.answer(on: connection, waitingFor: "the deploy lock's release") {
            _ = try await connection.query("DELETE FROM deploy_lock WHERE id = 1", logger: logger).collect()
            _ = try await connection.query(PostgresQuery(unsafeSQL: unlockSQL), logger: logger).collect()
        }
    }

    /// Closes the lock's connection without waiting for it: a closing that hangs (a server that stopped
    /// answering) must not hold up the caller.
    private static func closeInBackground(_ connection: PostgresConnection) {
        Task { try? await connection.close() }
    }

    func close(deadline: AnswerDeadline) async {
        guard let held else { return }
        self.held = nil
        // A session the server ended (a crash, pg_terminate_backend) holds nothing to release.
        guard !held.connection.isClosed else { return }
        let logger = Logger(label: "weft.store.postgres")
        _ = try? await Self.unlock(held.connection, deadline: deadline, logger: logger)
        Self.closeInBackground(held.connection)
    }
}
