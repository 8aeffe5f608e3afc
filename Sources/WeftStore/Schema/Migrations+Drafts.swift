import GRDB

extension Migrations {
    /// `drafts`: one row per set of unsaved edits a `reset`-mode relay discarded (docs/history.md).
    static func createDraftTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE drafts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    based_on INTEGER NOT NULL,
                    displaced_by INTEGER NOT NULL,
                    draft TEXT NOT NULL,
                    people TEXT NOT NULL DEFAULT '[]',
                    created_at DATETIME NOT NULL,
                    restored_at DATETIME,
                    restored_by TEXT
                );
                CREATE INDEX drafts_by_workflow ON drafts(workflow_id, id);
                """)
    }
}
