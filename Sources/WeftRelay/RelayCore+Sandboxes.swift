import WeftProtocol
import WeftStore

extension RelayCore {
    /// Creates a sandbox of `project` (name or id) named `name`; answers `sandbox_created` or
    /// `sandbox_failed`.
    public func createSandbox(project: String, name: String, by requester: Requester) async -> ControlMessage
    {
        await SandboxMerger(services: services).create(project: project, name: name, by: requester)
    }

    /// The sandboxes (of one parent project when named); answers `sandbox_list_reply`.
    public func listSandboxes(project: String?) async -> ControlMessage {
        // Direct access to the database file: whoever can open it sees everything, as in local mode.
        await SandboxMerger(services: services).list(project: project, by: Requester(name: "local", sharedMode: false))
    }

    /// What merging `sandbox` would change; answers `sandbox_diff_reply`.
    public func diffSandbox(_ sandbox: String) async -> ControlMessage {
        await SandboxMerger(services: services).diff(sandbox: sandbox, by: Requester(name: "local", sharedMode: false))
    }

    /// Merges `sandbox` into its parent and reconciles every workflow it changed, live or persisted;
    /// answers `sandbox_merged` or `sandbox_failed`.
    public func mergeSandbox(_ sandbox: String, force: Bool, by requester: Requester) async -> ControlMessage
    {
        await SandboxMerger(services: services).merge(
            sandbox: sandbox, force: force, by: requester, registry: registry)
    }

    /// Deploys a project file read at a git commit, as the repository connection; answers `synced` or
    /// `sync_failed`.
    public func sync(
        repository: String, commit: String, file: String, yaml: String, project: String?
    ) async
        -> ControlMessage
    {
        await RepositorySyncer(services: services, provisioner: provisioner).sync(
            repository: repository, commit: commit, file: file, yaml: yaml, project: project,
            registry: registry)
    }
}
