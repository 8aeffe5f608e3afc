import WeftProtocol
import WeftStore
import YCRDT

/// What a room knows of one connection: who it is, what it may do, and how to reach it.
struct SessionHandle: Sendable {
    let id: UInt64
    /// The display name (local mode: chosen with `as`; shared mode: the OS user).
    let name: String
    let role: ProjectRole
    let outbound: Outbound

    var canEdit: Bool { role.canEdit }
    var actor: ChangeActor { .person(name) }
}
