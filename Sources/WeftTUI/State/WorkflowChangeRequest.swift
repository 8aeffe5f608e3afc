import WorkflowModel

/// An edit of the workflow's structure or of one field, as the editor asks for it
/// (``EditorEffect/edit(_:)``). The driver carries it out on the session against the document as
/// it is then — not against the editor's copy — so edits others made meanwhile are kept.
public enum WorkflowChangeRequest: Hashable, Sendable {
    /// Sets one field of entity `id` (the workflow's own for `.workflow` fields).
    case setField(FormField, value: FieldValue, of: String)
    /// Adds a job, and the edge that wires it below another node when there is one.
    case addJob(Job, edge: Edge?)
    case addTrigger(Trigger)
    case addEdge(Edge)
    /// Deletes a job, trigger or edge; a node goes with every edge that hangs on it (and its
    /// position, and a cron trigger's cursor on a deleted job).
    case delete(String)

    /// What went wrong carrying a request out.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Makes the change on `workflow`, as the document will have it.
    ///
    /// - Throws: ``Failure`` when the entity is gone (someone deleted it meanwhile) or an added id is
    ///   taken; `workflow` is then unchanged.
    public func apply(to workflow: inout Workflow) throws(Failure) {
        switch self {
        case .setField(let field, let value, let id):
            try Self.set(field, to: value, of: id, in: &workflow)
        case .addJob(let job, let edge):
            try Self.requireFree(job.id, in: workflow)
            if let edge {
                try Self.requireFree(edge.id, in: workflow)
                guard edge.sourceID.map({ workflow.job($0) != nil || workflow.trigger($0) != nil }) ?? false
                else {
                    throw Failure(description: "the node above the new job is gone")
                }
            }
            workflow.jobs.append(job)
            if let edge { workflow.edges.append(edge) }
        case .addTrigger(let trigger):
            try Self.requireFree(trigger.id, in: workflow)
            workflow.triggers.append(trigger)
        case .addEdge(let edge):
            try Self.requireFree(edge.id, in: workflow)
            guard let source = edge.sourceID, workflow.job(source) != nil || workflow.trigger(source) != nil,
                workflow.job(edge.targetJobID) != nil
            else { throw Failure(description: "a node of the new edge is gone") }
            workflow.edges.append(edge)
        case .delete(let id):
            if workflow.edge(id) != nil {
                workflow.edges.removeAll { $0.id == id }
            } else if workflow.job(id) != nil || workflow.trigger(id) != nil {
                workflow.jobs.removeAll { $0.id == id }
                workflow.triggers.removeAll { $0.id == id }
                workflow.edges.removeAll {
                    $0.sourceJobID == id || $0.sourceTriggerID == id || $0.targetJobID == id
                }
                workflow.positions[id] = nil
                for index in workflow.triggers.indices where workflow.triggers[index].cronCursorJobID == id {
                    workflow.triggers[index].cronCursorJobID = nil
                }
            } else {
                throw Failure(description: "it is gone already")
            }
        }
    }

    /// The edges that go with deleting `id` (none for an edge).
    public static func edgesDeleted(with id: String, in workflow: Workflow) -> [Edge] {
        guard workflow.edge(id) == nil else { return [] }
        return workflow.edges.filter {
            $0.sourceJobID == id || $0.sourceTriggerID == id || $0.targetJobID == id
        }
    }

    private static func requireFree(_ id: String, in workflow: Workflow) throws(Failure) {
        if workflow.job(id) != nil || workflow.trigger(id) != nil || workflow.edge(id) != nil {
            throw Failure(description: "the id \(id) is taken")
        }
    }

    private static func set(
        _ field: FormField, to value: FieldValue, of id: String, in workflow: inout Workflow
    ) throws(Failure) {
        let text: String?
        let flag: Bool?
        switch value {
        case .text(let value): (text, flag) = (value, nil)
        case .flag(let value): (text, flag) = (nil, value)
        }
        func gone() -> Failure { Failure(description: "\(field.kind.rawValue) \(id) is gone") }
        func invalid() -> Failure {
            Failure(description: "\(field.key) cannot be \(text ?? flag.map(String.init) ?? "unset")")
        }
        switch field.kind {
        case .workflow:
            guard field.key == "name", let text else { throw invalid() }
            workflow.name = text
        case .job:
            guard let index = workflow.jobs.firstIndex(where: { $0.id == id }) else { throw gone() }
            switch field.key {
            case "name": workflow.jobs[index].name = text ?? ""
            case "adaptor": workflow.jobs[index].adaptor = text ?? ""
            case "project_credential_id": workflow.jobs[index].projectCredentialID = text
            case "keychain_credential_id": workflow.jobs[index].keychainCredentialID = text
            default: throw invalid()
            }
        case .trigger:
            guard let index = workflow.triggers.firstIndex(where: { $0.id == id }) else { throw gone() }
            switch field.key {
            case "type":
                guard let kind = text.flatMap(Trigger.Kind.init(rawValue:)) else { throw invalid() }
                workflow.triggers[index].type = kind
            case "cron_expression": workflow.triggers[index].cronExpression = text
            case "webhook_reply": workflow.triggers[index].webhookReply = text
            case "enabled":
                guard let flag else { throw invalid() }
                workflow.triggers[index].enabled = flag
            default: throw invalid()
            }
        case .edge:
            guard let index = workflow.edges.firstIndex(where: { $0.id == id }) else { throw gone() }
            switch field.key {
            case "condition_type":
                guard let condition = text.flatMap(Edge.Condition.init(rawValue:)) else { throw invalid() }
                workflow.edges[index].conditionType = condition
            case "condition_expression": workflow.edges[index].conditionExpression = text
            case "condition_label": workflow.edges[index].conditionLabel = text
            case "enabled":
                guard let flag else { throw invalid() }
                workflow.edges[index].enabled = flag
            default: throw invalid()
            }
        }
    }
}

/// Our own edit, undo or redo as carried out: fed back to the editor after each
/// ``EditorEffect/edit(_:)``, ``EditorEffect/undo`` and ``EditorEffect/redo``.
public struct LocalChange: Hashable, Sendable {
    /// The document now.
    public var workflow: Workflow
    /// Whether it differs from the saved version now.
    public var isDirty: Bool
    public var canUndo: Bool
    public var canRedo: Bool
    /// Why it could not be done, when it could not (the document is then unchanged).
    public var failure: String?

    public init(workflow: Workflow, isDirty: Bool, canUndo: Bool, canRedo: Bool, failure: String? = nil) {
        self.workflow = workflow
        self.isDirty = isDirty
        self.canUndo = canUndo
        self.canRedo = canRedo
        self.failure = failure
    }
}
