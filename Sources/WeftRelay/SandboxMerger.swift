import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// Who asks for a sandbox operation: the name the relay knows them by, and whether the relay runs in
/// shared mode (where only recorded roles count; in local mode the socket is the user's own, so a user
/// without a recorded role is an owner).
public struct Requester: Sendable {
    public var name: String
    public var sharedMode: Bool

    public init(name: String, sharedMode: Bool) {
        self.name = name
        self.sharedMode = sharedMode
    }
}

/// Creates, lists, compares and merges sandboxes. A merge writes through the same path as a deploy: one
/// transaction (``WorkflowStorage/commitSandboxMerge(sandboxID:parent:actor:expectedVersions:links:)``), then
/// ``RoomRegistry/applyExternal(_:actor:source:)`` for each workflow it changed, so editors open on the
/// parent see it arrive live with their unsaved edits rebased.
struct SandboxMerger: Sendable {
    let services: RelayServices

    private var store: any WorkflowStorage { services.store }

    // MARK: Create and list

    func create(project key: String, name: String, by requester: Requester) async -> ControlMessage {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains("/") else {
            return .sandboxFailed(reason: "invalid", message: "a sandbox needs a name without \"/\"")
        }
        do {
            guard let parent = try await project(key) else {
                return .sandboxFailed(reason: "not_found", message: "no project \"\(key)\"")
            }
            guard try await role(of: requester, in: parent.id) != nil else {
                return .sandboxFailed(
                    reason: "forbidden", message: "\(requester.name) has no role in \(parent.name)")
            }
            let actor = ChangeActor.system(
                "sandbox \(trimmed) of \(parent.name), created by \(requester.name)")
            let sandbox = try await store.createSandbox(
                of: parent.id, name: trimmed, createdBy: requester.name, actor: actor,
                newID: { UUID().uuidString.lowercased() })
            var value = Self.json(sandbox)
            let workflows = try await store.workflows(in: sandbox.project.id, includeDeleted: false).map { workflow -> YAny in
                ["id": .string(workflow.id), "name": .string(workflow.name)]
            }
            value["workflows"] = .array(workflows)
            return .sandboxCreated(sandbox: .object(value))
        } catch StoreError.projectNameTaken(let taken) {
            return .sandboxFailed(
                reason: "name_taken", message: "a project named \"\(taken)\" already exists")
        } catch {
            return .sandboxFailed(reason: "internal", message: "\(error)")
        }
    }

    func list(project key: String?, by requester: Requester) async -> ControlMessage {
        do {
            var parentID: String?
            if let key {
                guard let parent = try await project(key) else {
                    return .sandboxFailed(reason: "not_found", message: "no project \"\(key)\"")
                }
                parentID = parent.id
            }
            // In shared mode a person sees the sandboxes of the projects they have a role in.
            var visible: [SandboxSummary] = []
            for sandbox in try await store.sandboxes(of: parentID)
            where try await role(of: requester, in: sandbox.parent.id) != nil {
                visible.append(sandbox)
            }
            return .sandboxListReply(sandboxes: .array(visible.map { .object(Self.json($0)) }))
        } catch {
            return .sandboxFailed(reason: "internal", message: "\(error)")
        }
    }

    // MARK: Diff and merge

    func diff(sandbox key: String, by requester: Requester) async -> ControlMessage {
        do {
            guard let sandbox = try await store.sandbox(key) else {
                return .sandboxFailed(reason: "not_found", message: "no sandbox \"\(key)\"")
            }
            guard try await role(of: requester, in: sandbox.parent.id) != nil else {
                return .sandboxFailed(
                    reason: "forbidden",
                    message: "\(requester.name) has no role in \(sandbox.parent.name); ask an owner to grant one")
            }
            let plan = try await MergePlan(sandbox: sandbox, store: store, force: false)
            return .sandboxDiffReply(diff: plan.json(committed: nil))
        } catch {
            return .sandboxFailed(reason: "internal", message: "\(error)")
        }
    }

    /// Merges a sandbox into its parent. The plan and its commit run in turn with the relay's deploys
    /// (``SerialGate``): the merge imports the parent's project as it read it when planning, so a deploy
    /// committed between the plan and the commit would otherwise be undone in the project's own fields.
    /// The reconciles that follow run outside the gate.
    func merge(
        sandbox key: String, force: Bool, by requester: Requester, registry: RoomRegistry
    ) async
        -> ControlMessage
    {
        let step = await services.deployTurn(busy: { .answered(.sandboxFailed(reason: "busy", message: $0)) }) {
            await planAndCommit(sandbox: key, force: force, by: requester)
        }
        switch step {
        case .answered(let answer):
            return answer
        case .committed(let plan, let result, let actor):
            return await reconcile(plan: plan, result: result, actor: actor, registry: registry)
        }
    }

