import Foundation
import PostgresNIO

/// Where a ``PostgresStore`` connects: parsed from a URL such as
/// `postgres://weft:secret@db.example:5432/weft?schema=team_a`.
///
/// - `user` defaults to `postgres`, `port` to 5432, the database to the user's name (as `psql` does);
/// - `host` may be a folder holding the server's unix socket, given as `?host=/run/postgresql`;
/// - `schema` (default `public`) is where the tables live: several Weft installations can share one
///   database in schemas of their own. Letters, digits and `_` only;
/// - `sslmode=disable` (the default), `prefer` or `require`;
/// - `timeout` (seconds, default 10) bounds how long a call waits for a connection or for an answer to
///   one statement before it fails with ``PostgresStoreError/timedOut(url:seconds:waitingFor:)``.
public struct PostgresSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// A folder holding the server's socket, used instead of `host` and `port` when set.
    public var socketDirectory: String?
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String
    public var sslMode: SSLMode
    /// How long, in seconds, a call waits for a connection or for one statement's answer.
    public var timeout: Double

    /// The deadline when the URL names none.
    public static let defaultTimeout: Double = 10

    public enum SSLMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(url: String) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw PostgresStoreError.invalidURL(url, reason: "expected postgres://user@host:port/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        user = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding } ?? "postgres"
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        schema = query["schema"] ?? "public"
        guard Self.isValidSchemaName(schema) else {
            throw PostgresStoreError.invalidURL(url, reason: "schema must be letters, digits and _")
        }
        guard let mode = SSLMode(rawValue: query["sslmode"] ?? "disable") else {
            throw PostgresStoreError.invalidURL(url, reason: "sslmode must be disable, prefer or require")
        }
        sslMode = mode
        if let text = query["timeout"] {
            guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                throw PostgresStoreError.invalidURL(
                    url, reason: "timeout must be a number of seconds above 0")
            }
            timeout = seconds
        } else {
            timeout = Self.defaultTimeout
        }
    }

    /// Whether `name` can be a schema name as is (it is written into SQL unquoted): ASCII letters, digits
    /// and `_`, not starting with a digit, at most 63 characters.
    public static func isValidSchemaName(_ name: String) -> Bool {
        guard let first = name.first, !first.isNumber, name.count <= 63 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The URL with the password replaced by `***`, for messages and logs.
    public var displayURL: String {
        let login = password == nil ? user : "\(user):***"
        let place = socketDirectory.map { "?host=\($0)" } ?? ""
        let address = socketDirectory == nil ? "\(host):\(port)" : ""
        var parameters = [String]()
        if !place.isEmpty { parameters.append(String(place.dropFirst())) }
        if schema != "public" { parameters.append("schema=\(schema)") }
        if sslMode != .disable { parameters.append("sslmode=\(sslMode.rawValue)") }
        if timeout != Self.defaultTimeout { parameters.append("timeout=\(Self.secondsText(timeout))") }
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return "postgres://\(login)@\(address)/\(database)\(query)"
    }

    /// `seconds` as a person writes it: `10`, `2.5`.
    static func secondsText(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// The channel this installation's change notifications travel on: one per schema, since the
    /// channels of a database are shared by all its schemas. Lowercased, as PostgreSQL folds the
    /// unquoted schema name (`schema=TeamA` and `schema=teama` are one schema). A schema name too long
    /// for a channel (63 bytes) is shortened and a hash of it appended.
    package var notificationChannel: String {
        let name = schema.lowercased()
        let channel = "weft_\(name)"
        guard channel.utf8.count > 63 else { return channel }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, stable across runs and machines
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "weft_\(name.prefix(40))_\(String(hash, radix: 16))"
    }

    /// A single connection's settings; `schema` becomes its search_path when given.
    func connectionConfiguration(schema: String?) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database,
                tls: try connectionTLS())
        }
        configuration.options.additionalStartupParameters = Self.keepalives
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        configuration.options.connectTimeout = .milliseconds(Int64(timeout * 1000))
        return configuration
    }

    /// The server probes each session's socket after 10 s of silence, every 5 s, and drops it after 3
    /// probes go unanswered: a relay whose machine lost power or network releases its document and
    /// deploy locks (session advisory locks) within about 25 s, not after the system's default of two
    /// hours and more. Over a Unix socket the server ignores them.
    static let keepalives: [(String, String)] = [
        ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3"),
    ]

    /// The pool's settings: every connection's search_path is the store's schema.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: clientTLS
            )
        }
        configuration.options.additionalStartupParameters = Self.keepalives + [("search_path", schema)]
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .milliseconds(Int64(timeout * 1000))
        return configuration
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try .init(configuration: .makeClientConfiguration()))
        case .require: .require(try .init(configuration: .makeClientConfiguration()))
        }
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }
}
