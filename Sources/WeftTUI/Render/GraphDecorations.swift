/// What is drawn on the graph besides the layout itself: the selection, badges and presence.
public struct GraphDecorations: Hashable, Sendable {
    /// The selected node or edge.
    public var selectedID: String?
    /// Entities someone else just changed, with the initials of who did (empty when unknown).
    public var changedBy: [String: String]
    /// For each node, the collaborators who have it selected: their initials and presence colour.
    public var presence: [String: [PresenceMark]]

    public init(selectedID: String? = nil, changedBy: [String: String] = [:], presence: [String: [PresenceMark]] = [:]) {
        self.selectedID = selectedID
        self.changedBy = changedBy
        self.presence = presence
    }
}

/// One collaborator's mark on a node: initials in their presence colour.
public struct PresenceMark: Hashable, Sendable {
    public var initials: String
    public var colourIndex: Int

    public init(initials: String, colourIndex: Int) {
        self.initials = initials
        self.colourIndex = colourIndex
    }
}
