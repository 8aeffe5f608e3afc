import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

// Several relays on one database (issue #9): following the log other relays write, the version a dead
// writer left unreconciled, and the document lock's fenced commits.

extension Room {
    /// Reads what the log holds beyond `lastSequence` (other relays' commits), applies it and forwards
    /// it to this relay's clients. Concurrent calls share one read, and one more after it.
    func catchUp() async {
        guard state == .ready || state == .draining else { return }
        // A read the store never answered must not stop the room from ever catching up again: after
        // ``catchUpPatience`` another read starts (applying what both read is harmless).
        if catchingUp, services.now() - catchUpStarted < Self.catchUpPatience {
            catchUpAgain = true
            return
        }
        let started = services.now()
        catchingUp = true
        catchUpStarted = started
        defer { if catchUpStarted == started { catchingUp = false } }
        repeat {
            catchUpAgain = false
            do {
                let stored = try await services.store.loadDocument(workflowID, after: lastSequence)
                guard state == .ready || state == .draining else { return }
                applyLogged(stored)
            } catch {
                // The periodic check tries again.
                services.logger.warning(
                    "could not read other relays' updates", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
                return
            }
        } while catchUpAgain
    }

    /// How long a catch-up may go unanswered before another one starts.
    static let catchUpPatience = Duration.seconds(15)

    /// Whether the log has moved past what the document holds (a notification of `seq`).
    func noteStoreLog(through seq: Int64) async {
        if seq > lastSequence { await catchUp() }
    }

    /// Applies updates other relays logged (and a snapshot, when a compaction dropped some of them) and
    /// forwards to this relay's clients what was new. They are logged already: nothing is queued.
    func applyLogged(_ stored: StoredDocument) {
        let before = stored.snapshot == nil ? nil : doc.encodeStateVector()
        if let snapshot = stored.snapshot {
            // Still a bound on the document's size: it holds the snapshot and what the log counts.
            snapshotBytes = max(snapshotBytes, snapshot.count)
            do { try doc.applyUpdate(snapshot, origin: RelayOrigin.store) } catch {
                services.logger.error(
                    "a stored snapshot could not be applied", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
            }
        }
        for logged in stored.updates where logged.seq > lastSequence {
            // The relay's own commits are in the document, forwarded by the committer.
            if committedAhead.contains(logged.seq) || uncommitted.contains(where: { $0.update == logged.bytes }) {
                continue
            }
            do { try doc.applyUpdate(logged.bytes, origin: RelayOrigin.store) } catch {
                services.logger.error(
                    "a logged update could not be applied",
                    metadata: ["workflow": "\(workflowID)", "seq": "\(logged.seq)", "error": "\(error)"])
                continue
            }
            logBytesSinceSnapshot += logged.bytes.count
            if before == nil { broadcast(.sync(.update(logged.bytes)), except: nil) }
        }
        if let before, let news = try? doc.encodeStateAsUpdate(sinceEncoded: before) {
            broadcast(.sync(.update(news)), except: nil)
        }
        lastSequence = max(lastSequence, stored.lastSeq)
        advanceOverCommittedAhead()
        if state == .ready || state == .draining, WorkflowDocument.read(doc).lockVersion > base.lockVersion {
            Task { await self.announceDocumentVersion() }
        }
    }

    /// Another relay (or a direct deploy) saved the workflow at `lockVersion`. The writer rebases the
    /// document onto it and commits that to the log; this room announces the version to its clients
    /// once the document it reads from the log carries it (``announceDocumentVersion()``), so they never
    /// see a new base without its content (which would show unsaved changes nobody made).
    func noteWorkflowSaved(lockVersion: Int) async {
        guard state == .ready || state == .draining, lockVersion > base.lockVersion else { return }
        await catchUp()
        await announceDocumentVersion()
    }

    /// When the document carries a newer version than the room's base (another relay saved or rebased
    /// it, and the room read that from the log): that version becomes the base, and this relay's clients
    /// get `workflow_saved` with the stored version's actor and source, so their unsaved-changes markers
    /// clear.
    private func announceDocumentVersion() async {
        guard state == .ready || state == .draining, WorkflowDocument.read(doc).lockVersion > base.lockVersion else {
            return
        }
        await beginExclusive()
        defer { endExclusive() }
        let carried = WorkflowDocument.read(doc).lockVersion
        guard state == .ready || state == .draining, carried > base.lockVersion else { return }
        do {
            guard let version = try await services.store.version(of: workflowID, lockVersion: carried) else { return }
            var newBase = version.workflow
            if let current = try await services.store.workflow(id: workflowID), current.lockVersion == carried {
                newBase = current
            }
            guard newBase.lockVersion > base.lockVersion else { return }
            let previous = base
            base = newBase
            unsavedEditors.removeAll()
            let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
            broadcast(
                .control(
                    .workflowSaved(
                        lockVersion: base.lockVersion, workflow: baseJSON,
                        actor: WeftProtocol.Actor(
                            name: version.actor.name, kind: version.actor.kind == .system ? .system : .person),
                        source: ChangeSource(rawValue: version.source.rawValue),
                        summary: WorkflowJSON.summary(from: previous, to: base), conflicts: [])),
                except: nil)
        } catch {
            services.logger.warning(
                "could not read a version another relay saved",
                metadata: ["workflow": "\(workflowID)", "lock_version": "\(carried)", "error": "\(error)"])
        }
    }

    /// Looks at the database for what notifications may have missed: the log and the saved version.
    func checkStore() async {
        guard state == .ready || state == .draining else { return }
        await catchUp()
        await announceDocumentVersion()
        await takeOverAbandonedVersion()
    }

    /// A saved version the document still lacks after ``versionTakeoverDelay`` — its writer died
    /// between the commit and the rebase — is rebased in by this relay (under the document lock, and
    /// skipped if another relay did it first).
    private func takeOverAbandonedVersion() async {
        guard services.store.isShared, state == .ready || state == .draining,
            let stored = try? await services.store.lockVersion(of: workflowID),
            stored > WorkflowDocument.read(doc).lockVersion
        else {
            behindSince = nil
            return
        }
        guard let since = behindSince else {
            behindSince = services.now()
            return
        }
        guard services.now() - since >= Self.versionTakeoverDelay else { return }
        behindSince = nil
        let version = try? await services.store.version(of: workflowID, lockVersion: stored)
        let change = WorkflowChange(
            workflowID: workflowID, previousLockVersion: base.lockVersion, lockVersion: stored,
            workflow: version?.workflow ?? base, previous: nil)
        services.logger.notice(
            "rebasing a version whose writer did not", metadata: ["workflow": "\(workflowID)", "lock_version": "\(stored)"])
        do {
            _ = try await applyExternal(
                change, actor: version?.actor ?? .system("relay"), source: version?.source ?? .deploy)
        } catch {
            services.logger.warning(
                "could not rebase an abandoned version", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
    }

    /// How long a saved version may stay out of the live document before another relay rebases it in.
    static let versionTakeoverDelay = Duration.seconds(10)

    // MARK: Document locks (several relays)

    /// ``healFromLog()`` under the document lock. Should the lock be lost before its commit (refused,
    /// `StoreError.documentLockLost`), the document is rebuilt from the log and healed again under the
    /// lock, which whoever took it meanwhile may have done already; the third refusal fails the load.
    func healUnderLock() async throws {
        var attempt = 1
        while true {
            do {
                return try await services.store.withDocumentLock(workflowID) { try await self.healFromLog() }
            } catch StoreError.documentLockLost(let docID) where attempt < 3 {
                services.logger.warning(
                    "lost the document lock while healing; reloading the document",
                    metadata: ["workflow": "\(docID)", "attempt": "\(attempt)"])
                try await reloadFromLog()
                attempt += 1
            }
        }
    }

    /// Commits the relay's updates from the task holding the document lock, rather than through the
    /// group commit: the store then checks the lock in the same transaction and refuses the updates
    /// (`StoreError.documentLockLost`) if it was lost meanwhile, when another relay may hold it and
    /// write the same version. Refused, they are dropped, not queued: the document holds them but the
    /// log never will, and the caller reloads it (``reloadFromLog()``) or its load fails.
    ///
    /// Any other failure (the database unreachable) is retried here, still checked, backing off up to a
    /// second, for as long as the log writer waits for one commit: a database back within that time
    /// either takes the updates or refuses them. Past it they are queued for the group commit, which
    /// retries them unchecked, as every commit was before fencing.
    func commitUnderDocumentLock() async throws {
        // What was queued before goes to the log first (a reconcile or heal has waited for it already).
        try await waitForCommits(failOnError: false)
        let updates = relayUpdates.updates
        guard !updates.isEmpty else { return }
        relayUpdates.updates.removeAll()
        let store = services.store
        let entries = updates.map { (docID: workflowID, update: $0) }
        let giveUp = ContinuousClock.now + Self.lockedCommitLimit
        var retryDelay = Self.firstRetryDelay
        while true {
            do {
                let sequences = try await StoreWatchdog.answer(within: Self.lockedCommitLimit) {
                    try await store.appendUpdates(entries)
                }
                for (update, sequence) in zip(updates, sequences) {
                    noteLogged(sequence: sequence, bytes: update.count)
                    broadcast(.sync(.update(update)), except: nil)
                }
                return
            } catch {
                if case StoreError.documentLockLost = error { throw error }
                services.logger.error(
                    "could not commit under the document lock; retrying",
                    metadata: [
                        "workflow": "\(workflowID)", "updates": "\(updates.count)", "error": "\(error)",
                    ])
                guard ContinuousClock.now + retryDelay < giveUp, !Task.isCancelled else {
                    for update in updates { enqueue(update, from: nil, onCommitted: nil) }
                    try await waitForCommits(failOnError: true)
                    return
                }
                try? await Task.sleep(for: retryDelay)
                retryDelay = min(retryDelay * 2, .seconds(1))
            }
        }
    }

    /// How long a commit under the document lock may go unanswered (as the log writer's).
    private static let lockedCommitLimit = Duration.seconds(30)

    /// Makes the document what the log holds again, dropping what it holds beyond (a reconcile whose
    /// commit was refused), and re-reads its saved version. Client updates are held back meanwhile by
    /// the caller, and the clients never saw what is dropped (nothing reaches them before the log). The
    /// database has just answered, but a read that fails is tried again (five times in all, about 3 s).
    private func reloadFromLog() async throws {
        var retryDelay = Duration.milliseconds(100)
        for attempt in 1...5 {
            do {
                let stored = try await services.store.loadDocument(workflowID)
                let current = try await services.store.workflow(id: workflowID)
                try rebuild(from: stored)
                if let current { base = current }
                return
            } catch where attempt < 5 {
                try await Task.sleep(for: retryDelay)
                retryDelay *= 2
            }
        }
    }

    /// ``rebaseFromLog(onto:from:)`` under the document lock. Should the lock be lost before its commit
    /// (refused, `StoreError.documentLockLost`), the document goes back to what the log holds and the
    /// reconcile starts again under the lock, which whoever took it meanwhile may have done already
    /// (then nothing is left to do); after three refusals the error is thrown.
    func rebaseUnderLock(
        onto newVersion: Workflow, from oldBase: Workflow
    ) async throws -> RebaseOutcome {
        var attempt = 1
        while true {
            do {
                return try await services.store.withDocumentLock(workflowID) {
                    try await self.rebaseFromLog(onto: newVersion, from: oldBase)
                }
            } catch StoreError.documentLockLost(let docID) {
                services.logger.warning(
                    "lost the document lock while reconciling; reloading the document",
                    metadata: ["workflow": "\(docID)", "attempt": "\(attempt)"])
                try await reloadFromLog()
                guard attempt < 3 else { throw StoreError.documentLockLost(docID: docID) }
                attempt += 1
            }
        }
    }
}
