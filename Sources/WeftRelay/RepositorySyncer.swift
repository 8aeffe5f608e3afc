import Foundation
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// Deploys a project file read from a git commit (the CLI reads it with `git show`; the relay never runs
/// git) as the system actor "repository connection", with source `sync`. The names-to-ids state a
/// deploy keeps beside its file is kept in the database instead, keyed by repository and project, so the
/// repository is never written and a second sync updates the same workflows.
struct RepositorySyncer: Sendable {
    /// The actor every sync is recorded under.
    static let actor = ChangeActor.system("repository connection")

    let services: RelayServices
    let provisioner: Provisioner

    func sync(
        repository: String, commit: String, file: String, yaml: String, project override: String?,
        requester: Requester? = nil, registry: RoomRegistry
    ) async -> ControlMessage {
        let store = services.store
        let spec: ProjectSpec
        do {
            spec = try ProjectYAML.parse(yaml, file: file)
        } catch {
            return .syncFailed(
                reason: "invalid",
                message: "\(file) at \(commit.prefix(12)) is not a project file: \(error.description)",
                errors: .array(error.problems.map { .string($0.description) }))
        }
        let name = override.flatMap { $0.isEmpty ? nil : $0 } ?? spec.name
        let known: RepositorySync?
        let state: YAny?
        do {
            known = try await store.repositorySync(repository: repository, project: name)
            state = try known.map { try JSON.parse($0.state) }
            if known == nil, try await store.project(named: name, includeDeleted: false) != nil {
                return .syncFailed(
                    reason: "name_taken",
                    message: "a project named \"\(name)\" exists that no sync of \(repository) made; "
                        + "sync it under another name with --project")
            }
        } catch {
            return .syncFailed(reason: "internal", message: "\(error)")
        }
        var payload: YObject = ["yaml": .string(yaml), "file": .string(file)]
        payload["name"] = .string(name)
        let reply = await provisioner.deploy(
            project: .object(payload), state: state, allowStale: true, actor: Self.actor, source: .sync,
            requester: requester, registry: registry)
        switch reply {
        case .deployed(let project, let workflows, let nextState):
            let projectID = project.objectValue?["id"]?.stringValue
            do {
                try await store.recordRepositorySync(
                    RepositorySync(
                        repository: repository, project: name, projectID: projectID, file: file,
                        state: nextState.map(JSON.stringify) ?? known?.state ?? "{}", lastCommit: commit,
                        syncedAt: Date()))
            } catch {
                services.logger.error(
                    "a sync was committed but its state was not recorded", metadata: ["error": "\(error)"])
            }
            return .synced(
                sync: [
                    "repository": .string(repository), "commit": .string(commit), "file": .string(file),
                    "previous_commit": known.map { .string($0.lastCommit) } ?? .null, "project": project,
                    "workflows": .array(workflows),
                ])
        case .deployFailed(let reason, let message, let errors, _):
            return .syncFailed(reason: reason, message: message ?? reason, errors: errors)
        default:
            return .syncFailed(reason: "internal", message: "unexpected answer \(reply.type)")
        }
    }
}
