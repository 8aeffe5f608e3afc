import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// The relay's logic without its socket: rooms, the log writer and the provisioner over one store.
///
/// The server runs one; `weft deploy` runs one in-process when no relay is running (holding the
/// store's deploy lock), so a direct deploy reconciles persisted documents exactly as the relay would.
public final class RelayCore: Sendable {
    let services: RelayServices
    let registry: RoomRegistry
    let provisioner: Provisioner

    /// A core over `store`: the SQLite ``WeftStore`` or a store several relays share.
    public init(store: any WorkflowStorage, configuration: RelayConfiguration, logger: Logger) {
        services = RelayServices(store: store, configuration: configuration, logger: logger)
        registry = RoomRegistry(services: services)
        provisioner = Provisioner(services: services)
    }

    public var store: any WorkflowStorage { services.store }

    /// Deploys a project (see ``ControlMessage/deploy(project:allowStale:state:)``) and returns the
    /// relay's answer.
    public func deploy(project: YAny, state: YAny?, allowStale: Bool, actor: ChangeActor) async -> ControlMessage {
        await provisioner.deploy(project: project, state: state, allowStale: allowStale, actor: actor, registry: registry)
    }

    /// Projects and workflows with who edits them.
    public func listing() async -> YAny { await provisioner.listing(registry: registry) }

    /// Commits and compacts every loaded document (before exit).
    public func finish() async { await registry.compactAll() }
}
