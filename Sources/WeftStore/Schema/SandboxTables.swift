import GRDB

/// The tables of sandboxes and git syncs (migration `v2-sandboxes`).
enum SandboxTables {
    static func create(_ db: Database) throws {
        // A sandbox is a project with a parent. Each of its workflows remembers the parent's workflow it
        // stands for, the map from its ids to the parent's, and the fork point: the parent's workflow as
        // the sandbox's copy last agreed with it (at creation, then after each merge).
        try db.execute(
            sql: """
                CREATE TABLE sandboxes (
                    project_id TEXT PRIMARY KEY NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                    parent_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                    created_by TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    merged_at DATETIME,
                    merges INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX sandboxes_by_parent ON sandboxes(parent_id);
                CREATE TABLE sandbox_workflows (
                    sandbox_id TEXT NOT NULL REFERENCES sandboxes(project_id) ON DELETE CASCADE,
                    workflow_id TEXT NOT NULL,
                    parent_workflow_id TEXT NOT NULL,
                    ids TEXT NOT NULL,
                    base TEXT NOT NULL,
                    PRIMARY KEY (sandbox_id, workflow_id)
                );
                CREATE TABLE repository_syncs (
                    repository TEXT NOT NULL,
                    project TEXT NOT NULL,
                    project_id TEXT,
                    file TEXT NOT NULL,
                    state TEXT NOT NULL,
                    last_commit TEXT NOT NULL,
                    synced_at DATETIME NOT NULL,
                    PRIMARY KEY (repository, project)
                );
                """)
    }
}
