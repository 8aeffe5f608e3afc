import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// The workflows of a project, by name: id, name, lock_version and times, without their contents.
    public func workflows(in projectID: String, includeDeleted: Bool = false) throws -> [WorkflowSummary] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, project_id, name, lock_version, deleted_at, updated_at FROM workflows
                    WHERE project_id = ? \(includeDeleted ? "" : "AND deleted_at IS NULL") ORDER BY name, id
                    """, arguments: [projectID]
            ).map {
                WorkflowSummary(
                    id: $0["id"], projectID: $0["project_id"], name: $0["name"],
                    lockVersion: $0["lock_version"],
                    deletedAt: $0["deleted_at"], updatedAt: $0["updated_at"])
            }
        }
    }

    /// The saved workflow with this id (deleted or not), assembled from its rows: jobs, triggers and edges
    /// in the order they were saved in.
    public func workflow(id: String) throws -> Workflow? {
        try pool.read { db in try WorkflowRows.fetch(db, id: id)?.workflow }
    }

    /// The live (not deleted) workflow named `name` in the project with id or name `project`.
    public func workflow(project: String, named name: String) throws -> Workflow? {
        try pool.read { db in
            guard
                let id = try String.fetchOne(
                    db,
                    sql: """
                        SELECT w.id FROM workflows w JOIN projects p ON p.id = w.project_id
                        WHERE (p.id = ? OR p.name = ?) AND w.name = ? AND w.deleted_at IS NULL
                        ORDER BY p.id = ? DESC, w.updated_at DESC LIMIT 1
                        """, arguments: [project, project, name, project])
            else { return nil }
            return try WorkflowRows.fetch(db, id: id)?.workflow
        }
    }

    /// The id of the project a workflow belongs to.
    public func projectID(ofWorkflow workflowID: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT project_id FROM workflows WHERE id = ?", arguments: [workflowID])
        }
    }

    /// The stored lock_version of a workflow, without reading its contents: what a loading document is
    /// compared with to tell whether it is behind the database.
    public func lockVersion(of workflowID: String) throws -> Int? {
        try pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT lock_version FROM workflows WHERE id = ?", arguments: [workflowID])
        }
    }
}
