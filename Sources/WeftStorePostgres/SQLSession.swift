import Logging
import PostgresNIO

/// One connection inside one transaction, with the store's logger: what the store's methods query through.
struct SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Every row the query returns.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// The first row, if any.
    func row(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await rows(query).first
    }

    /// Runs a statement for its effect.
    func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }
}

extension PostgresStore {
    /// ``write(_:)`` with the connection wrapped in a session.
    func writeSession<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        let logger = logger
        return try await write { try await body(SQLSession(connection: $0, logger: logger)) }
    }

    /// ``autocommit(_:)`` with the connection wrapped in a session.
    func autocommitSession<Result: Sendable>(
        _ body: (SQLSession) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        return try await autocommit { try await body(SQLSession(connection: $0, logger: logger)) }
    }

    /// ``read(_:)`` with the connection wrapped in a session.
    func readSession<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        let logger = logger
        return try await read { try await body(SQLSession(connection: $0, logger: logger)) }
    }
}

extension ByteBuffer {
    /// The buffer's readable bytes.
    var bytes: [UInt8] { Array(readableBytesView) }
}
