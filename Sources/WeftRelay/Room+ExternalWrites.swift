import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

// External writes: versions committed elsewhere (deploy, merge, sync, restore) and drafts, applied to
// the live document.

extension Room {
    /// Applies a version committed elsewhere (deploy, merge, sync, restore) to the live document,
    /// rebasing unsaved edits, and tells every client.
    ///
    /// Returns nil when the room is unloading or unloaded (after the unload has finished, like a
    /// join): the registry then applies the change to a fresh room.
    func applyExternal(_ change: WorkflowChange, actor: ChangeActor, source: VersionSource) async throws
        -> RebaseOutcome?
    {
        try await asExternalWrite { try await self.rebaseInto(change, actor: actor, source: source) }
    }

    private func rebaseInto(
        _ change: WorkflowChange, actor: ChangeActor, source: VersionSource
    ) async throws -> RebaseOutcome {
        // The document is the room's base plus everyone's unsaved edits; rebase those onto the current
        // row (never the caller's struct: a later commit may already have landed).
        let oldBase = base
        let newVersion = try await services.store.workflow(id: workflowID) ?? change.workflow
        let outcome: RebaseOutcome
        if services.store.isShared {
            // Only the relay that wrote the version reconciles it, under the document's lock.
            outcome = try await rebaseUnderLock(onto: newVersion, from: oldBase)
        } else {
            outcome = try await rebase(onto: newVersion, from: oldBase)
        }
        let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
        let notice = WireMessage.control(
            .workflowSaved(
                lockVersion: base.lockVersion, workflow: baseJSON,
                actor: WeftProtocol.Actor(name: actor.name, kind: actor.kind == .system ? .system : .person),
                source: ChangeSource(rawValue: source.rawValue), summary: WorkflowJSON.summary(outcome.summary),
                conflicts: outcome.conflicts.map(WorkflowJSON.conflict)))
        broadcast(notice, except: nil)
        return outcome
    }

    /// Rebases the document's unsaved edits from `oldBase` onto `newVersion` and commits the result.
    private func rebase(onto newVersion: Workflow, from oldBase: Workflow) async throws -> RebaseOutcome {
        let outcome = Rebaser.apply(
            newVersion: newVersion, oldBase: oldBase, to: doc, policy: services.configuration.externalUpdatePolicy,
            origin: RelayOrigin.relay)
        if newVersion.lockVersion >= base.lockVersion { base = newVersion }
        // Keep the discarded edits before anything can fail: a commit that throws below must not lose
        // them (the rebase itself stays queued and is retried).
        await keepDraft(of: outcome, basedOn: oldBase.lockVersion, displacedBy: newVersion.lockVersion)
        if !outcome.stillDirty { unsavedEditors.removeAll() }
        try await commitReconciled()
        return outcome
    }

    /// ``rebase(onto:from:)`` under the document lock when several relays share the database: first
    /// applies what the log holds, then rebases from the version the document is on — unless it already
    /// carries `newVersion` (reconciled by whoever else held the lock), as rebasing twice would write the
    /// new content twice.
    func rebaseFromLog(onto newVersion: Workflow, from oldBase: Workflow) async throws -> RebaseOutcome {
        applyLogged(try await services.store.loadDocument(workflowID, after: lastSequence))
        let inDocument = WorkflowDocument.read(doc).lockVersion
        guard inDocument < newVersion.lockVersion else {
            if newVersion.lockVersion > base.lockVersion { base = newVersion }
            return RebaseOutcome()
        }
        // The version the document's content is on (the room's base may already be newer: another
        // relay's save it announced, or this write's own notification).
        var from = oldBase
        if inDocument != oldBase.lockVersion,
            let documentBase = try await services.store.version(of: workflowID, lockVersion: inDocument)?.workflow
        {
            from = documentBase
        }
        return try await rebase(onto: newVersion, from: from)
    }

    /// Stores the unsaved edits a reset discarded, so that `weft drafts restore` can bring them back.
    /// A failure is logged, never thrown: the new version is already committed and in the document.
    func keepDraft(of outcome: RebaseOutcome, basedOn: Int, displacedBy: Int) async {
        guard var draft = outcome.draft else { return }
        draft.id = workflowID
        let people = unsavedEditors.sorted()
        unsavedEditors.removeAll()
        do {
            let id = try await services.store.saveDraft(
                draft, basedOn: basedOn, displacedBy: displacedBy, people: people, at: Date())
            services.logger.info(
                "kept the discarded unsaved edits as a draft",
                metadata: ["workflow": "\(workflowID)", "draft": "\(id)", "displaced_by": "\(displacedBy)"])
        } catch {
            services.logger.error(
                "could not keep the discarded unsaved edits", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
    }

    /// Runs `body`, a write from outside, on the loaded room, alone (no save or other external write at
    /// the same time) and with client updates held back after the commits queued before; nil when the
    /// room is unloading (after the unload finished, like a join) or unloaded: the registry then applies
    /// the write to a fresh room.
    private func asExternalWrite<Value>(_ body: () async throws -> Value) async throws -> Value? {
        switch state {
        case .unloading:
            let waiter = Waiter()
            unloadWaiters.append(waiter)
            try await waiter.wait()
            return nil
        case .unloaded: return nil
        case .loading, .ready, .draining: break
        }
        try await ensureLoaded()
        // A room loaded only for this drains again, also when the wait below is cut short (the relay
        // stopping the caller): it must not stay loaded for good.
        defer { if sessions.isEmpty { releaseIfUnused() } }
        await beginExclusive()
        defer { endExclusive() }
        // Unloaded while waiting: the registry applies the write to a fresh room.
        guard state != .unloading, state != .unloaded else { return nil }
        // The new version is committed already: wait out a failing log commit rather than leave the
        // document behind it.
        try await holdClientUpdates(failOnError: false)
        defer { releaseClientUpdates() }
        return try await body()
    }

    /// Merges a kept draft's edits into the document as unsaved changes (no version is saved), three-way:
    /// base = the version the draft was edited on, ours = the draft, theirs = the document now (its base
    /// plus whatever is unsaved in it). Where both changed the same thing differently, the document's
    /// side is kept and reported.
    ///
    /// Returns nil when the room is unloading or unloaded, as ``applyExternal(_:actor:source:)`` does.
    func applyDraft(_ draft: Workflow, editedOn draftBase: Workflow) async throws
        -> (summary: ReconcileSummary, conflicts: [RebaseConflict])?
    {
        try await asExternalWrite { try await self.mergeIn(draft, editedOn: draftBase) }
    }

    private func mergeIn(
        _ draft: Workflow, editedOn draftBase: Workflow
    ) async throws -> (summary: ReconcileSummary, conflicts: [RebaseConflict]) {
        var current = WorkflowDocument.read(doc)
        current.id = workflowID
        var ours = draft
        ours.id = workflowID
        var (merged, conflicts) = ThreeWayMerge.merge(base: draftBase, ours: ours, theirs: current)
        merged.lockVersion = current.lockVersion
        let summary = Reconciler.reconcile(doc, to: merged, origin: RelayOrigin.relay)
        try await commitRelayUpdates()
        return (summary, conflicts)
    }
}
