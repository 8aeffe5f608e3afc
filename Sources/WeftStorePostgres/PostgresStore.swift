import Foundation
import Logging
import PostgresNIO
import Synchronization
import WeftStore

/// Weft's database on PostgreSQL: the same tables, migrations and behaviour as the SQLite ``WeftStore``,
/// for several relays sharing one database (issue #9, docs/storage.md).
///
/// Open one with ``connect(_:)``, which checks the server is reachable, creates the schema if need be and
/// migrates it, then keeps a small pool of connections (postgres-nio's `PostgresClient`). Every write
/// method is one transaction; reads run in a `REPEATABLE READ` transaction so they see one consistent
/// state. A method that returned has its transaction committed (`synchronous_commit` as the server has
/// it: on by default, so durable).
///
/// Every call waits at most the URL's `timeout` (10 s by default) for a connection and for each answer,
/// then fails with ``PostgresStoreError/timedOut(url:seconds:waitingFor:)`` naming the URL.
///
/// Several stores (several relays) share one database: writes announce themselves to every store's
/// ``changes()``, and ``withDocumentLock(_:_:)`` excludes the others (docs/storage.md).
///
/// Call ``close()`` when done: it stops the change listener and the pool.
public final class PostgresStore: WorkflowStorage {
    /// Where the store connects (`displayURL` shows it without the password).
    public let settings: PostgresSettings
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    /// The connection that holds the deploy lock while this store has it.
    let deployLock = DeployLockSession()
    /// How long a call waits for a connection or an answer.
    let deadline: AnswerDeadline
    /// The channel writes announce themselves on.
    let channel: String
    /// The listening connection behind ``changes()``, started on first use.
    let changeFeed: ChangeFeed
    /// Names this store in the presence it sends, so that its own listener ignores it.
    let presenceOrigin: String
    /// Called with the document ids before a write checks its document lock (tests: a lock lost, and
    /// taken by another relay, between a body's decision and its write).
    package let beforeFencedWrite = Mutex<(@Sendable ([String]) async -> Void)?>(nil)

    private init(
        settings: PostgresSettings, client: PostgresClient, logger: Logger, runTask: Task<Void, Never>
    ) {
        self.settings = settings
        self.client = client
        self.logger = logger
        self.runTask = runTask
        deadline = AnswerDeadline(settings)
        channel = settings.notificationChannel
        let origin = UUID().uuidString
        presenceOrigin = origin
        changeFeed = ChangeFeed(settings: settings, presenceOrigin: origin, logger: logger)
    }

    /// Starts the pool's run loop and returns once it is about to run, so that the first query does not
    /// find the pool idle (postgres-nio warns about that).
    private static func startPool(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        await Task.yield()
        return task
    }

    /// Connects to the database `url` names (`postgres://user:password@host:port/database?schema=name`),
    /// creates its schema if missing, brings the tables to the current version, and opens the pool.
    ///
    /// - Throws: ``PostgresStoreError/unreachable(url:reason:)`` when the server cannot be reached or
    ///   refuses the login, saying which URL and what to check; ``PostgresStoreError/invalidURL(_:reason:)``.
    public static func connect(
        _ url: String, logger: Logger = Logger(label: "weft.store.postgres")
    ) async throws
        -> PostgresStore
    {
        try await connect(PostgresSettings(url: url), logger: logger)
    }

    /// Connects with parsed settings; see ``connect(_:logger:)``.
    public static func connect(
        _ settings: PostgresSettings, logger: Logger = Logger(label: "weft.store.postgres")
    ) async throws -> PostgresStore {
        guard PostgresSettings.isValidSchemaName(settings.schema) else {
            throw PostgresStoreError.invalidURL(
                settings.displayURL, reason: "schema must be letters, digits and _")
        }
        // One plain connection first: a clear error when the server is down, and the migrations run
        // before any pooled connection (whose search_path names the schema) is used.
        let configuration = try settings.connectionConfiguration(schema: nil)
        let connection = try await AnswerDeadline(settings).connect(configuration, id: 1, logger: logger)
        do {
            try await PostgresMigrations.migrate(connection, schema: settings.schema, logger: logger)
            try await connection.close()
        } catch {
            _ = try? await connection.close()
            throw PostgresStoreError.explained(error)
        }
        let client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
        return PostgresStore(
            settings: settings, client: client, logger: logger, runTask: await startPool(client))
    }

    /// Stops the change listener (finishing every stream ``changes()`` returned), releases the deploy
    /// lock if this store holds it and stops the pool. The store is unusable after.
    public func close() async {
        await changeFeed.close()
        await deployLock.close(deadline: deadline)
        runTask.cancel()
        _ = await runTask.value
    }

