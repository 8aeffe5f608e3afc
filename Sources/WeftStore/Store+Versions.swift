import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Every recorded version of a workflow, oldest first.
    public func versions(of workflowID: String) throws -> [WorkflowVersion] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot
                    FROM versions WHERE workflow_id = ? ORDER BY lock_version
                    """, arguments: [workflowID]
            ).map(Self.version(from:))
        }
    }

    /// The version of a workflow saved as `lockVersion`.
    public func version(of workflowID: String, lockVersion: Int) throws -> WorkflowVersion? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot
                    FROM versions WHERE workflow_id = ? AND lock_version = ?
                    """, arguments: [workflowID, lockVersion]
            ).map(Self.version(from:))
        }
    }

    private static func version(from row: Row) throws -> WorkflowVersion {
        let workflowID: String = row["workflow_id"]
        let lockVersion: Int = row["lock_version"]
        let key = "\(workflowID)@\(lockVersion)"
        let kindName: String = row["actor_kind"]
        let sourceName: String = row["source"]
        guard let kind = ChangeActor.Kind(rawValue: kindName),
            let source = VersionSource(rawValue: sourceName)
        else {
            throw StoreError.corruptRow(
                table: "versions", key: key, reason: "unknown actor kind \(kindName) or source \(sourceName)")
        }
        return WorkflowVersion(
            workflowID: workflowID, lockVersion: lockVersion,
            actor: ChangeActor(name: row["actor_name"], kind: kind),
            source: source, createdAt: row["created_at"],
            workflow: try JSONColumns.decode(
                Workflow.self, from: row["snapshot"], table: "versions", key: key))
    }
}
