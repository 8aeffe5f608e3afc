import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as a list of migrations applied in order and recorded in `weft_migrations`.
///
/// The same migrations, under the same names, as the SQLite store's (Sources/WeftStore/Schema), with
/// PostgreSQL types: BIGINT for integers, BYTEA for CRDT bytes, TIMESTAMPTZ for times, DOUBLE PRECISION
/// for canvas positions, identity columns for the audit and drafts ids. JSON stays TEXT, encoded exactly
/// as the SQLite store encodes it, so both stores compare and hand back the same text.
///
/// Two things differ from SQLite, each needed only because several relays write at once:
/// `document_heads` (each document's last sequence number, the row appenders lock to number their
/// updates), `deploy_lock.backend_pid` (the server session that holds the lock) and
/// `document_lock_fences` (each document lock's fencing number, bumped by every holder).
///
/// A migration, once released, never changes: a new column or table is a new migration appended here.
/// Several relays starting at once migrate one at a time (a transaction-level advisory lock).
enum PostgresMigrations {
    static let migrations: [(name: String, sql: String)] = [
        ("v1: workflows, versions, document log, users, audit", v1),
        ("drafts: the unsaved edits a reset discarded", drafts),
        ("v2-sandboxes: sandboxes, their fork points, git sync state", sandboxes),
        ("pg-document-lock-fences: a number per document lock taken", documentLockFences),
    ]

    /// Creates `schema` if missing and applies the migrations it lacks, in one transaction.
    static func migrate(_ connection: PostgresConnection, schema: String, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            // One migrator per database at a time; the key is arbitrary but fixed ("weft" in ASCII).
            try await connection.query("SELECT pg_advisory_xact_lock(2003199348)", logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema)"), logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS weft_migrations (
                    name TEXT PRIMARY KEY NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            let applied = Set(
                try await connection.query("SELECT name FROM weft_migrations", logger: logger).collect().map {
                    try $0.decode(String.self)
                })
            for migration in migrations where !applied.contains(migration.name) {
                // The extended protocol takes one statement at a time; no statement here holds a ';'.
                for statement in migration.sql.split(separator: ";").map({
                    $0.trimmingCharacters(in: .whitespacesAndNewlines)
                })
                where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO weft_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The names of the migrations applied to the schema the connection's search_path names.
    static func applied(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query(
            "SELECT name FROM weft_migrations ORDER BY applied_at, name", logger: logger
        )
        .collect().map { try $0.decode(String.self) }
    }

    private static let v1 = """
        CREATE TABLE projects (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL UNIQUE,
            description TEXT,
            updated_at TIMESTAMPTZ NOT NULL
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
            lock_version BIGINT NOT NULL CHECK (lock_version >= 1),
            deleted_at TEXT,
            concurrency BIGINT,
            enable_job_logs BOOLEAN,
            extra TEXT,
            updated_at TIMESTAMPTZ NOT NULL
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
            x DOUBLE PRECISION NOT NULL,
            y DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workflow_id, node_id)
        );
        CREATE TABLE versions (
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            lock_version BIGINT NOT NULL,
            actor_name TEXT NOT NULL,
            actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'system')),
            source TEXT NOT NULL CHECK (source IN ('editor', 'deploy', 'merge', 'sync', 'restore')),
            created_at TIMESTAMPTZ NOT NULL,
            snapshot TEXT NOT NULL,
            PRIMARY KEY (workflow_id, lock_version)
        );
        CREATE TABLE document_log (
            doc_id TEXT NOT NULL,
            seq BIGINT NOT NULL CHECK (seq >= 1),
            "update" BYTEA NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (doc_id, seq)
        );
        CREATE TABLE document_snapshots (
            doc_id TEXT PRIMARY KEY NOT NULL,
            snapshot BYTEA NOT NULL,
            through_seq BIGINT NOT NULL,
            size BIGINT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE document_heads (
            doc_id TEXT PRIMARY KEY NOT NULL,
            last_seq BIGINT NOT NULL CHECK (last_seq >= 0)
        );
        CREATE TABLE users (
            name TEXT PRIMARY KEY NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE project_roles (
            "user" TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
            PRIMARY KEY ("user", project_id)
        );
        CREATE INDEX project_roles_by_project ON project_roles(project_id);
        CREATE TABLE audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            "time" TIMESTAMPTZ NOT NULL,
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
            acquired_at TIMESTAMPTZ NOT NULL,
            backend_pid INTEGER NOT NULL
        );
        """

    private static let drafts = """
        CREATE TABLE drafts (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            based_on BIGINT NOT NULL,
            displaced_by BIGINT NOT NULL,
            draft TEXT NOT NULL,
            people TEXT NOT NULL DEFAULT '[]',
            created_at TIMESTAMPTZ NOT NULL,
            restored_at TIMESTAMPTZ,
            restored_by TEXT
        );
        CREATE INDEX drafts_by_workflow ON drafts(workflow_id, id);
        """

    private static let sandboxes = """
        CREATE TABLE sandboxes (
            project_id TEXT PRIMARY KEY NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            parent_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            created_by TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            merged_at TIMESTAMPTZ,
            merges BIGINT NOT NULL DEFAULT 0
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
            synced_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (repository, project)
        );
        """

    /// PostgreSQL only: each document lock's fencing number, bumped by whoever takes the lock; a write
    /// made under the lock checks it in its own transaction (PostgresStore+DocumentLock.swift).
    private static let documentLockFences = """
        CREATE TABLE document_lock_fences (
            doc_id TEXT PRIMARY KEY NOT NULL,
            fence BIGINT NOT NULL
        );
        """
}