    private enum MergeStep: Sendable {
        case answered(ControlMessage)
        case committed(MergePlan, ImportResult, ChangeActor)
    }

    private func planAndCommit(sandbox key: String, force: Bool, by requester: Requester) async -> MergeStep {
        let plan: MergePlan
        do {
            guard let sandbox = try await store.sandbox(key) else {
                return .answered(.sandboxFailed(reason: "not_found", message: "no sandbox \"\(key)\""))
            }
            guard let role = try await role(of: requester, in: sandbox.parent.id), role.canAdmin else {
                return .answered(.sandboxFailed(
                    reason: "forbidden",
                    message: "only owners and admins of \(sandbox.parent.name) may merge into it"))
            }
            plan = try await MergePlan(sandbox: sandbox, store: store, force: force)
        } catch {
            return .answered(.sandboxFailed(reason: "internal", message: "\(error)"))
        }
        let conflicts = plan.conflictLines
        if !conflicts.isEmpty, !force {
            return .answered(.sandboxFailed(
                reason: "conflicts",
                message:
                    "\(plan.sandbox.project.name) and \(plan.sandbox.parent.name) changed the same things since "
                    + "the fork (\(conflicts.count) conflict(s)); nothing was merged. "
                    + "Merge with --force to keep the sandbox's side",
                conflicts: conflicts))
        }
        let writes = plan.entries.filter { $0.outcome.change != .unchanged }
        guard !writes.isEmpty else { return .answered(.sandboxMerged(merge: plan.json(committed: [:]))) }
        let actor = ChangeActor.system("sandbox \(plan.sandbox.project.name), merged by \(requester.name)")
        var parent = plan.parent
        parent.workflows = writes.compactMap(\.outcome.merged)
        var expected: [String: Int] = [:]
        for entry in writes where entry.outcome.change != .created {
            expected[entry.parentWorkflowID] = entry.parentVersion
        }
        let result: ImportResult
        do {
            result = try await store.commitSandboxMerge(
                sandboxID: plan.sandbox.project.id, parent: parent, actor: actor, expectedVersions: expected,
                links: writes.map(\.nextLink))
        } catch StoreError.staleDeploy {
            return .answered(.sandboxFailed(
                reason: "stale",
                message:
                    "\(plan.sandbox.parent.name) changed while merging; nothing was merged, run the merge again"
            ))
        } catch {
            return .answered(.sandboxFailed(reason: "internal", message: "\(error)"))
        }
        return .committed(plan, result, actor)
    }

    private func reconcile(
        plan: MergePlan, result: ImportResult, actor: ChangeActor, registry: RoomRegistry
    ) async -> ControlMessage {
        var committed: [String: YObject] = [:]
        for change in result.changed {
            var entry: YObject = ["lock_version": .integer(Int64(change.lockVersion))]
            do {
                let outcome = try await registry.applyExternal(change, actor: actor, source: .merge)
                entry["summary"] = WorkflowJSON.summary(outcome.summary)
                entry["editor_conflicts"] = .integer(Int64(outcome.conflicts.count))
            } catch {
                services.logger.error(
                    "could not reconcile a merged workflow; it heals on next load",
                    metadata: ["workflow": "\(change.workflowID)", "error": "\(error)"])
                entry["reconcile_error"] = .string("\(error)")
            }
            committed[change.workflowID] = entry
        }
        return .sandboxMerged(merge: plan.json(committed: committed))
    }

    // MARK: Helpers

    private func project(_ key: String) async throws -> Project? {
        if let named = try await store.project(named: key, includeDeleted: false) { return named }
        return try await store.project(id: key, includeDeleted: false)
    }

    private func role(of requester: Requester, in projectID: String) async throws -> ProjectRole? {
        if let granted = try await store.role(of: requester.name, in: projectID) { return granted }
        return requester.sharedMode ? nil : .owner
    }

    static func json(_ sandbox: SandboxSummary) -> YObject {
        var value: YObject = [
            "id": .string(sandbox.project.id), "name": .string(sandbox.project.name),
            "parent": ["id": .string(sandbox.parent.id), "name": .string(sandbox.parent.name)],
            "created_by": .string(sandbox.createdBy),
            "created_at": .string(ISO8601DateFormatter().string(from: sandbox.createdAt)),
            "merges": .integer(Int64(sandbox.merges)),
        ]
        if let mergedAt = sandbox.mergedAt {
            value["merged_at"] = .string(ISO8601DateFormatter().string(from: mergedAt))
        }
        return value
    }
}

/// What merging a sandbox would do, workflow by workflow, computed from the saved versions.
struct MergePlan {
    struct Entry {
        var sandboxWorkflowID: String
        var parentWorkflowID: String
        var name: String
        var outcome: SandboxMergeOutcome
        /// The parent's lock_version the outcome was computed against (0 for a new workflow).
        var parentVersion: Int
        /// The parent's workflow now (nil for a new one).
        var parentNow: Workflow?
        /// The fork point to record if this workflow is merged.
        var nextLink: SandboxLink
        /// Names for conflict lines.
        var context: [Workflow]
    }

