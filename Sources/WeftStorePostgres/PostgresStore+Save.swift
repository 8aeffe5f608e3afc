import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel
import YCRDT

extension PostgresStore {
    /// Saves with an optimistic lock, as ``WeftStore/saveWorkflow(_:expectedLockVersion:actor:source:)``:
    /// the stored row is read `FOR UPDATE`, so two relays saving the same version at once are ordered and
    /// the second sees the first's lock_version and is refused.
    public func saveWorkflow(
        _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await writeSession { sql in
            try await Self.save(
                sql, workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    static func save(
        _ sql: SQLSession, _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor,
        source: VersionSource
    ) async throws -> SaveResult {
        guard
            let (current, projectID) = try await PostgresWorkflowRows.fetch(sql, id: workflow.id, lock: true)
        else { throw StoreError.workflowNotFound(workflow.id) }
        guard current.lockVersion == expectedLockVersion else {
            throw StoreError.stale(current: current.lockVersion, currentWorkflow: current)
        }
        if try StoredJSON.sameStoredValue(current, workflow) {
            return SaveResult.stored(
                previousLockVersion: current.lockVersion, lockVersion: current.lockVersion, changed: false,
                workflow: current, previous: current)
        }
        var saved = workflow
        saved.lockVersion = current.lockVersion + 1
        let now = Date()
        try await PostgresWorkflowRows.write(
            sql, saved, projectID: projectID, lockVersion: saved.lockVersion, now: now)
        try await PostgresWorkflowRows.recordVersion(sql, saved, actor: actor, source: source, now: now)
        try await insertAudit(
            sql, time: now, actor: actor.name, action: "workflow.saved", subject: saved.id,
            details: [
                "source": .string(source.rawValue), "actor_kind": .string(actor.kind.rawValue),
                "from": .integer(Int64(current.lockVersion)), "to": .integer(Int64(saved.lockVersion)),
            ])
        try await announceSaved(sql, [(saved.id, saved.lockVersion)])
        return SaveResult.stored(
            previousLockVersion: current.lockVersion, lockVersion: saved.lockVersion, changed: true,
            workflow: saved, previous: current)
    }

    public func createWorkflow(
        _ workflow: Workflow, in projectID: String, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await writeSession { sql in
            // The project row's lock orders two creates of one id in one project.
            guard try await sql.row("SELECT 1 FROM projects WHERE id = \(projectID) FOR UPDATE") != nil else {
                throw StoreError.projectNotFound(projectID)
            }
            guard try await sql.row("SELECT 1 FROM workflows WHERE id = \(workflow.id)") == nil else {
                throw StoreError.workflowExists(workflow.id)
            }
            var saved = workflow
            saved.lockVersion = 1
            let now = Date()
            try await PostgresWorkflowRows.write(sql, saved, projectID: projectID, lockVersion: 1, now: now)
            try await PostgresWorkflowRows.recordVersion(sql, saved, actor: actor, source: source, now: now)
            try await Self.insertAudit(
                sql, time: now, actor: actor.name, action: "workflow.created", subject: saved.id,
                details: ["source": .string(source.rawValue), "project": .string(projectID)])
            try await Self.announceSaved(sql, [(saved.id, 1)])
            return SaveResult.stored(
                previousLockVersion: 0, lockVersion: 1, changed: true, workflow: saved, previous: nil)
        }
    }

    public func deleteWorkflow(
        id: String, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await writeSession { sql in
            guard var workflow = try await PostgresWorkflowRows.fetch(sql, id: id, lock: true)?.workflow
            else {
                throw StoreError.workflowNotFound(id)
            }
            if workflow.deletedAt == nil {
                workflow.deletedAt = ISO8601DateFormatter().string(from: Date())
            }
            return try await Self.save(
                sql, workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    /// Imports a project as ``WeftStore/importProject(_:actor:source:expectedVersions:)`` does, each
    /// imported workflow's row read `FOR UPDATE`.
    public func importProject(
        _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) async throws -> ImportResult {
        try await writeSession { sql in
            try await Self.importProject(
                sql, project, actor: actor, source: source, expectedVersions: expectedVersions)
        }
    }

    /// The body of ``importProject(_:actor:source:expectedVersions:)``, inside the caller's transaction
    /// (a sandbox merge records its new fork points in the same one). Announces every workflow written.
    static func importProject(
        _ sql: SQLSession, _ project: Project, actor: ChangeActor, source: VersionSource,
        expectedVersions: [String: Int]?
    ) async throws -> ImportResult {
        let now = Date()
        var current: [String: (workflow: Workflow, projectID: String)?] = [:]
        for workflow in project.workflows {
            current[workflow.id] = try await PostgresWorkflowRows.fetch(sql, id: workflow.id, lock: true)
        }
        var stored = try ImportCheck.storedWorkflows(
            of: project, current: current, expectedVersions: expectedVersions)

        let projectChanged = try await Self.upsertProject(sql, project, now: now)
        var changed: [WorkflowChange] = []
        var unchanged: [String] = []
        for workflow in project.workflows {
            let previous = stored[workflow.id]
            if let previous, try StoredJSON.sameStoredValue(previous, workflow) {
                unchanged.append(workflow.id)
                continue
            }
            var saved = workflow
            saved.lockVersion = (previous?.lockVersion ?? 0) + 1
            try await PostgresWorkflowRows.write(
                sql, saved, projectID: project.id, lockVersion: saved.lockVersion, now: now)
            try await PostgresWorkflowRows.recordVersion(
                sql, saved, actor: actor, source: source, now: now)
            changed.append(
                WorkflowChange(
                    workflowID: saved.id, previousLockVersion: previous?.lockVersion,
                    lockVersion: saved.lockVersion, workflow: saved, previous: previous))
            stored[saved.id] = saved
        }
        try await Self.insertAudit(
            sql, time: now, actor: actor.name, action: "project.imported", subject: project.id,
            details: [
                "source": .string(source.rawValue), "actor_kind": .string(actor.kind.rawValue),
                "changed": .array(changed.map { .string($0.workflowID) }),
                "stale_allowed": .bool(expectedVersions == nil),
            ])
        try await Self.announceSaved(sql, changed.map { ($0.workflowID, $0.lockVersion) })
        return ImportResult.stored(
            projectID: project.id, projectChanged: projectChanged, changed: changed, unchanged: unchanged)
    }
}
