import Foundation
import WorkflowModel
import YCRDT

// What another store of this package (WeftStorePostgres) shares with the SQLite store, so that both
// encode the same JSON, compare workflows the same way and build the same values. `package`: not part
// of the public API.

/// JSON in text columns, encoded exactly as the SQLite store does (sorted keys).
package enum StoredJSON {
    package static func encode<Value: Encodable>(_ value: Value) throws -> String {
        try JSONColumns.encode(value)
    }

    package static func decode<Value: Decodable>(
        _ type: Value.Type, from text: String, table: String, key: String
    ) throws -> Value {
        try JSONColumns.decode(type, from: text, table: table, key: key)
    }

    /// An `extra` dictionary as a column value: nil when empty.
    package static func encodeExtra(_ extra: [String: YAny]) throws -> String? {
        try JSONColumns.encodeExtra(extra)
    }

    package static func decodeExtra(_ text: String?, table: String, key: String) throws -> [String: YAny] {
        try JSONColumns.decodeExtra(text, table: table, key: key)
    }

    /// Whether storing `new` over `stored` would change anything, lock_version aside.
    package static func sameStoredValue(_ stored: Workflow, _ new: Workflow) throws -> Bool {
        try WorkflowRows.sameStoredValue(stored, new)
    }
}

extension AuditEntry {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        id: Int64, time: Date, actor: String, action: String, subject: String, details: [String: YAny]
    ) -> Self {
        Self(id: id, time: time, actor: actor, action: action, subject: subject, details: details)
    }
}

extension DeployLockHolder {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(owner: String, pid: Int32, acquiredAt: Date) -> Self {
        Self(owner: owner, pid: pid, acquiredAt: acquiredAt)
    }
}

extension WorkflowDraft {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        id: Int, workflowID: String, basedOn: Int, displacedBy: Int, workflow: Workflow, people: [String],
        createdAt: Date, restoredAt: Date?, restoredBy: String?
    ) -> Self {
        Self(
            id: id, workflowID: workflowID, basedOn: basedOn, displacedBy: displacedBy, workflow: workflow,
            people: people, createdAt: createdAt, restoredAt: restoredAt, restoredBy: restoredBy)
    }
}

extension WorkflowVersion {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        workflowID: String, lockVersion: Int, actor: ChangeActor, source: VersionSource, createdAt: Date,
        workflow: Workflow
    ) -> Self {
        Self(
            workflowID: workflowID, lockVersion: lockVersion, actor: actor, source: source,
            createdAt: createdAt, workflow: workflow)
    }
}

extension ProjectSummary {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(id: String, name: String, description: String?) -> Self {
        Self(id: id, name: name, description: description)
    }
}

extension WorkflowSummary {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        id: String, projectID: String, name: String, lockVersion: Int, deletedAt: String?, updatedAt: Date
    ) -> Self {
        Self(
            id: id, projectID: projectID, name: name, lockVersion: lockVersion, deletedAt: deletedAt,
            updatedAt: updatedAt)
    }
}

extension DocumentLogStats {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(updates: Int, bytes: Int, snapshotBytes: Int, lastSeq: Int64) -> Self {
        Self(updates: updates, bytes: bytes, snapshotBytes: snapshotBytes, lastSeq: lastSeq)
    }
}

extension ImportResult {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        projectID: String, projectChanged: Bool, changed: [WorkflowChange], unchanged: [String]
    ) -> Self {
        Self(projectID: projectID, projectChanged: projectChanged, changed: changed, unchanged: unchanged)
    }
}

extension SaveResult {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        previousLockVersion: Int, lockVersion: Int, changed: Bool, workflow: Workflow, previous: Workflow?
    ) -> Self {
        Self(
            previousLockVersion: previousLockVersion, lockVersion: lockVersion, changed: changed,
            workflow: workflow, previous: previous)
    }
}

/// The checks an import makes before it writes anything, the same in every store.
package enum ImportCheck {
    /// The stored workflows the import replaces, by id, once `current` (each of the project's
    /// workflows as stored now, with its project, or nil when new) passes the checks: no workflow may
    /// belong to another project, and with `expectedVersions` (a state file's) every workflow must be
    /// at the version expected (0 for a new one), or nothing is written.
    ///
    /// - Throws: ``StoreError/workflowInOtherProject(workflow:project:)``,
    ///   ``StoreError/staleDeploy(moved:)`` naming every workflow that moved.
    package static func storedWorkflows(
        of project: Project, current: [String: (workflow: Workflow, projectID: String)?],
        expectedVersions: [String: Int]?
    ) throws -> [String: Workflow] {
        var stored: [String: Workflow] = [:]
        var moved: [String: VersionMove] = [:]
        for workflow in project.workflows {
            let found = current[workflow.id] ?? nil
            if let found, found.projectID != project.id {
                throw StoreError.workflowInOtherProject(workflow: workflow.id, project: found.projectID)
            }
            stored[workflow.id] = found?.workflow
            if let expectedVersions {
                let expected = expectedVersions[workflow.id] ?? 0
                let version = found?.workflow.lockVersion ?? 0
                if expected != version { moved[workflow.id] = VersionMove(expected: expected, current: version) }
            }
        }
        guard moved.isEmpty else { throw StoreError.staleDeploy(moved: moved) }
        return stored
    }
}

extension SandboxSummary {
    /// Builds the value from its stored columns (the memberwise initializer, for other stores).
    package static func stored(
        project: ProjectSummary, parent: ProjectSummary, createdBy: String, createdAt: Date, mergedAt: Date?,
        merges: Int
    ) -> Self {
        Self(
            project: project, parent: parent, createdBy: createdBy, createdAt: createdAt, mergedAt: mergedAt,
            merges: merges)
    }
}

/// What creating a sandbox writes, worked out the same way in every store: the sandbox's id (the first
/// id `newID` gives), then each of the parent's live workflows in the parent's order copied with fresh
/// ids (version 1) and the link back to it with the parent's workflow as the fork point.
package struct SandboxFork: Sendable {
    package var sandboxID: String
    package var copies: [(workflow: Workflow, link: SandboxLink)]

    package init(parent: Project, newID: () -> String) {
        sandboxID = newID()
        copies = parent.workflows.map { workflow in
            var (copy, ids) = SandboxIDMap.fork(workflow, newID: newID)
            copy.lockVersion = 1
            let link = SandboxLink(workflowID: copy.id, parentWorkflowID: workflow.id, ids: ids, base: workflow)
            return (copy, link)
        }
    }

    /// How many ids forking `parent` takes from `newID`.
    package static func idsNeeded(_ parent: Project) -> Int {
        parent.workflows.reduce(1) { $0 + Set($1.entityIDs).count }
    }

    /// The audit line's details for a new sandbox.
    package static func createdDetails(parentID: String, workflows: Int) -> [String: YAny] {
        ["parent": .string(parentID), "workflows": .integer(Int64(workflows))]
    }

    /// The audit line's details for a merge.
    package static func mergedDetails(parentID: String, result: ImportResult) -> [String: YAny] {
        ["parent": .string(parentID), "changed": .array(result.changed.map { .string($0.workflowID) })]
    }
}
