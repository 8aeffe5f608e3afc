import Foundation
import WorkflowModel

/// What a save (or a create, restore or delete) did.
public struct SaveResult: Hashable, Sendable {
    /// The lock_version the database held before.
    public var previousLockVersion: Int
    /// The lock_version it holds now: one more than before, or the same when nothing changed.
    public var lockVersion: Int
    /// False when the saved workflow equalled the stored one: no row written, no version recorded, the
    /// lock_version not bumped (Lightning #4025 bumped it for a save with no changes).
    public var changed: Bool
    /// The workflow as the database holds it now, with its new `lockVersion`.
    public var workflow: Workflow
    /// The workflow as it was before (nil for a new workflow).
    public var previous: Workflow?
}

/// What a project import (deploy, sandbox merge, sync) did.
public struct ImportResult: Hashable, Sendable {
    public var projectID: String
    /// Whether the project row itself (name, description, credentials) changed or was created.
    public var projectChanged: Bool
    /// The workflows written, in the order of the import: only those that differed from the database.
    public var changed: [WorkflowChange]
    /// Ids of the imported workflows that equalled the stored ones and were left alone.
    public var unchanged: [String]
}

/// One workflow an import wrote.
public struct WorkflowChange: Hashable, Sendable {
    public var workflowID: String
    /// The lock_version before the import; nil when the import created the workflow.
    public var previousLockVersion: Int?
    /// The lock_version after it.
    public var lockVersion: Int
    /// The new value, with its new `lockVersion`.
    public var workflow: Workflow
    /// The value before (the old base for a three-way rebase); nil for a new workflow.
    public var previous: Workflow?

    public init(workflowID: String, previousLockVersion: Int?, lockVersion: Int, workflow: Workflow, previous: Workflow?) {
        self.workflowID = workflowID
        self.previousLockVersion = previousLockVersion
        self.lockVersion = lockVersion
        self.workflow = workflow
        self.previous = previous
    }

    /// The change a save made.
    public init(_ save: SaveResult) {
        self.init(
            workflowID: save.workflow.id, previousLockVersion: save.previousLockVersion, lockVersion: save.lockVersion,
            workflow: save.workflow, previous: save.previous)
    }
}

/// One recorded version of a workflow: who made it, how, when, and the workflow as it was then.
public struct WorkflowVersion: Hashable, Sendable {
    public var workflowID: String
    public var lockVersion: Int
    public var actor: ChangeActor
    public var source: VersionSource
    public var createdAt: Date
    /// The workflow as saved, its `lockVersion` equal to this version's.
    public var workflow: Workflow
}

/// A project without its workflows, for listings.
public struct ProjectSummary: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var description: String?
}

/// A workflow's row without its jobs, triggers and edges, for listings.
public struct WorkflowSummary: Hashable, Sendable, Codable {
    public var id: String
    public var projectID: String
    public var name: String
    public var lockVersion: Int
    public var deletedAt: String?
    public var updatedAt: Date
}
