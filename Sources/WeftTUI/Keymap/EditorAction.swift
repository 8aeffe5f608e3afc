/// What a key does in the graph: the vocabulary of the key table.
public enum EditorAction: Hashable, Sendable, CaseIterable {
    case moveUp, moveDown, moveLeft, moveRight
    case nextEntity, previousEntity, firstNode, lastNode
    case scrollGraphUp, scrollGraphDown, scrollGraphLeft, scrollGraphRight
    case scrollDetailsUp, scrollDetailsDown
    case toggleDetails
    case openInspector, addJob, addTrigger, rename, delete, connect, undo, redo, showCollaborators
    case save, quit
    case openHelp, openCommandLine, openSearch, searchNext, searchPrevious
    case dismiss
    case redraw
    case openBody
}

extension EditorAction {
    /// Whether the action edits or saves the workflow (refused in a viewer's editor).
    public var changesTheWorkflow: Bool {
        switch self {
        case .openInspector, .addJob, .addTrigger, .rename, .delete, .connect, .undo, .redo, .save, .openBody:
            true
        default:
            false
        }
    }
}
