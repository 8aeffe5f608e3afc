import YCRDT

/// Someone else editing the same workflow, as their awareness state says.
public struct Collaborator: Hashable, Sendable, Identifiable {
    /// Their replica's client id (one person in two terminals is two collaborators).
    public var clientID: ClientID
    public var name: String
    /// `#RRGGBB`, from their state (or derived from their name when they sent none).
    public var colour: String
    /// The node (job, trigger or edge id) they have selected.
    public var selectedNodeID: String?
    /// Where their cursor is in a job body.
    public var bodyCursor: BodyCursor?

    public var id: ClientID { clientID }

    public init(
        clientID: ClientID, name: String, colour: String, selectedNodeID: String? = nil,
        bodyCursor: BodyCursor? = nil
    ) {
        self.clientID = clientID
        self.name = name
        self.colour = colour
        self.selectedNodeID = selectedNodeID
        self.bodyCursor = bodyCursor
    }

    /// Up to two initials of the name, upper-cased ("Ann Lee" → "AL", "bob" → "B").
    public var initials: String {
        let words = name.split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "." || $0 == "_" })
        let letters = words.prefix(2).compactMap(\.first)
        return letters.isEmpty ? "?" : String(letters).uppercased()
    }
}

/// A cursor in a job body that stays on its character while others type: the job and a
/// ``RelativePosition`` in its body. Resolve it with ``EditorSession/utf16Offset(of:)``.
public struct BodyCursor: Hashable, Sendable {
    public var jobID: String
    public var position: RelativePosition
    /// The other end of the selection, when something is selected (also relative).
    public var anchor: RelativePosition?

    public init(jobID: String, position: RelativePosition, anchor: RelativePosition? = nil) {
        self.jobID = jobID
        self.position = position
        self.anchor = anchor
    }
}
