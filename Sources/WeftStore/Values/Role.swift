/// What a user may do in a project.
public enum Role: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case owner
    case admin
    case editor
    case viewer

    /// Whether the role may change workflows: edit documents, save, deploy.
    public var canEdit: Bool { self != .viewer }

    /// Whether the role may manage the project: grant and revoke roles, delete workflows.
    public var canAdmin: Bool { self == .owner || self == .admin }

    /// Ordered by power: viewer < editor < admin < owner.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .admin: 2
        case .owner: 3
        }
    }
}
