import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// Answers the history, export and drafts requests (docs/history.md): reads of the versions table,
/// restores (a new version with source `restore`, reconciled into the live or persisted document like
/// a deploy) and kept drafts brought back as unsaved edits.
///
/// A viewer may read (history, show, export, drafts) but not restore.
struct History: Sendable {
    let services: RelayServices
    let registry: RoomRegistry

    private var store: any WorkflowStorage { services.store }
    private var provisioner: Provisioner { Provisioner(services: services) }

    /// The answer to one request from `requester` (the OS user of the connection, or of the CLI that
    /// runs without a relay).
    func handle(_ request: ControlMessage, requester: String) async -> ControlMessage {
        do {
            switch request {
            case .history(let key): return try await history(key, requester: requester)
            case .showVersion(let key, let lockVersion):
                return try await show(key, lockVersion, requester: requester)
            case .restore(let key, let lockVersion):
                return try await restore(key, lockVersion, requester: requester)
            case .export(let key, let format, let state):
                return try await export(key, format: format, state: state, requester: requester)
            case .drafts: return try await drafts(requester: requester)
            case .restoreDraft(let id): return try await restoreDraft(id, requester: requester)
            default: return .error(.unexpectedMessage, "\"\(request.type)\" is not a history request")
            }
        } catch let refusal as Refusal {
            return .error(refusal.code, refusal.message)
        } catch {
            services.logger.error(
                "a history request failed", metadata: ["request": "\(request.type)", "error": "\(error)"])
            return .error(.internal, "\(request.type) failed: \(error)")
        }
    }