    /// Drops a schema and everything in it (the conformance tests' cleanup).
    package func dropSchema(_ name: String) async throws {
        guard PostgresSettings.isValidSchemaName(name), name != "public" else { return }
        try await client.query(
            PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(name) CASCADE"), logger: logger)
    }

    /// A session setting as a pooled connection has it (`SHOW name`; the tests).
    package func setting(_ name: String) async throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { throw PostgresStoreError.server("bad setting name") }
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SHOW \(name)"), logger: logger)
        for try await row in rows { return try row.decode(String.self) }
        return ""
    }

    /// Runs one statement as it is, outside the store's methods (the tests' setup: databases, sessions).
    package func execute(unsafeSQL sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// Runs `body` in a read-write transaction on a pooled connection: committed when it returns,
    /// rolled back when it throws. A `StoreError` is rethrown as is; a server error becomes
    /// ``PostgresStoreError/server(_:)``, no connection or no answer within the deadline
    /// ``PostgresStoreError/timedOut(url:seconds:waitingFor:)``, and a pool that fails otherwise
    /// ``PostgresStoreError/unreachable(url:reason:)``.
    func write<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await transaction("BEGIN", body)
    }

    /// Runs `body` in a read-only transaction that sees one snapshot of the database.
    func read<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body`, one statement, on a pooled connection outside any explicit transaction: the
    /// statement is its own transaction, committed when it returns (one round trip fewer than BEGIN
    /// and COMMIT around it, twice fewer for a single statement).
    func autocommit<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(nil, body)
    }

    private func transaction<Result: Sendable>(
        _ begin: String?, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        do {
            return try await inTransaction(begin, logger: logger, body)
        } catch let error as StoreError {
            throw error
        } catch let error as PostgresStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The pool found no connection: the server is down or refuses us (a pool that keeps retrying
            // is cut short by the deadline, which throws timedOut).
            throw PostgresStoreError.unreachable(url: settings.displayURL, reason: String(describing: error))
        }
    }

    private func inTransaction<Result: Sendable>(
        _ begin: String?, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let deadline = deadline
        return try await deadline.lease(from: client) { connection in
            guard let begin else {
                do { return try await body(connection) } catch { throw PostgresStoreError.explained(error) }
            }
            try await deadline.answer(on: connection, waitingFor: "BEGIN") {
                try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
            }
            do {
                let result = try await body(connection)
                try await deadline.answer(on: connection, waitingFor: "COMMIT") {
                    try await connection.query("COMMIT", logger: logger)
                }
                return result
            } catch {
                if !connection.isClosed {
                    _ = try? await deadline.answer(on: connection, waitingFor: "ROLLBACK") {
                        try await connection.query("ROLLBACK", logger: logger)
                    }
                }
                throw PostgresStoreError.explained(error)
            }
        }
    }
}

/// Why the PostgreSQL store could not start.
public enum PostgresStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The server could not be reached, or refused the connection or the login.
    case unreachable(url: String, reason: String)
    /// The URL is not a `postgres://` URL the store understands.
    case invalidURL(String, reason: String)
    /// The server refused a statement or the connection failed during one: the server's message and
    /// SQLSTATE code, or the connection error.
    case server(String)
    /// No connection, or no answer to a statement, came within the deadline (the URL's `?timeout=`):
    /// the server is down, cut off or overloaded, or (`waitingFor` says) a lock stayed held elsewhere.
    case timedOut(url: String, seconds: Double, waitingFor: String)

    /// `error` as the store reports it: a `StoreError` (or this type) as is; a postgres-nio error with its
    /// details (postgres-nio's own description hides them).
    static func explained(_ error: any Error) -> any Error {
        if error is StoreError || error is PostgresStoreError || error is CancellationError { return error }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return PostgresStoreError.server(message + code)
            }
            return PostgresStoreError.server("\(error.code)")
        }
        return PostgresStoreError.server(String(reflecting: error))
    }

    public var description: String {
        switch self {
        case .timedOut(let url, let seconds, let what):
            """
            PostgreSQL at \(url) gave no answer within \(PostgresSettings.secondsText(seconds)) s (waiting for \
            \(what)). Check that the server is running and reachable (`pg_isready -h HOST -p PORT`) and not \
            overloaded; the deadline is the URL's ?timeout=SECONDS.
            """
        case .unreachable(let url, let reason):
            """
            cannot connect to PostgreSQL at \(url): \(reason)
            Check that the server is running and listens on that host and port (pg_lsclusters, \
            `pg_isready -h HOST -p PORT`), that the database exists, and that pg_hba.conf lets this user in.
            """
        case .invalidURL(let url, let reason):
            "not a PostgreSQL URL the store understands: \(url) (\(reason))"
        case .server(let message): "PostgreSQL: \(message)"
        }
    }
}
