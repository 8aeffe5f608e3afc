import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// Imports projects (deploys) and answers listings: the one path by which external writes reach
/// the database and then every live or persisted document.
struct Provisioner: Sendable {
    let services: RelayServices

    /// Resolves `id` or `project/workflow` (names or ids) to a workflow and its project.
    func resolveWorkflow(_ key: String) async throws -> (workflowID: String, projectID: String)? {
        let store = services.store
        if let projectID = try await store.projectID(ofWorkflow: key) { return (key, projectID) }
        guard let slash = key.lastIndex(of: "/") else { return nil }
        let project = String(key[..<slash])
        let workflow = String(key[key.index(after: slash)...])
        if let found = try await store.workflow(project: project, named: workflow),
            let projectID = try await store.projectID(ofWorkflow: found.id)
        {
            return (found.id, projectID)
        }
        if let projectID = try await store.projectID(ofWorkflow: workflow) {
            let byID = try await store.project(id: project, includeDeleted: false)
            let byName = try await store.project(named: project, includeDeleted: false)
            if byID?.id == projectID || byName?.id == projectID { return (workflow, projectID) }
        }
        return nil
    }

    /// Imports a project and reconciles every workflow it changed, live or persisted.
    ///
    /// `project` is provisioning JSON (ids included) or `{"yaml": text}`; `state` the deploy state
    /// file for a YAML project. Without `allowStale`, a deploy whose state is older than the database
    /// is refused naming the workflows that moved. `source` is what the versions record (`sync` for a
    /// git sync). `requester` is who asked, when a client did: in shared mode only the owners and
    /// admins of an existing project may deploy to it, and whoever deploys a new one becomes its owner
    /// (else nobody could open it). Local mode and direct deploys check nothing: the socket or the
    /// database file is the user's own.
    ///
    /// The role check, the import and a new project's owner are one step, which deploys (and sandbox
    /// merges) through this relay take one at a time (``SerialGate``); the reconciles that follow do
    /// not hold the others up.
    func deploy(
        project: YAny, state: YAny?, allowStale: Bool, actor: ChangeActor, source: VersionSource = .deploy,
        requester: Requester? = nil, registry: RoomRegistry
    ) async -> ControlMessage {
        services.metrics.deploys.increment()
        let resolved: (project: Project, state: ProjectState?, expected: [String: Int]?, deletedWorkflows: [String])
        do {
            resolved = try resolve(project: project, state: state, allowStale: allowStale)
        } catch let error as FormatError {
            return .deployFailed(
                reason: "invalid", message: error.description,
                errors: .array(error.problems.map { .string($0.description) }))
        } catch {
            return .deployFailed(reason: "invalid", message: "\(error)")
        }
        let imported = await services.deployTurn(busy: { .refused(.deployFailed(reason: "busy", message: $0)) }) {
            await importChecked(
                resolved.project, expected: resolved.expected, actor: actor, source: source, requester: requester)
        }
        let result: ImportResult
        switch imported {
        case .refused(let answer): return answer
        case .imported(let done): result = done
        }
        return await reconcile(
            result, resolved: resolved, actor: actor, source: source, registry: registry)
    }

    private enum ImportOutcome: Sendable {
        case imported(ImportResult)
        case refused(ControlMessage)
    }

    /// Checks the requester's role, imports, and records a new project's owner.
    private func importChecked(
        _ resolvedProject: Project, expected: [String: Int]?, actor: ChangeActor, source: VersionSource,
        requester: Requester?
    ) async -> ImportOutcome {
        // A version without a layout leaves the canvas as it is (DESIGN: positions change only when the
        // new version sets them), in the database as in the documents — else every editor's marker
        // would stay on for a layout nobody changed.
        var project = resolvedProject
        var newOwner: String?
        if let requester, requester.sharedMode {
            let store = services.store
            let existing: Project?
            let role: ProjectRole?
            do {
                // A failed read must refuse, never count as "no such project" (which would make the
                // requester an owner).
                if let byID = try await store.project(id: project.id, includeDeleted: true) {
                    existing = byID
                } else {
                    existing = try await store.project(named: project.name, includeDeleted: false)
                }
                if let existing { role = try await store.role(of: requester.name, in: existing.id) } else { role = nil }
            } catch {
                return .refused(.deployFailed(reason: "internal", message: "could not read the project's roles: \(error)"))
            }
            if let existing {
                guard let role, role.canAdmin else {
                    return .refused(.deployFailed(
                        reason: "forbidden",
                        message: "\(requester.name) is \(role.map { "a \($0.rawValue)" } ?? "not a member") of "
                            + "\(existing.name); only its owners and admins may deploy to it (weft users grant)"))
                }
            } else {
                newOwner = requester.name
            }
        }
        for index in project.workflows.indices where project.workflows[index].positions.isEmpty {
            if let stored = try? await services.store.workflow(id: project.workflows[index].id) {
                project.workflows[index].positions = stored.positions
            }
        }
        let result: ImportResult
        do {
            result = try await services.store.importProject(
                project, actor: actor, source: source, expectedVersions: expected)
        } catch StoreError.staleDeploy(let moved) {
            var movedJSON = YObject()
            for (id, move) in moved {
                movedJSON[id] = ["expected": .integer(Int64(move.expected)), "current": .integer(Int64(move.current))]
            }
            return .refused(.deployFailed(
                reason: "stale",
                message: "these workflows changed since your state file was written: \(moved.keys.sorted().joined(separator: ", ")); pull first or deploy with --allow-stale",
                moved: .object(movedJSON)))
        } catch {
            return .refused(.deployFailed(reason: "refused", message: "\(error)"))
        }
        if let newOwner {
            do { try await services.store.grant(user: newOwner, project: result.projectID, role: .owner) } catch {
                services.logger.error(
                    "a new project was deployed but its owner could not be recorded",
                    metadata: ["project": "\(result.projectID)", "user": "\(newOwner)", "error": "\(error)"])
            }
        }
        return .imported(result)
    }