    /// An answer of `error` with a code, thrown to leave a request early.
    struct Refusal: Error {
        let code: ErrorCode
        let message: String
        init(_ code: ErrorCode, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    // MARK: Who may do what

    /// The requester's role in a project: the granted one, else owner in local mode (the socket is
    /// theirs alone); in shared mode someone without a role is refused.
    private func role(of requester: String, in projectID: String) async throws -> ProjectRole {
        if let granted = try await store.role(of: requester, in: projectID) { return granted }
        if services.configuration.isSharedMode {
            throw Refusal(.forbidden, "\(requester) has no role in this project; ask an owner to grant one")
        }
        return .owner
    }

    private func requireEditor(_ requester: String, in projectID: String, to what: String) async throws {
        let role = try await role(of: requester, in: projectID)
        guard role.canEdit else {
            throw Refusal(
                .forbidden, "\(requester) is a \(role.rawValue) of this project and may not \(what)")
        }
    }

    /// `key` resolved to a live workflow, else to a deleted one.
    private func resolvedOrDeleted(_ key: String) async throws -> (workflowID: String, projectID: String)? {
        if let live = try await provisioner.resolveWorkflow(key) { return live }
        return try await deletedWorkflow(key)
    }

    /// The workflow `key` names; a deleted one too (its history stays, and a restore brings it back).
    private func workflow(_ key: String) async throws -> (workflow: Workflow, projectID: String) {
        guard let (id, projectID) = try await resolvedOrDeleted(key),
            let workflow = try await store.workflow(id: id)
        else {
            throw Refusal(
                .workflowNotFound,
                "no workflow \"\(key)\" (use its id or project/workflow; `weft ls` lists them)")
        }
        return (workflow, projectID)
    }

    /// `project/workflow` of a deleted workflow (the last deleted, when several had the name).
    private func deletedWorkflow(_ key: String) async throws -> (workflowID: String, projectID: String)? {
        guard let slash = key.lastIndex(of: "/") else { return nil }
        let projectKey = String(key[..<slash])
        let name = String(key[key.index(after: slash)...])
        guard let project = try await projectByIDOrName(projectKey) else {
            return nil
        }
        let deleted = try await store.workflows(in: project.id, includeDeleted: true).filter {
            $0.name == name && $0.deletedAt != nil
        }
        return deleted.max { $0.updatedAt < $1.updatedAt }.map { ($0.id, project.id) }
    }

    /// The live project with id `key`, else the one named `key`.
    private func projectByIDOrName(_ key: String) async throws -> Project? {
        if let byID = try await store.project(id: key, includeDeleted: false) { return byID }
        return try await store.project(named: key, includeDeleted: false)
    }

    private func identity(of workflow: Workflow, projectID: String) async throws -> YAny {
        [
            "id": .string(workflow.id), "name": .string(workflow.name),
            "project": .string(try await store.project(id: projectID, includeDeleted: true)?.name ?? projectID),
        ]
    }

    // MARK: Reading

    private func history(_ key: String, requester: String) async throws -> ControlMessage {
        let (workflow, projectID) = try await workflow(key)
        _ = try await role(of: requester, in: projectID)
        let versions = try await store.versions(of: workflow.id).map { version -> YAny in
            [
                "lock_version": .integer(Int64(version.lockVersion)),
                "created_at": .string(Self.time(version.createdAt)),
                "actor": Self.actor(version.actor), "source": .string(version.source.rawValue),
            ]
        }
        return .historyReply(workflow: try await identity(of: workflow, projectID: projectID), versions: versions)
    }

    private func show(_ key: String, _ lockVersion: Int, requester: String) async throws -> ControlMessage {
        let (workflow, projectID) = try await workflow(key)
        _ = try await role(of: requester, in: projectID)
        let version = try await storedVersion(of: workflow, lockVersion)
        return .versionReply(version: [
            "workflow_id": .string(workflow.id), "lock_version": .integer(Int64(version.lockVersion)),
            "created_at": .string(Self.time(version.createdAt)), "actor": Self.actor(version.actor),
            "source": .string(version.source.rawValue),
            "workflow": try WorkflowJSON.value(of: version.workflow),
        ])
    }

    private func storedVersion(of workflow: Workflow, _ lockVersion: Int) async throws -> WorkflowVersion {
        if let version = try await store.version(of: workflow.id, lockVersion: lockVersion) { return version }
        throw Refusal(
            .versionNotFound,
            "\(workflow.name) has no version \(lockVersion); its versions are 1 to \(workflow.lockVersion)")
    }

    private func export(
        _ key: String, format: String, state: YAny?, requester: String
    ) async throws -> ControlMessage {
        guard let project = try await projectByIDOrName(key) else {
            throw Refusal(.projectNotFound, "no project \"\(key)\" (`weft ls` lists them)")
        }
        _ = try await role(of: requester, in: project.id)
        let identity: YAny = ["id": .string(project.id), "name": .string(project.name)]
        switch format {
        case "yaml":
            // A state the caller already has keeps its keys; one of another project is not ours to reuse.
            var previous = try state.map { try ProjectState.parse(JSON.stringify($0), file: "state") }
            if previous?.id != project.id { previous = nil }
            let (spec, next) = ProjectSpec.exporting(project, state: previous)
            return .exported(
                project: identity, format: format, text: ProjectYAML.write(spec),
                state: try JSON.parse(next.write()))
        case "json":
            return .exported(
                project: identity, format: format,
                text: ProvisioningJSON.write(ProvisioningDocument(project: project)))
        default:
            throw Refusal(.malformedControl, "unknown export format \"\(format)\"; use yaml or json")
        }
    }

    private func drafts(requester: String) async throws -> ControlMessage {
        var entries: [YAny] = []
        for draft in try await store.drafts(includeRestored: true) {
            guard let projectID = try await store.projectID(ofWorkflow: draft.workflowID),
                (try? await role(of: requester, in: projectID)) != nil
            else { continue }
            let current = try await store.workflow(id: draft.workflowID)
            let base = try await store.version(of: draft.workflowID, lockVersion: draft.basedOn)?.workflow
            var entry: YObject = [
                "id": .integer(Int64(draft.id)), "workflow_id": .string(draft.workflowID),
                "workflow_name": .string(current?.name ?? draft.workflow.name),
                "project": .string(try await store.project(id: projectID, includeDeleted: true)?.name ?? projectID),
                "based_on": .integer(Int64(draft.basedOn)),
                "displaced_by": .integer(Int64(draft.displacedBy)),
                "people": .array(draft.people.map(YAny.string)),
                "created_at": .string(Self.time(draft.createdAt)),
                "changes": .array(
                    base.map { UnsavedChanges.differences(document: draft.workflow, base: $0) }?.map {
                        .string(Self.describe($0, in: draft.workflow, base: base))
                    } ?? []),
                "workflow": try WorkflowJSON.value(of: draft.workflow),
            ]
            if let restoredAt = draft.restoredAt { entry["restored_at"] = .string(Self.time(restoredAt)) }
            if let restoredBy = draft.restoredBy { entry["restored_by"] = .string(restoredBy) }
            entries.append(.object(entry))
        }
        return .draftsReply(drafts: entries)
    }

    // MARK: Writing

    /// Saves the old version's content as a new version (source `restore`) and reconciles it into the
    /// document like a deploy: editors get `workflow_saved`, their unsaved edits rebased.
    private func restore(_ key: String, _ lockVersion: Int, requester: String) async throws -> ControlMessage
    {
        let (workflow, projectID) = try await workflow(key)
        try await requireEditor(requester, in: projectID, to: "restore versions")
        let old = try await storedVersion(of: workflow, lockVersion)
        let actor = ChangeActor.person(requester)
        var result: SaveResult?
        // Another write may land between reading the current version and saving: read again and retry.
        for _ in 0..<5 where result == nil {
            guard let current = try await store.workflow(id: workflow.id) else {
                throw Refusal(.workflowNotFound, "the workflow \(workflow.name) is gone")
            }
            var target = old.workflow
            target.lockVersion = current.lockVersion
            do {
                result = try await store.saveWorkflow(
                    target, expectedLockVersion: current.lockVersion, actor: actor, source: .restore)
            } catch StoreError.stale {
                continue
            }
        }
        guard let result else { throw Refusal(.internal, "the workflow kept changing; try again") }
        let identity = try await identity(of: result.workflow, projectID: projectID)
        guard result.changed else {
            return .restored(
                workflow: identity, lockVersion: result.lockVersion, restoredFrom: lockVersion,
                changed: false,
                conflicts: [])
        }
        var conflicts: [YAny] = []
        do {
            let outcome = try await registry.applyExternal(
                WorkflowChange(result), actor: actor, source: .restore)
            conflicts = outcome.conflicts.map(WorkflowJSON.conflict)
        } catch {
            // The version is committed; the document heals from it on its next load.
            services.logger.error(
                "could not reconcile a restored workflow; it heals on next load",
                metadata: ["workflow": "\(workflow.id)", "error": "\(error)"])
        }
        return .restored(
            workflow: identity, lockVersion: result.lockVersion, restoredFrom: lockVersion, changed: true,
            conflicts: conflicts)
    }

    /// Brings a kept draft back as unsaved edits of the document and marks it restored.
    private func restoreDraft(_ id: Int, requester: String) async throws -> ControlMessage {
        guard let draft = try await store.draft(id: id),
            let projectID = try await store.projectID(ofWorkflow: draft.workflowID),
            let current = try await store.workflow(id: draft.workflowID)
        else {
            throw Refusal(.draftNotFound, "no draft \(id) (`weft drafts` lists them)")
        }
        try await requireEditor(requester, in: projectID, to: "restore drafts")
        if draft.isRestored {
            throw Refusal(
                .draftAlreadyRestored,
                "draft \(id) was restored already\(draft.restoredBy.map { " by \($0)" } ?? ""); nothing was done"
            )
        }
        let base = try await store.version(of: draft.workflowID, lockVersion: draft.basedOn)?.workflow ?? current
        guard try await store.markDraftRestored(id: id, by: requester, at: Date()) else {
            throw Refusal(.draftAlreadyRestored, "draft \(id) was restored already; nothing was done")
        }
        let outcome: (summary: ReconcileSummary, conflicts: [RebaseConflict])
        do {
            outcome = try await registry.applyDraft(
                draft.workflow, editedOn: base, workflowID: draft.workflowID)
        } catch {
            try? await store.unmarkDraftRestored(id: id)
            throw error
        }
        return .draftRestored(
            id: id, workflow: try await identity(of: current, projectID: projectID),
            summary: WorkflowJSON.summary(outcome.summary),
            conflicts: outcome.conflicts.map(WorkflowJSON.conflict))
    }

    // MARK: Formatting

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func actor(_ actor: ChangeActor) -> YAny {
        ["name": .string(actor.name), "kind": .string(actor.kind.rawValue)]
    }

    /// One unsaved difference for people: `job "fetch": body changed`, `edge e1: added`.
    static func describe(
        _ difference: UnsavedChanges.Difference, in draft: Workflow, base: Workflow?
    ) -> String {
        let subject: String
        switch difference.kind {
        case .workflow: subject = "the workflow"
        case .job:
            let name = (draft.job(difference.id) ?? base?.job(difference.id))?.name ?? ""
            subject = name.isEmpty ? "job \(difference.id)" : "job \"\(name)\""
        default: subject = "\(difference.kind.rawValue) \(difference.id)"
        }
        return "\(subject): "
            + (difference.field.map { "\($0) \(difference.change.rawValue)" } ?? difference.change.rawValue)
    }
}
