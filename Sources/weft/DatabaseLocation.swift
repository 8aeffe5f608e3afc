import Foundation
import Logging
import WeftStore
import WeftStorePostgres

/// The one place that chooses a database engine from a `--db` argument: a path is a SQLite file (the
/// default, one relay), a `postgres://` or `postgresql://` URL a PostgreSQL database several relays can
/// share (issue #9, docs/operations.md).
///
/// Everything the commands print about the database goes through ``display``, which never holds a
/// password.
struct DatabaseLocation: Sendable {
    enum Engine: Sendable {
        case sqlite(path: String)
        case postgres(PostgresSettings)
    }

    let engine: Engine

    /// `argument` as given to `--db`, or the default SQLite file when nil.
    ///
    /// - Throws: ``DatabaseLocationError/invalidURL(_:reason:)`` for a `postgres://` URL the store
    ///   cannot read, naming it without its password.
    init(_ argument: String?) throws {
        let value = argument ?? DefaultPaths.database
        guard Self.isURL(value) else {
            engine = .sqlite(path: value)
            return
        }
        do {
            engine = .postgres(try PostgresSettings(url: value))
        } catch PostgresStoreError.invalidURL(_, let reason) {
            throw DatabaseLocationError.invalidURL(Self.withoutPassword(value), reason: reason)
        }
    }

    /// Whether `value` names a PostgreSQL database rather than a file.
    static func isURL(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    /// Whether several relays may share this database (PostgreSQL).
    var isShared: Bool {
        if case .postgres = engine { return true }
        return false
    }

    /// The path, or the URL with its password replaced by `***`: for messages and logs.
    var display: String {
        switch engine {
        case .sqlite(let path): path
        case .postgres(let settings): settings.displayURL
        }
    }

    /// Whether there is a database to read: the file exists (a server is only asked when opened).
    var exists: Bool {
        switch engine {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    /// Opens the database (for PostgreSQL: connects, creates the schema if missing and migrates it).
    /// Call ``OpenedDatabase/close()`` when done.
    func open(logger: Logger = Logger(label: "weft.store")) async throws -> OpenedDatabase {
        switch engine {
        case .sqlite(let path):
            return OpenedDatabase(store: try WeftStore(path: path), postgres: nil)
        case .postgres(let settings):
            let store = try await PostgresStore.connect(settings, logger: logger)
            return OpenedDatabase(store: store, postgres: store)
        }
    }

    /// `url` with any password in it replaced by `***`, even when it does not parse as a whole.
    static func withoutPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", options: .backwards),
            scheme.upperBound <= at.lowerBound
        else { return url }
        let login = url[scheme.upperBound..<at.lowerBound]
        guard let colon = login.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}

/// An open database, whichever engine holds it.
struct OpenedDatabase: Sendable {
    let store: any WorkflowStorage
    /// The same store when it is PostgreSQL, to close its connections.
    let postgres: PostgresStore?

    /// Releases what the store holds (PostgreSQL: its deploy lock connection and its pool).
    func close() async {
        await postgres?.close()
    }
}

/// A `--db` argument the commands cannot use.
enum DatabaseLocationError: Error, CustomStringConvertible {
    case invalidURL(String, reason: String)

    var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "--db \(url) is not a PostgreSQL URL Weft understands (\(reason)); "
                + "expected postgres://user:password@host:port/database?schema=name, or a file path for SQLite"
        }
    }
}
