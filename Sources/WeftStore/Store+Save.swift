import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Saves a workflow with an optimistic lock (DESIGN.md behaviour 3), in one transaction.
    ///
    /// Reads the current row by id — never trusting `workflow.lockVersion` — and refuses with
    /// `StoreError.stale(current:currentWorkflow:)` when its lock_version is not `expectedLockVersion`.
    /// Otherwise replaces the workflow's rows, bumps lock_version by one, records a version with `actor`
    /// and `source` and an audit line. A save that changes nothing writes nothing and keeps the version.
    ///
    /// - Throws: `StoreError.workflowNotFound` for an id the database lacks (create it with
    ///   ``createWorkflow(_:in:actor:source:)``); `StoreError.stale`.
    public func saveWorkflow(
        _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) throws -> SaveResult {
        try pool.write { db in
            try Self.save(
                db, workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    /// The body of a save, inside the caller's transaction.
    static func save(
        _ db: Database, _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor,
        source: VersionSource
    ) throws -> SaveResult {
        guard let (current, projectID) = try WorkflowRows.fetch(db, id: workflow.id) else {
            throw StoreError.workflowNotFound(workflow.id)
        }
        guard current.lockVersion == expectedLockVersion else {
            throw StoreError.stale(current: current.lockVersion, currentWorkflow: current)
        }
        if try WorkflowRows.sameStoredValue(current, workflow) {
            return SaveResult(
                previousLockVersion: current.lockVersion, lockVersion: current.lockVersion, changed: false,
                workflow: current, previous: current)
        }
        var saved = workflow
        saved.lockVersion = current.lockVersion + 1
        let now = Date()
        try WorkflowRows.write(db, saved, projectID: projectID, lockVersion: saved.lockVersion, now: now)
        try WorkflowRows.recordVersion(db, saved, actor: actor, source: source, now: now)
        try Self.insertAudit(
            db, time: now, actor: actor.name, action: "workflow.saved", subject: saved.id,
            details: [
                "source": .string(source.rawValue), "actor_kind": .string(actor.kind.rawValue),
                "from": .integer(Int64(current.lockVersion)), "to": .integer(Int64(saved.lockVersion)),
            ])
        return SaveResult(
            previousLockVersion: current.lockVersion, lockVersion: saved.lockVersion, changed: true,
            workflow: saved, previous: current)
    }

    /// Creates a workflow in a project at lock_version 1 and records that version.
    ///
    /// - Throws: `StoreError.projectNotFound`; `StoreError.workflowExists` when the id is taken.
    public func createWorkflow(
        _ workflow: Workflow, in projectID: String, actor: ChangeActor, source: VersionSource
    )
        throws -> SaveResult
    {
        try pool.write { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE id = ?", arguments: [projectID])
                    != nil
            else { throw StoreError.projectNotFound(projectID) }
            guard try WorkflowRows.fetch(db, id: workflow.id) == nil else {
                throw StoreError.workflowExists(workflow.id)
            }
            var saved = workflow
            saved.lockVersion = 1
            let now = Date()
            try WorkflowRows.write(db, saved, projectID: projectID, lockVersion: 1, now: now)
            try WorkflowRows.recordVersion(db, saved, actor: actor, source: source, now: now)
            try Self.insertAudit(
                db, time: now, actor: actor.name, action: "workflow.created", subject: saved.id,
                details: ["source": .string(source.rawValue), "project": .string(projectID)])
            return SaveResult(
                previousLockVersion: 0, lockVersion: 1, changed: true, workflow: saved, previous: nil)
        }
    }

    /// Marks a workflow deleted (its `deleted_at` set to now), as a save with the same optimistic lock.
    /// Rows and versions stay; `workflows(in:)` and `project(id:)` stop listing it.
    public func deleteWorkflow(
        id: String, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) throws -> SaveResult {
        try pool.write { db in
            // Read, mark and save in one transaction: the value deleted is the one the lock names.
            guard var workflow = try WorkflowRows.fetch(db, id: id)?.workflow else {
                throw StoreError.workflowNotFound(id)
            }
            if workflow.deletedAt == nil {
                workflow.deletedAt = ISO8601DateFormatter().string(from: Date())
            }
            return try Self.save(
                db, workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }
}
