import WorkflowModel

/// Our own edit, undo or redo as the document has it after it was made (what
/// ``EditorEvent/localChange(_:)`` carries).
public struct LocalChange: Hashable, Sendable {
    /// The document now.
    public var workflow: Workflow
    /// Whether it differs from the saved version now.
    public var isDirty: Bool
    public var canUndo: Bool
    public var canRedo: Bool

    public init(workflow: Workflow, isDirty: Bool, canUndo: Bool, canRedo: Bool) {
        self.workflow = workflow
        self.isDirty = isDirty
        self.canUndo = canUndo
        self.canRedo = canRedo
    }
}
