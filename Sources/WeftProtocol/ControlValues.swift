/// A string-valued field whose known values have names, while any other value still decodes (a newer
/// peer may send one this version does not know). Compare with the named values: `role == .viewer`.
public protocol OpenStringValue: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension OpenStringValue {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// A user's role in a project, which decides what the relay lets the connection do.
public struct Role: OpenStringValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Everything, including managing users.
    public static let owner: Role = "owner"
    /// Everything but ownership.
    public static let admin: Role = "admin"
    /// Edit, save and deploy.
    public static let editor: Role = "editor"
    /// Read only: document updates and saves are refused.
    public static let viewer: Role = "viewer"

    /// Whether the relay accepts this role's document updates and saves.
    public var canEdit: Bool { self == .owner || self == .admin || self == .editor }
}

/// What made a new saved version of a workflow.
public struct ChangeSource: OpenStringValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A person saved in an editor.
    public static let editor: ChangeSource = "editor"
    /// `weft deploy` of a project file.
    public static let deploy: ChangeSource = "deploy"
    /// A sandbox merged into its parent.
    public static let merge: ChangeSource = "merge"
    /// A sync from a git repository.
    public static let sync: ChangeSource = "sync"
    /// An older version restored.
    public static let restore: ChangeSource = "restore"
}

/// Why a save was refused.
public struct SaveFailureReason: OpenStringValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The workflow was saved by someone else since the client's `lock_version`; `moved` says what.
    public static let stale: SaveFailureReason = "stale"
    /// The workflow does not validate; `errors` holds the messages (also written to the document's
    /// `errors` map).
    public static let invalid: SaveFailureReason = "invalid"
    /// The connection's role may not save.
    public static let forbidden: SaveFailureReason = "forbidden"
    /// The relay could not write to its database (a full disk, a lost database server): nothing was
    /// saved and the edits stay; save again later.
    public static let unavailable: SaveFailureReason = "unavailable"
}

/// Who made a change: a person, or a system actor (deploy, sync, merge) that shows no presence.
public struct Actor: Hashable, Sendable {
    /// Whether the actor is a person or a system.
    public struct Kind: OpenStringValue {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let person: Kind = "person"
        public static let system: Kind = "system"
    }

    /// A person's display name, or a system actor's name (`deploy`, `sync`, …).
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public static func person(_ name: String) -> Actor { Actor(name: name, kind: .person) }
    public static func system(_ name: String) -> Actor { Actor(name: name, kind: .system) }
}