    /// Brings every changed workflow's document to the imported version (live or persisted), marks
    /// the workflows the project no longer has deleted, and answers the deploy.
    private func reconcile(
        _ result: ImportResult,
        resolved: (project: Project, state: ProjectState?, expected: [String: Int]?, deletedWorkflows: [String]),
        actor: ChangeActor, source: VersionSource, registry: RoomRegistry
    ) async -> ControlMessage {
        var workflows: [YAny] = []
        for change in result.changed {
            var entry: YObject = [
                "id": .string(change.workflowID), "name": .string(change.workflow.name),
                "lock_version": .integer(Int64(change.lockVersion)),
            ]
            do {
                let outcome = try await registry.applyExternal(change, actor: actor, source: source)
                entry["summary"] = WorkflowJSON.summary(outcome.summary)
                entry["conflicts"] = .array(outcome.conflicts.map(WorkflowJSON.conflict))
            } catch {
                // The database holds the version; the document heals from it on its next load.
                services.logger.error(
                    "could not reconcile a deployed workflow; it heals on next load",
                    metadata: ["workflow": "\(change.workflowID)", "error": "\(error)"])
                entry["reconcile_error"] = .string("\(error)")
            }
            workflows.append(.object(entry))
        }
        // Workflows the project no longer has: marked deleted (a version like any other), and open
        // editors are told.
        for workflowID in resolved.deletedWorkflows {
            guard let current = try? await services.store.workflow(id: workflowID), current.deletedAt == nil,
                let saved = try? await services.store.deleteWorkflow(
                    id: workflowID, expectedLockVersion: current.lockVersion, actor: actor, source: source),
                saved.changed
            else { continue }
            _ = try? await registry.applyExternal(WorkflowChange(saved), actor: actor, source: source)
            workflows.append([
                "id": .string(workflowID), "name": .string(current.name),
                "lock_version": .integer(Int64(saved.lockVersion)), "deleted": .bool(true),
            ])
        }
        try? await services.store.audit(
            actor: actor.name, action: "project.deployed", subject: result.projectID,
            details: ["changed": .integer(Int64(result.changed.count))])
        var nextState: YAny?
        if var state = resolved.state?.withoutDeletions() {
            for change in result.changed { state.recordLockVersion(change.lockVersion, ofWorkflow: change.workflowID) }
            nextState = try? JSON.parse(state.write())
        }
        return .deployed(
            project: ["id": .string(result.projectID), "name": .string(resolved.project.name)], workflows: workflows,
            state: nextState)
    }

    private func resolve(project: YAny, state: YAny?, allowStale: Bool) throws
        -> (project: Project, state: ProjectState?, expected: [String: Int]?, deletedWorkflows: [String])
    {
        if case .object(let object) = project, let yaml = object["yaml"]?.stringValue {
            let spec = try ProjectYAML.parse(yaml, file: object["file"]?.stringValue ?? "project.yaml")
            let previous = try state.map { try ProjectState.parse(JSON.stringify($0), file: "state") }
            var (resolved, next) = ProjectState.resolve(spec: spec, state: previous) { UUID().uuidString.lowercased() }
            if let name = object["name"]?.stringValue, !name.isEmpty { resolved.name = name }
            var expected: [String: Int]?
            if !allowStale, let previous {
                var versions: [String: Int] = [:]
                for entry in previous.workflows {
                    versions[entry.id] = entry.value?.otherFields["lock_version"]?.integerValue.map(Int.init) ?? 0
                }
                expected = versions
            }
            let deleted = next.deletions.filter { $0.kind == .workflow }.map(\.id)
            return (resolved, next, expected, deleted)
        }
        let document = try ProvisioningJSON.parse(JSON.stringify(project), file: "provisioning JSON")
        var expected: [String: Int]?
        if !allowStale {
            expected = Dictionary(uniqueKeysWithValues: document.project.workflows.map { ($0.id, $0.lockVersion) })
        }
        let deleted = document.deletions.filter { $0.kind == .workflow }.map(\.id)
        return (document.project, nil, expected, deleted)
    }

    /// Projects and their workflows, with who is editing each.
    func listing(registry: RoomRegistry) async -> YAny {
        let store = services.store
        var projects: [YAny] = []
        for project in (try? await store.projects()) ?? [] {
            var workflows: [YAny] = []
            for workflow in (try? await store.workflows(in: project.id, includeDeleted: false)) ?? [] {
                var editors: [YAny] = []
                if let room = await registry.loadedRoom(workflow.id) {
                    editors = await room.sessionNames.map { .string($0) }
                }
                workflows.append([
                    "id": .string(workflow.id), "name": .string(workflow.name),
                    "lock_version": .integer(Int64(workflow.lockVersion)), "editors": .array(editors),
                ])
            }
            var entry: YObject = [
                "id": .string(project.id), "name": .string(project.name), "workflows": .array(workflows),
            ]
            if let sandbox = try? await store.sandbox(project.id) { entry["sandbox_of"] = .string(sandbox.parent.name) }
            projects.append(.object(entry))
        }
        return .array(projects)
    }
}

extension ProjectState {
    /// Notes the lock_version a deploy left a workflow at, so the next deploy can tell if it moved.
    mutating func recordLockVersion(_ version: Int, ofWorkflow id: String) {
        guard let index = workflows.firstIndex(where: { $0.id == id }), workflows[index].value != nil else { return }
        workflows[index].value!.otherFields["lock_version"] = .integer(Int64(version))
    }
}