    var sandbox: SandboxSummary
    var parent: Project
    var entries: [Entry] = []

    init(sandbox: SandboxSummary, store: any WorkflowStorage, force: Bool) async throws {
        self.sandbox = sandbox
        guard let parent = try await store.project(id: sandbox.parent.id, includeDeleted: true),
            let copy = try await store.project(id: sandbox.project.id, includeDeleted: true)
        else { throw StoreError.projectNotFound(sandbox.parent.id) }
        self.parent = parent
        let links = Dictionary(
            try await store.sandboxLinks(sandbox.project.id).map { ($0.workflowID, $0) },
            uniquingKeysWith: { first, _ in first })
        for workflow in copy.workflows {
            if let link = links[workflow.id] {
                let mapped = link.ids.toParent(workflow)
                guard let now = parent.workflow(link.parentWorkflowID) else { continue }
                let outcome = SandboxMerge.merge(base: link.base, sandbox: mapped, parent: now, force: force)
                var next = link
                next.base = mapped
                next.base.lockVersion = 0
                entries.append(
                    Entry(
                        sandboxWorkflowID: workflow.id, parentWorkflowID: now.id, name: workflow.name,
                        outcome: outcome,
                        parentVersion: now.lockVersion, parentNow: now, nextLink: next,
                        context: [mapped, now, link.base]))
            } else if workflow.deletedAt == nil {
                let parentID = UUID().uuidString.lowercased()
                let ids = SandboxIDMap(toParent: [workflow.id: parentID])
                let mapped = ids.toParent(workflow)
                var base = mapped
                base.lockVersion = 0
                entries.append(
                    Entry(
                        sandboxWorkflowID: workflow.id, parentWorkflowID: parentID, name: workflow.name,
                        outcome: SandboxMerge.created(mapped, parentID: parentID), parentVersion: 0,
                        parentNow: nil,
                        nextLink: SandboxLink(
                            workflowID: workflow.id, parentWorkflowID: parentID, ids: ids, base: base),
                        context: [mapped]))
            }
        }
    }

    /// Every conflict as `workflow: what`, for people.
    var conflictLines: [YAny] {
        entries.flatMap { entry in
            entry.outcome.conflicts.map { conflict -> YAny in
                [
                    "workflow": .string(entry.name), "kind": .string(conflict.kind.rawValue),
                    "id": .string(conflict.id), "field": conflict.field.map(YAny.string) ?? .null,
                    "reason": .string(conflict.reason.rawValue),
                    "message": .string(SandboxMerge.describe(conflict, in: entry.context)),
                ]
            }
        }
    }

    /// The plan as JSON: per workflow its change, whether the parent moved, what the merge changes in
    /// the parent entity by entity, and its conflicts. `committed` (workflow id → what the commit did)
    /// marks a merge that was written.
    func json(committed: [String: YObject]?) -> YAny {
        var workflows: [YAny] = []
        for entry in entries {
            var value: YObject = [
                "name": .string(entry.name), "sandbox_workflow": .string(entry.sandboxWorkflowID),
                "parent_workflow": .string(entry.parentWorkflowID),
                "change": .string(entry.outcome.change.rawValue),
                "parent_moved": .bool(entry.outcome.parentMoved),
            ]
            var changes: [YAny] = []
            if let merged = entry.outcome.merged {
                let before = entry.parentNow ?? Workflow(id: merged.id, name: "")
                for difference in UnsavedChanges.differences(document: merged, base: before) {
                    changes.append([
                        "kind": .string(difference.kind.rawValue), "id": .string(difference.id),
                        "field": difference.field.map(YAny.string) ?? .null,
                        "change": .string(difference.change.rawValue),
                        "label": .string(Self.label(difference, in: [merged] + entry.context)),
                    ])
                }
            }
            value["changes"] = .array(changes)
            value["conflicts"] = .array(
                entry.outcome.conflicts.map { .string(SandboxMerge.describe($0, in: entry.context)) })
            if let done = committed?[entry.parentWorkflowID] {
                for (key, field) in done { value[key] = field }
            }
            workflows.append(.object(value))
        }
        var result: YObject = [
            "sandbox": .string(sandbox.project.name),
            "parent": ["id": .string(parent.id), "name": .string(parent.name)],
            "workflows": .array(workflows),
        ]
        if committed != nil { result["merged"] = .bool(true) }
        return .object(result)
    }

    static func label(_ difference: UnsavedChanges.Difference, in workflows: [Workflow]) -> String {
        let entity = difference.kind.name(of: difference.id, in: workflows)
        switch difference.change {
        case .added: return "\(entity) added"
        case .removed: return "\(entity) removed"
        case .changed: return "\(entity): \(difference.field ?? "changed")"
        }
    }
}
