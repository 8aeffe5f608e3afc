import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// One client connection's state and its handling of messages, one at a time in arrival order.
///
/// Used only by the connection's own task. Talks to rooms (actors) for document work.
final class Connection {
    let id: UInt64
    let services: RelayServices
    let registry: RoomRegistry
    let provisioner: Provisioner
    private let statusSource: @Sendable () async -> YAny
    let outbound: Outbound
    private let peer: PeerCredentials?
    private var room: Room?
    private var session: SessionHandle?
    /// The document updates of the current join between arrival and ack (one pipeline per join).
    private var pipeline: UpdatePipeline?

    init(
        id: UInt64, services: RelayServices, registry: RoomRegistry, provisioner: Provisioner,
        statusSource: @escaping @Sendable () async -> YAny, outbound: Outbound, peer: PeerCredentials?
    ) {
        self.id = id
        self.services = services
        self.registry = registry
        self.provisioner = provisioner
        self.statusSource = statusSource
        self.outbound = outbound
        self.peer = peer
    }

    /// The name the OS gives the peer (shared mode) or a fallback.
    var peerName: String { peer?.userName ?? "anonymous" }

    func send(_ message: WireMessage) { outbound.send(message) }
    func send(_ control: ControlMessage) { outbound.send(.control(control)) }

    /// Handles one message. Never throws: problems are answered with an error message.
    func handle(_ message: WireMessage) async {
        switch message {
        case .control(let control):
            await handleControl(control)
        case .sync(.step1(let stateVector)):
            guard let room else { return send(.error(.notJoined, "join a workflow before syncing")) }
            do {
                if let answer = try await room.answerStep1(stateVector) {
                    send(answer)
                } else {
                    send(.error(.malformedFrame, "sync step 1 carries an invalid state vector"))
                }
            } catch {
                return  // the relay is closing this connection
            }
        case .sync(.step2(let update)), .sync(.update(let update)):
            guard let room, let session, let pipeline else {
                return send(.error(.notJoined, "join a workflow before sending updates"))
            }
            // Not waiting for the commit: the next update goes into the same group commit. The
            // pipeline acks in order as commits land, and waits here when too many are in flight.
            guard let number = await pipeline.register(bytes: update.count) else { return }  // closing
            switch await room.receiveUpdate(update, from: session, onCommitted: { pipeline.settle(number) }) {
            case .pending: break
            case .settled: pipeline.settle(number)
            case .refused(let problem): pipeline.settle(number, refusal: problem)
            }
        case .awareness(let update):
            guard let room, let session else { return send(.error(.notJoined, "join a workflow first")) }
            if let problem = await room.receiveAwareness(update, from: session) { send(problem) }
        case .queryAwareness:
            guard let room else { return send(.error(.notJoined, "join a workflow first")) }
            send(.awareness(await room.awarenessSnapshot()))
        case .auth:
            break  // y-protocols' auth message means nothing from a client (docs/protocol.md): ignored
        }
    }

    private func handleControl(_ control: ControlMessage) async {
        switch control {
        case .join(let workflow, let name):
            await join(workflow, as: name)
        case .leave:
            // Every update of this join is acked before the connection may join again (acks count from
            // each join).
            await pipeline?.waitUntilSettled()
            await leave()
        case .save(let lockVersion):
            guard let room, let session else { return send(.error(.notJoined, "join a workflow before saving")) }
            send(await room.save(expectedLockVersion: lockVersion, from: session))
        case .deploy(let project, let allowStale, let state):
            let actor = ChangeActor.system(services.configuration.isSharedMode ? peerName : "deploy by \(peerName)")
            let requester = Requester(name: peerName, sharedMode: services.configuration.isSharedMode)
            send(
                await provisioner.deploy(
                    project: project, state: state, allowStale: allowStale, actor: actor, requester: requester,
                    registry: registry))
        case .ping(let id):
            send(.pong(id: id))
        case .status:
            send(.statusReply(status: await statusSource()))
        case .list:
            send(.listReply(projects: await provisioner.listing(registry: registry)))
        case .history, .showVersion, .restore, .export, .drafts, .restoreDraft:
            send(await History(services: services, registry: registry).handle(control, requester: peerName))
        case .sandboxCreate, .sandboxList, .sandboxDiff, .sandboxMerge, .sync:
            await handleSandboxControl(control)
        case .unknown(let type, _):
            send(.error(.unknownControlType, "unknown control message type \"\(type)\""))
        default:
            send(.error(.unexpectedMessage, "\"\(control.type)\" is sent by the relay, not to it"))
        }
    }

    private func join(_ key: String, as requestedName: String?) async {
        if room != nil { return send(.error(.alreadyJoined, "this connection already joined a workflow; leave first")) }
        let workflowID: String
        let projectID: String
        do {
            guard let resolved = try await provisioner.resolveWorkflow(key) else {
                return send(.error(.workflowNotFound, "no workflow \"\(key)\" (use its id or project/workflow)"))
            }
            (workflowID, projectID) = resolved
        } catch {
            return send(.error(.internal, "could not look the workflow up: \(error)"))
        }
        let name: String
        if services.configuration.isSharedMode {
            name = peerName
        } else {
            name = requestedName.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
                ?? peerName
        }
        let role: ProjectRole
        do {
            if let granted = try await services.store.role(of: name, in: projectID) {
                role = granted
            } else if services.configuration.isSharedMode {
                return send(.error(.forbidden, "\(name) has no role in this project; ask an owner to grant one"))
            } else {
                role = .owner  // local mode: the socket is the user's own
            }
        } catch {
            return send(.error(.internal, "could not read roles: \(error)"))
        }
        let handle = SessionHandle(id: id, name: name, role: role, outbound: outbound)
        do {
            let joined = try await registry.join(handle, workflowID: workflowID)
            room = joined
            session = handle
            pipeline = UpdatePipeline(outbound: outbound)
        } catch {
            send(.error(.internal, "could not open the workflow: \(error)"))
        }
    }

    /// Leaves the joined room (on `leave` and when the connection closes). When the connection closed
    /// with updates still committing, they are committed and forwarded all the same, unacknowledged.
    func leave() async {
        guard let room else { return }
        await room.leave(id)
        pipeline?.close()
        self.room = nil
        session = nil
        pipeline = nil
    }
}
