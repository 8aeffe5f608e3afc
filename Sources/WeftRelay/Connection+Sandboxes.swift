import WeftProtocol
import WeftStore

extension Connection {
    /// Sandbox and git sync requests (docs/sandboxes.md). A connection needs no join for them.
    func handleSandboxControl(_ control: ControlMessage) async {
        let requester = Requester(name: peerName, sharedMode: services.configuration.isSharedMode)
        let merger = SandboxMerger(services: services)
        switch control {
        case .sandboxCreate(let project, let name):
            send(await merger.create(project: project, name: name, by: requester))
        case .sandboxList(let project):
            send(await merger.list(project: project, by: requester))
        case .sandboxDiff(let sandbox):
            send(await merger.diff(sandbox: sandbox, by: requester))
        case .sandboxMerge(let sandbox, let force):
            send(await merger.merge(sandbox: sandbox, force: force, by: requester, registry: registry))
        case .sync(let repository, let commit, let file, let yaml, let project):
            send(
                await RepositorySyncer(services: services, provisioner: provisioner).sync(
                    repository: repository, commit: commit, file: file, yaml: yaml, project: project,
                    requester: requester, registry: registry))
        default:
            send(.error(.unexpectedMessage, "\"\(control.type)\" is not a sandbox request"))
        }
    }
}
