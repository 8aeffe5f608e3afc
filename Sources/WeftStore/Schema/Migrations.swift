import GRDB

/// The schema, as a list of migrations applied in order. A migration, once released, never changes:
/// a new column or table is a new migration appended here.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: workflows, versions, document log, users, audit") { db in
            try createWorkflowTables(db)
            try createVersionTable(db)
            try createDocumentTables(db)
            try createAccessTables(db)
            try createAuditAndLockTables(db)
        }
        migrator.registerMigration("drafts: the unsaved edits a reset discarded") { db in
            try createDraftTable(db)
        }
        migrator.registerMigration("v2-sandboxes: sandboxes, their fork points, git sync state") { db in
            try SandboxTables.create(db)
        }
        return migrator
    }

    private static func createWorkflowTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE projects (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    description TEXT,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE project_credentials (
                    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    owner TEXT,
                    PRIMARY KEY (project_id, id)
                );
                CREATE TABLE workflows (
                    id TEXT PRIMARY KEY NOT NULL,
                    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    lock_version INTEGER NOT NULL CHECK (lock_version >= 1),
                    deleted_at TEXT,
                    concurrency INTEGER,
                    enable_job_logs BOOLEAN,
                    extra TEXT,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX workflows_by_project ON workflows(project_id, name);
                CREATE TABLE jobs (
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    body TEXT NOT NULL,
                    adaptor TEXT NOT NULL,
                    project_credential_id TEXT,
                    keychain_credential_id TEXT,
                    extra TEXT,
                    PRIMARY KEY (workflow_id, id)
                );
                CREATE TABLE triggers (
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL,
                    cron_expression TEXT,
                    cron_cursor_job_id TEXT,
                    webhook_reply TEXT,
                    kafka_configuration TEXT,
                    extra TEXT,
                    PRIMARY KEY (workflow_id, id)
                );
                CREATE TABLE edges (
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    source_job_id TEXT,
                    source_trigger_id TEXT,
                    target_job_id TEXT NOT NULL,
                    condition_type TEXT NOT NULL,
                    condition_expression TEXT,
                    condition_label TEXT,
                    enabled BOOLEAN NOT NULL,
                    extra TEXT,
                    PRIMARY KEY (workflow_id, id)
                );
                CREATE TABLE positions (
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    node_id TEXT NOT NULL,
                    x REAL NOT NULL,
                    y REAL NOT NULL,
                    PRIMARY KEY (workflow_id, node_id)
                );
                """)
    }

    private static func createVersionTable(_ db: Database) throws {
        // Versions outlive their workflow's rows only as long as the workflow: deletion is soft
        // (deleted_at), so in practice they are kept forever.
        try db.execute(
            sql: """
                CREATE TABLE versions (
                    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
                    lock_version INTEGER NOT NULL,
                    actor_name TEXT NOT NULL,
                    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'system')),
                    source TEXT NOT NULL CHECK (source IN ('editor', 'deploy', 'merge', 'sync', 'restore')),
                    created_at DATETIME NOT NULL,
                    snapshot TEXT NOT NULL,
                    PRIMARY KEY (workflow_id, lock_version)
                );
                """)
    }

    private static func createDocumentTables(_ db: Database) throws {
        // No foreign key to workflows: a document may exist before its workflow's first save, and the
        // relay must be able to log an update without a workflow row.
        try db.execute(
            sql: """
                CREATE TABLE document_log (
                    doc_id TEXT NOT NULL,
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    "update" BLOB NOT NULL,
                    created_at DATETIME NOT NULL,
                    PRIMARY KEY (doc_id, seq)
                );
                CREATE TABLE document_snapshots (
                    doc_id TEXT PRIMARY KEY NOT NULL,
                    snapshot BLOB NOT NULL,
                    through_seq INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                """)
    }

    private static func createAccessTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (
                    name TEXT PRIMARY KEY NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE project_roles (
                    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
                    PRIMARY KEY (user, project_id)
                );
                CREATE INDEX project_roles_by_project ON project_roles(project_id);
                """)
    }

    private static func createAuditAndLockTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    details TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX audit_by_subject ON audit(subject, id);
                CREATE TABLE deploy_lock (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    owner TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    acquired_at DATETIME NOT NULL
                );
                """)
    }
}
