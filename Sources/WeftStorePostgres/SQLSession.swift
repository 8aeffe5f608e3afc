import Logging
import PostgresNIO

/// One connection inside one transaction, with what the store's methods query through: its logger, the
/// deadline each statement's answer must meet, and the channel a write announces itself on.
struct SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    let deadline: AnswerDeadline
    let channel: String

    /// Every row the query returns.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await deadline.answer(on: connection, waitingFor: "an answer to \(Self.firstWords(query))") {
            try await connection.query(query, logger: logger).collect()
        }
    }

    /// The first row, if any.
    func row(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await rows(query).first
    }

    /// Runs a statement for its effect.
    func run(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// The statement's first words, to say in an error which one went unanswered.
    private static func firstWords(_ query: PostgresQuery) -> String {
        let words = query.sql.split(whereSeparator: { $0.isWhitespace }).prefix(4)
        return words.joined(separator: " ") + (words.count == 4 ? " …" : "")
    }
}

extension PostgresStore {
    /// A session on `connection` with this store's logger, deadline and channel.
    func session(_ connection: PostgresConnection) -> SQLSession {
        SQLSession(connection: connection, logger: logger, deadline: deadline, channel: channel)
    }

    /// ``write(_:)`` with the connection wrapped in a session.
    func writeSession<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        try await write { try await body(session($0)) }
    }

    /// ``autocommit(_:)`` with the connection wrapped in a session.
    func autocommitSession<Result: Sendable>(
        _ body: (SQLSession) async throws -> Result
    ) async throws -> Result {
        try await autocommit { try await body(session($0)) }
    }

    /// ``read(_:)`` with the connection wrapped in a session.
    func readSession<Result: Sendable>(_ body: (SQLSession) async throws -> Result) async throws -> Result {
        try await read { try await body(session($0)) }
    }
}

extension ByteBuffer {
    /// The buffer's readable bytes.
    var bytes: [UInt8] { Array(readableBytesView) }
}
