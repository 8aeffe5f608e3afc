import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel

extension PostgresStore {
    public func workflows(in projectID: String, includeDeleted: Bool) async throws -> [WorkflowSummary] {
        let filter = includeDeleted ? "" : "AND deleted_at IS NULL"
        return try await readSession { sql in
            try await sql.rows(
                """
                SELECT id, project_id, name, lock_version, deleted_at, updated_at FROM workflows
                WHERE project_id = \(projectID) \(unescaped: filter) ORDER BY name COLLATE "C", id COLLATE "C"
                """
            ).map { row in
                let (id, project, name, lockVersion, deletedAt, updatedAt) = try row.decode(
                    (String, String, String, Int, String?, Date).self)
                return WorkflowSummary.stored(
                    id: id, projectID: project, name: name, lockVersion: lockVersion, deletedAt: deletedAt,
                    updatedAt: updatedAt)
            }
        }
    }

    public func workflow(id: String) async throws -> Workflow? {
        try await readSession { sql in try await PostgresWorkflowRows.fetch(sql, id: id)?.workflow }
    }

    public func workflow(project: String, named name: String) async throws -> Workflow? {
        try await readSession { sql in
            guard
                let row = try await sql.row(
                    """
                    SELECT w.id FROM workflows w JOIN projects p ON p.id = w.project_id
                    WHERE (p.id = \(project) OR p.name = \(project)) AND w.name = \(name) AND w.deleted_at IS NULL
                    ORDER BY p.id = \(project) DESC, w.updated_at DESC LIMIT 1
                    """)
            else { return nil }
            return try await PostgresWorkflowRows.fetch(sql, id: try row.decode(String.self))?.workflow
        }
    }

    public func projectID(ofWorkflow workflowID: String) async throws -> String? {
        try await readSession { sql in
            try await sql.row("SELECT project_id FROM workflows WHERE id = \(workflowID)")?.decode(
                String.self)
        }
    }

    public func lockVersion(of workflowID: String) async throws -> Int? {
        try await readSession { sql in
            try await sql.row("SELECT lock_version FROM workflows WHERE id = \(workflowID)")?.decode(Int.self)
        }
    }

    public func versions(of workflowID: String) async throws -> [WorkflowVersion] {
        try await readSession { sql in
            try await sql.rows(
                """
                SELECT workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot
                FROM versions WHERE workflow_id = \(workflowID) ORDER BY lock_version
                """
            ).map(Self.version(from:))
        }
    }

    public func version(of workflowID: String, lockVersion: Int) async throws -> WorkflowVersion? {
        try await readSession { sql in
            try await sql.row(
                """
                SELECT workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot
                FROM versions WHERE workflow_id = \(workflowID) AND lock_version = \(lockVersion)
                """
            ).map(Self.version(from:))
        }
    }

    private static func version(from row: PostgresRow) throws -> WorkflowVersion {
        let (workflowID, lockVersion, actorName, kindName, sourceName, createdAt, snapshot) = try row.decode(
            (String, Int, String, String, String, Date, String).self)
        let key = "\(workflowID)@\(lockVersion)"
        guard let kind = ChangeActor.Kind(rawValue: kindName),
            let source = VersionSource(rawValue: sourceName)
        else {
            throw StoreError.corruptRow(
                table: "versions", key: key, reason: "unknown actor kind \(kindName) or source \(sourceName)")
        }
        return WorkflowVersion.stored(
            workflowID: workflowID, lockVersion: lockVersion, actor: ChangeActor(name: actorName, kind: kind),
            source: source, createdAt: createdAt,
            workflow: try StoredJSON.decode(Workflow.self, from: snapshot, table: "versions", key: key))
    }

    public func storeSize() async throws -> Int64 {
        try await readSession { sql in
            // The store's own tables (indexes and TOAST included), not the rest of a shared database.
            try await sql.row(
                """
                SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind = 'r'
                """)?.decode(Int64.self) ?? 0
        }
    }
}
