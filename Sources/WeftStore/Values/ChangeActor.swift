/// Who made a change: a person, or a system process such as a deploy, a sandbox merge or a git sync.
///
/// Named `ChangeActor` rather than `Actor` so that it never shadows Swift's `Actor` protocol in the
/// modules that import WeftStore (the relay declares actors of its own).
public struct ChangeActor: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case person
        case system
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// A person, by the name they edit under.
    public static func person(_ name: String) -> ChangeActor { ChangeActor(name: name, kind: .person) }

    /// A system process: `deploy`, `sync`, `merge`, ….
    public static func system(_ name: String) -> ChangeActor { ChangeActor(name: name, kind: .system) }

    public var description: String { "\(name) (\(kind.rawValue))" }
}

/// How a version of a workflow came to be.
public enum VersionSource: String, Codable, Hashable, Sendable, CaseIterable {
    /// A save from the collaborative editor.
    case editor
    /// A project file deployed with `weft deploy`.
    case deploy
    /// A sandbox merged into its parent.
    case merge
    /// A sync from a git repository.
    case sync
    /// An earlier version restored.
    case restore
}
