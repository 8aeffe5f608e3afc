import YCRDT

/// One place where a rebase could not keep the document's unsaved edit as it was: what, why, both
/// versions, and a sentence for the person whose edit it was.
///
/// Conflicts are resolved in favour of the new version; the conflict holds our side (`ours`) so that
/// nothing typed is lost without a trace.
public struct RebaseConflict: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Reason: String, Hashable, Sendable, Codable {
        /// Both sides changed the field differently (or added the same id differently): theirs is kept.
        case bothChanged = "both_changed"
        /// The new version deleted an entity we had edited: it stays deleted; `ours` is our copy.
        case editedButDeleted = "edited_but_deleted"
        /// We deleted an entity the new version changed: it is back as theirs; `theirs` is its copy.
        case deletedButEdited = "deleted_but_edited"
        /// After the merge an edge's end no longer exists, so the edge was dropped; `ours` is the edge.
        case edgeDropped = "edge_dropped"
    }

    /// The kind of entity (`position` for a node's place on the canvas, keyed by the node's id).
    public var kind: ReconcileSummary.EntityKind
    /// The entity's id (the workflow's id for workflow fields, the node's id for positions).
    public var id: String
    /// The document key of the field; nil when the conflict is about a whole entity or a position.
    public var field: String?
    public var reason: Reason
    /// Our value: a string, number, boolean or null for a field, an object for a whole entity (in the
    /// document's shape) or a position; nil when we did not have it.
    public var ours: YAny?
    /// Their value, likewise; nil when the new version does not have it.
    public var theirs: YAny?
    /// For a job body changed on both sides: each region where our lines gave way to theirs.
    public var hunks: [LineMerge.Conflict]
    /// What happened, in a sentence for the person whose edit it was.
    public var message: String

    public init(
        kind: ReconcileSummary.EntityKind, id: String, field: String? = nil, reason: Reason, ours: YAny?,
        theirs: YAny?, hunks: [LineMerge.Conflict] = [], message: String
    ) {
        self.kind = kind
        self.id = id
        self.field = field
        self.reason = reason
        self.ours = ours
        self.theirs = theirs
        self.hunks = hunks
        self.message = message
    }

    public var description: String { message }

    enum CodingKeys: String, CodingKey {
        case kind, id, field, reason, ours, theirs, hunks, message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(ReconcileSummary.EntityKind.self, forKey: .kind)
        id = try container.decode(String.self, forKey: .id)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        reason = try container.decode(Reason.self, forKey: .reason)
        ours = try Self.decodeValue(container, .ours)
        theirs = try Self.decodeValue(container, .theirs)
        hunks = try container.decodeIfPresent([LineMerge.Conflict].self, forKey: .hunks) ?? []
        message = try container.decode(String.self, forKey: .message)
    }

    /// A missing key is "did not have it" (nil); a JSON null is the value null.
    private static func decodeValue(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> YAny? {
        guard container.contains(key) else { return nil }
        if try container.decodeNil(forKey: key) { return .null }
        return try container.decode(YAny.self, forKey: key)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(ours, forKey: .ours)
        try container.encodeIfPresent(theirs, forKey: .theirs)
        if !hunks.isEmpty { try container.encode(hunks, forKey: .hunks) }
        try container.encode(message, forKey: .message)
    }
}
