import Foundation
import GRDB

/// Weft's database: saved workflows and their versions, the CRDT document log and snapshots, users and
/// roles, the audit trail and the deploy lock (issue #5, docs/storage.md).
///
/// One SQLite file through a GRDB `DatabasePool`: WAL, so readers never wait for the writer;
/// `synchronous = FULL`, so a method that returned has its transaction on disk (kill -9, power loss);
/// foreign keys on; a busy timeout, so a second process (a direct `weft deploy`) waits its turn rather
/// than failing. Every write method is one transaction and every read sees one consistent snapshot.
///
/// The store is `Sendable` and its methods are synchronous and blocking: call them from a thread that
/// may block, never from an event loop or Swift's cooperative pool. Async callers (the relay, through
/// ``WorkflowStorage``) get the calls that wait on the disk run on threads of their own
/// (`WeftStore+Blocking.swift`).
public final class WeftStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// A folder the store made for itself (``temporary()``) and removes when it goes away.
    private let temporaryDirectory: URL?

    /// How long a write waits for another process's transaction before it fails with SQLITE_BUSY.
    public static let defaultBusyTimeout: TimeInterval = 10

    /// Opens (creating if need be) the database at `path` and migrates it to the current schema.
    ///
    /// The folder is created if it does not exist.
    public convenience init(path: String, busyTimeout: TimeInterval = WeftStore.defaultBusyTimeout) throws {
        try self.init(path: path, busyTimeout: busyTimeout, temporaryDirectory: nil)
    }

    /// A store in a fresh temporary folder, removed when the store is released: for tests.
    public static func temporary() throws -> WeftStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("weft-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try WeftStore(
            path: directory.appendingPathComponent("weft.sqlite").path, busyTimeout: defaultBusyTimeout,
            temporaryDirectory: directory)
    }

    private init(path: String, busyTimeout: TimeInterval, temporaryDirectory: URL?) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.path = path
        self.temporaryDirectory = temporaryDirectory
        pool = try DatabasePool(path: path, configuration: Self.configuration(busyTimeout: busyTimeout))
        try Self.setUpWriter(pool)
        try Migrations.migrator.migrate(pool)
    }

    deinit {
        guard let temporaryDirectory else { return }
        try? pool.close()
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    /// Settings every connection gets as it opens, readers and the writer alike.
    private static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var configuration = Configuration()
        configuration.label = "WeftStore"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                // Only takes effect on a file with no tables yet; setUpWriter converts older files.
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// Settings of the one writer connection that must come after GRDB's own WAL setup.
    ///
    /// GRDB opens the writer, runs `prepareDatabase`, then switches to WAL and sets
    /// `synchronous = NORMAL` — after our setting. NORMAL in WAL mode survives an application crash but
    /// may lose the last transactions on power loss or an OS crash, so a returned write would not be
    /// durable. Set FULL again here; `StoreSettings` and the tests check it stuck.
    private static func setUpWriter(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The WAL file is truncated back to this size after a checkpoint, so it cannot stay huge.
            try db.execute(sql: "PRAGMA journal_size_limit = \(16 * 1024 * 1024)")
            let autoVacuum = try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0
            if autoVacuum != 2 {
                // A file created before this setting (or by another tool): convert it once. VACUUM
                // rewrites the file, so this is slow only for a large old database, and only the first time.
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
            }
        }
    }
}
