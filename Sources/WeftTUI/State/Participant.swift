/// Someone else on the workflow, as the editor shows them: initials (never colour alone), a
/// presence colour and what they have selected.
public struct Participant: Hashable, Sendable, Identifiable {
    /// Their connection's awareness id (one person in two terminals is two participants).
    public var id: String
    public var name: String
    /// Which of the theme's presence colours is theirs (cycled when the theme has fewer).
    public var colourIndex: Int
    /// The node or edge they have selected.
    public var selectedID: String?
    /// Where their cursor (and selection) is in a job body, as offsets into our replica's text.
    public var bodyCursor: BodyPresence?

    public init(
        id: String, name: String, colourIndex: Int = 0, selectedID: String? = nil, bodyCursor: BodyPresence? = nil
    ) {
        self.id = id
        self.name = name
        self.colourIndex = colourIndex
        self.selectedID = selectedID
        self.bodyCursor = bodyCursor
    }

    /// Up to two initials, upper-cased: "Ann Lee" → "AL", "bob" → "B".
    public var initials: String { Self.initials(of: name) }

    public static func initials(of name: String) -> String {
        let words = name.split { $0.isWhitespace || $0 == "-" || $0 == "." || $0 == "_" || $0 == "@" }
        let letters = words.prefix(2).compactMap(\.first)
        return letters.isEmpty ? "?" : String(letters).uppercased()
    }
}

/// Where the connection to the relay stands, as the status bar says it.
public enum ConnectionStatus: Hashable, Sendable {
    case connected
    case connecting
    /// Dropped; attempt `attempt` comes in `nextIn`.
    case reconnecting(attempt: Int, nextIn: Duration)
    case disconnected
}

/// Someone's cursor in a job body, resolved to where it stands in our replica now.
public struct BodyPresence: Hashable, Sendable {
    public var jobID: String
    /// The cursor, a UTF-16 offset into the body.
    public var utf16Offset: Int
    /// The other end of their selection, when they have one.
    public var anchor: Int?

    public init(jobID: String, utf16Offset: Int, anchor: Int? = nil) {
        self.jobID = jobID
        self.utf16Offset = utf16Offset
        self.anchor = anchor
    }
}
