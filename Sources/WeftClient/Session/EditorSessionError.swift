import WorkflowModel

/// Why an ``EditorSession`` call failed.
public enum EditorSessionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The socket could not be reached or broke (see ``RelayConnectionError``).
    case connection(RelayConnectionError)
    /// The relay answered `join` with an error (`workflow_not_found`, `forbidden`, …).
    case joinRefused(code: String, message: String)
    /// `joined` and the sync did not both arrive within the join timeout.
    case joinTimedOut(workflow: String)
    /// The session already joined a workflow; one session edits one workflow.
    case alreadyJoined
    /// The call needs a joined, synced connection (a save while reconnecting, for one).
    case notConnected
    /// The document has no such entity.
    case noSuchEntity(kind: ReconcileSummary.EntityKind, id: String)
    /// The field may not be set through ``WorkflowEdit/setField(_:to:of:id:)``: `id`, the relay's
    /// `lock_version`, or a job `body` (edit it as text).
    case fieldNotSettable(String)
    /// A job's body is not a Y.Text (a document written by an old Lightning reconciler), so it cannot
    /// be edited as text; ``WorkflowEdit/replaceBody(of:with:)`` turns it into one.
    case bodyIsNotText(jobID: String)

    public var description: String {
        switch self {
        case .connection(let error): error.description
        case .joinRefused(let code, let message): "the relay refused the join (\(code)): \(message)"
        case .joinTimedOut(let workflow): "joining \(workflow) timed out"
        case .alreadyJoined: "this session already joined a workflow"
        case .notConnected: "not connected to the relay"
        case .noSuchEntity(let kind, let id): "no \(kind.rawValue) \(id) in the document"
        case .fieldNotSettable(let field): "\(field) cannot be set as a plain field"
        case .bodyIsNotText(let jobID): "the body of job \(jobID) is not text"
        }
    }
}
