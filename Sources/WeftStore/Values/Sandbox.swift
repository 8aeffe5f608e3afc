import Foundation
import WorkflowModel

/// A sandbox: a project copied from a parent project, edited on its own and merged back.
public struct SandboxSummary: Hashable, Sendable {
    /// The sandbox's own project (its name is the sandbox's name).
    public var project: ProjectSummary
    /// The project it was copied from and merges into.
    public var parent: ProjectSummary
    /// Who created it.
    public var createdBy: String
    public var createdAt: Date
    /// When it was last merged into the parent (nil: never).
    public var mergedAt: Date?
    /// How many merges it has had.
    public var merges: Int
}

/// One workflow of a sandbox and the parent's workflow it stands for, with its fork point.
public struct SandboxLink: Hashable, Sendable {
    /// The sandbox's workflow id.
    public var workflowID: String
    /// The parent's workflow id.
    public var parentWorkflowID: String
    /// Sandbox ids → parent ids for the workflow and its entities.
    public var ids: SandboxIDMap
    /// The fork point: the parent's workflow as the sandbox's copy last agreed with it (at creation, then
    /// after each merge), in the parent's ids.
    public var base: Workflow

    public init(workflowID: String, parentWorkflowID: String, ids: SandboxIDMap, base: Workflow) {
        self.workflowID = workflowID
        self.parentWorkflowID = parentWorkflowID
        self.ids = ids
        self.base = base
    }
}

/// What the database remembers of a git repository synced into a project.
public struct RepositorySync: Hashable, Sendable {
    /// The repository's top-level folder (absolute).
    public var repository: String
    /// The project name the sync deploys under.
    public var project: String
    /// The project's id once a sync created it.
    public var projectID: String?
    /// The project file's path inside the repository.
    public var file: String
    /// The deploy state (project.yaml names → ids), as `weft deploy` keeps it beside a file.
    public var state: String
    /// The commit last synced.
    public var lastCommit: String
    public var syncedAt: Date

    public init(
        repository: String, project: String, projectID: String?, file: String, state: String,
        lastCommit: String,
        syncedAt: Date
    ) {
        self.repository = repository
        self.project = project
        self.projectID = projectID
        self.file = file
        self.state = state
        self.lastCommit = lastCommit
        self.syncedAt = syncedAt
    }
}
