import Foundation
import GRDB
import Testing

@testable import WeftStore

@Suite struct SchemaTests {
    @Test func aFreshFileGetsEveryTable() throws {
        let folder = try ScratchFolder()
        let store = try WeftStore(path: folder.path("nested/dir/weft.sqlite"))
        let tables = try store.pool.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        }
        #expect(
            Set(tables).isSuperset(of: [
                "projects", "project_credentials", "workflows", "jobs", "triggers", "edges", "positions",
                "versions",
                "document_log", "document_snapshots", "users", "project_roles", "audit", "deploy_lock", "drafts",
                "sandboxes", "sandbox_workflows", "repository_syncs",
            ]))
        let applied = try store.pool.read { db in try Migrations.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(Migrations.migrator.migrations))
    }

    @Test func reopeningMigratesNothingAndKeepsData() throws {
        let folder = try ScratchFolder()
        let path = folder.path("weft.sqlite")
        do {
            let store = try WeftStore(path: path)
            try store.createProject(id: "p1", name: "One")
        }
        let store = try WeftStore(path: path)
        #expect(try store.projects().map(\.name) == ["One"])
    }

    /// GRDB's WAL setup sets `synchronous = NORMAL` on the writer after `prepareDatabase` has run; the
    /// store sets FULL again. Read back from SQLite, on the writer and on a reader.
    @Test func everyConnectionIsWALWithSynchronousFull() throws {
        let store = try WeftStore.temporary()
        for settings in [try store.settings(), try store.readerSettings()] {
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2, "synchronous must be FULL (2)")
            #expect(settings.foreignKeys)
            #expect(settings.autoVacuum == 2, "auto_vacuum must be INCREMENTAL (2)")
            #expect(settings.busyTimeoutMilliseconds >= 1000)
        }
        // Still FULL on the writer after writes (GRDB keeps one writer connection).
        try store.createProject(name: "x")
        #expect(try store.settings().synchronous == 2)
        let direct = try store.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(direct == 2)
    }

    /// A file made without auto_vacuum (by another tool, or an earlier build) is converted on open.
    @Test func anOlderFileIsConvertedToIncrementalVacuum() throws {
        let folder = try ScratchFolder()
        let path = folder.path("old.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE leftover (x)") }
        }
        let store = try WeftStore(path: path)
        #expect(try store.settings().autoVacuum == 2)
    }

    @Test func foreignKeysAreEnforced() throws {
        let store = try WeftStore.temporary()
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO workflows (id, project_id, name, lock_version, updated_at) VALUES ('w', 'nope', 'n', 1, 0)"
                )
            }
        }
    }
}
