import Foundation
import GRDB

extension WeftStore {
    /// The settings of the writer connection, the one every write goes through.
    public func settings() throws -> StoreSettings {
        try pool.writeWithoutTransaction { db in try Self.settings(db) }
    }

    /// The settings of a reader connection.
    public func readerSettings() throws -> StoreSettings {
        try pool.read { db in try Self.settings(db) }
    }

    static func settings(_ db: Database) throws -> StoreSettings {
        StoreSettings(
            journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
            foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
            autoVacuum: try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? -1,
            busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0)
    }

    /// The size of the database in bytes: pages × page size, free pages included (the WAL file aside).
    public func storeSize() throws -> Int64 {
        try pool.read { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * pageSize
        }
    }

    /// Bytes in pages the database holds but does not use (freed by deletes, not yet given back).
    public func freeBytes() throws -> Int64 {
        try pool.read { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * pageSize
        }
    }

    /// Gives every free page back to the file system (`PRAGMA incremental_vacuum`), shrinking the file.
    public func reclaimFreePages() throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
    }

    /// Reclaims free pages once they are a quarter of the file or a megabyte, whichever is more: small
    /// amounts are left for the next appends to reuse rather than shrinking and growing the file.
    func reclaimFreePagesIfWorthIt() throws {
        try pool.writeWithoutTransaction { db in
            let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            if free * pageSize >= max(1 << 20, pages * pageSize / 4) {
                try db.execute(sql: "PRAGMA incremental_vacuum")
            }
        }
    }

    /// Copies the WAL into the database file and truncates the WAL, when no reader holds it back.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Writes a consistent copy of the whole database to `path` (`VACUUM INTO`) while the store keeps
    /// running: readers and the writer are not blocked. The copy is compact and holds no WAL.
    ///
    /// - Throws: if `path` exists (SQLite refuses to overwrite).
    public func backup(to path: String) throws {
        try pool.unsafeRead { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [path])
        }
    }
}
