import WorkflowModel

/// Why the store refused a write or could not find what it was asked for.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A save carried a lock_version the database has moved past (or never had). `currentWorkflow` is the
    /// workflow as the database holds it now, so the caller can say what moved.
    case stale(current: Int, currentWorkflow: Workflow)
    /// A deploy's state file is older than the database: workflow id → the versions expected and found.
    case staleDeploy(moved: [String: VersionMove])
    /// No project with this id or name.
    case projectNotFound(String)
    /// No workflow with this id.
    case workflowNotFound(String)
    /// A workflow with this id already exists (creating it again would overwrite it).
    case workflowExists(String)
    /// The workflow belongs to another project than the one being written.
    case workflowInOtherProject(workflow: String, project: String)
    /// A project with this name exists under another id.
    case projectNameTaken(String)
    /// A compaction would go backwards: the stored snapshot already covers `current`, later than asked.
    case staleCompaction(docID: String, current: Int64, requested: Int64)
    /// A compaction claims updates the log never held: `throughSeq` is past the last sequence number.
    case compactionBeyondLog(docID: String, lastSeq: Int64, requested: Int64)
    /// A value read from the database could not be decoded (a corrupt or foreign row).
    case corruptRow(table: String, key: String, reason: String)
    /// A write made under document `docID`'s lock was refused because the lock was lost meanwhile (its
    /// session ended; another process may hold it now): nothing was written. Shared databases only.
    case documentLockLost(docID: String)

    public var description: String {
        switch self {
        case .stale(let current, let workflow):
            "workflow \(workflow.id) has moved to version \(current); reload before saving"
        case .staleDeploy(let moved):
            "the deploy is stale; these workflows moved since its state was written: "
                + moved.keys.sorted().map { id in
                    "\(id) (expected \(moved[id]!.expected), now \(moved[id]!.current))"
                }.joined(separator: ", ")
        case .projectNotFound(let key): "no project \(key)"
        case .workflowNotFound(let id): "no workflow \(id)"
        case .workflowExists(let id): "workflow \(id) already exists"
        case .workflowInOtherProject(let workflow, let project):
            "workflow \(workflow) belongs to project \(project)"
        case .projectNameTaken(let name): "another project is already named \(name)"
        case .staleCompaction(let docID, let current, let requested):
            "document \(docID) is already compacted through \(current), past the requested \(requested)"
        case .compactionBeyondLog(let docID, let lastSeq, let requested):
            "document \(docID) has no update \(requested) to compact through (last is \(lastSeq))"
        case .corruptRow(let table, let key, let reason): "unreadable row \(key) in \(table): \(reason)"
        case .documentLockLost(let docID):
            "document \(docID)'s lock was lost (its database session ended) before this write; nothing was written"
        }
    }
}

/// A workflow whose lock_version differs from what a deploy expected.
public struct VersionMove: Hashable, Sendable, Codable {
    /// What the deploy's state file said (0: the state never saw the workflow).
    public var expected: Int
    /// What the database holds (0: no such workflow).
    public var current: Int

    public init(expected: Int, current: Int) {
        self.expected = expected
        self.current = current
    }
}
