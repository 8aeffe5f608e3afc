import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Imports a project — a deploy, a sandbox merge, a sync — in one transaction (DESIGN.md behaviour 4).
    ///
    /// Upserts the project row and credentials, then compares each imported workflow with the stored one
    /// and writes only those that differ: each gets its lock_version bumped (a new one starts at 1), a
    /// version with `actor` and `source`, and an audit line. The imported values' `lockVersion`s are
    /// ignored: the current rows are read inside the transaction. Workflows the import does not mention
    /// stay as they are; deletion is explicit (`deleted_at` in the import, or ``deleteWorkflow``).
    ///
    /// "Differs" means the database would hold something else: the values are compared as stored, every
    /// field, lock_version aside. This is deliberately stricter than the unsaved-changes compare
    /// (which trims strings and equates null with empty): whitespace a deploy changes in a body is stored.
    ///
    /// - Parameter expectedVersions: the lock_versions the deploy's state file recorded, by workflow id;
    ///   nil allows a stale deploy. When given, every imported workflow's stored lock_version must equal
    ///   its entry (a workflow missing from it is expected not to exist yet), or the whole import is
    ///   refused with `StoreError.staleDeploy` naming every workflow that moved — changed or not, since
    ///   writing an unchanged old value would still undo what moved it.
    /// - Throws: `StoreError.staleDeploy`; `StoreError.workflowInOtherProject`;
    ///   `StoreError.projectNameTaken`.
    public func importProject(
        _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) throws -> ImportResult {
        try pool.write { db in
            try Self.importProject(db, project, actor: actor, source: source, expectedVersions: expectedVersions)
        }
    }

    /// The body of ``importProject(_:actor:source:expectedVersions:)``, inside the caller's transaction
    /// (a sandbox merge records its new fork point in the same one).
    static func importProject(
        _ db: Database, _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) throws -> ImportResult {
        let now = Date()
        var current: [String: (workflow: Workflow, projectID: String)?] = [:]
        for workflow in project.workflows { current[workflow.id] = try WorkflowRows.fetch(db, id: workflow.id) }
        var stored = try ImportCheck.storedWorkflows(
            of: project, current: current, expectedVersions: expectedVersions)

        let projectChanged = try Self.upsertProject(db, project, now: now)
        var changed: [WorkflowChange] = []
        var unchanged: [String] = []
        for workflow in project.workflows {
            let previous = stored[workflow.id]
            if let previous, try WorkflowRows.sameStoredValue(previous, workflow) {
                unchanged.append(workflow.id)
                continue
            }
            var saved = workflow
            saved.lockVersion = (previous?.lockVersion ?? 0) + 1
            try WorkflowRows.write(
                db, saved, projectID: project.id, lockVersion: saved.lockVersion, now: now)
            try WorkflowRows.recordVersion(db, saved, actor: actor, source: source, now: now)
            changed.append(
                WorkflowChange(
                    workflowID: saved.id, previousLockVersion: previous?.lockVersion,
                    lockVersion: saved.lockVersion, workflow: saved, previous: previous))
            // Later workflows of the same import with a repeated id compare against this one.
            stored[saved.id] = saved
        }
        try Self.insertAudit(
            db, time: now, actor: actor.name, action: "project.imported", subject: project.id,
            details: [
                "source": .string(source.rawValue), "actor_kind": .string(actor.kind.rawValue),
                "changed": .array(changed.map { .string($0.workflowID) }),
                "stale_allowed": .bool(expectedVersions == nil),
            ])
        return ImportResult(
            projectID: project.id, projectChanged: projectChanged, changed: changed, unchanged: unchanged)
    }
}
