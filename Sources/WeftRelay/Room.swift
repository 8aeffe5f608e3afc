import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

/// One live workflow document and the connections editing it.
///
/// Lifecycle: loading → ready → draining (no clients; unloads after the grace period) → unloading →
/// unloaded. Joins during loading wait for the load; a join during draining revives the room; a join
/// that meets an unloading room is told to retry, and the registry gives it a fresh room that loads
/// after the unload finished — so a join never fails for a race with shutdown.
///
/// Durability: nothing reaches a client before the store's log holds it. An update from a client is
/// checked and applied to the live document at once, so the connection's next update builds on it,
/// and queued for the group commit without waiting; the room's committer writes what is queued, in
/// order, and only then forwards each update to the others and settles it (its connection acks it).
/// Changes the relay makes itself (a save's new lock_version, validation errors, a reconcile) go
/// through the same queue. Whatever sends or saves document content (a sync step 2 answer, a save, a
/// reconcile, an unload) first waits for the commits queued before it; save and reconcile also hold
/// new client updates back meanwhile, so they see exactly the committed document.
///
/// A failed commit keeps its updates queued, in order, and is retried (backing off up to a second):
/// the live document already holds them. Their clients get no ack until they are committed.
actor Room {
    enum State: String, Sendable {
        case loading, ready, draining, unloading, unloaded
    }

    /// The outcome of a join.
    enum JoinOutcome: Sendable {
        case joined
        /// The room is going away; ask the registry for a fresh one.
        case retry
    }

    /// What became of a client's update.
    enum UpdateOutcome: Sendable {
        /// Applied and queued: settled (forwarded, then `onCommitted` called) once committed.
        case pending
        /// Nothing to commit (an empty update, a viewer's step 2 that holds nothing new).
        case settled
        /// Refused, nothing applied: send this error before the ack that covers the update.
        case refused(ControlMessage)
    }

    /// An update applied to the document and waiting for its commit.
    private struct PendingCommit {
        /// Its place in the room's commit order (1, 2, …).
        let ticket: Int
        let update: [UInt8]
        /// The connection it came from (not sent back there); nil for the relay's own changes.
        let sender: UInt64?
        let onCommitted: (@Sendable () -> Void)?
    }

    let workflowID: String
    let projectID: String
    private let services: RelayServices
    private let onUnloaded: @Sendable (Room) async -> Void
    private(set) var state: State = .loading
    private var loadTask: Task<Void, any Error>?
    private var drainTask: Task<Void, Never>?
    private var unloadWaiters: [Waiter] = []
    private var doc = Doc()
    /// The saved workflow the document is based on (the database's current version).
    private var base: Workflow
    private var sessions: [UInt64: SessionHandle] = [:]
    /// Awareness client ids each session announced, to clear them when it leaves.
    private var awarenessClients: [UInt64: Set<ClientID>] = [:]
    private var awareness: Awareness
    /// Drops presence nobody renewed (runs while anyone is joined).
    private var presenceSweep: Task<Void, Never>?
    /// Awareness clients other relays told this room of: no connection here may take them offline.
    private var remoteClients: Set<ClientID> = []
    /// The log's sequence number through which the document holds every update: the relay's own and,
    /// when several relays share the database, the others'. Compactions go no further than this.
    private var lastSequence: Int64 = 0
    /// Sequence numbers of the relay's own commits beyond a gap after `lastSequence` (another relay
    /// wrote in between): in the document already, waiting for the catch-up to fill the gap.
    private var committedAhead: Set<Int64> = []
    /// Whether a catch-up reads the log now (since when), and whether another was asked for meanwhile.
    private var catchingUp = false
    private var catchUpStarted = Duration.zero
    private var catchUpAgain = false
    /// Since when the document has lacked the stored version (see ``takeOverAbandonedVersion()``).
    private var behindSince: Duration?
    private var logBytesSinceSnapshot = 0
    /// The size of the stored snapshot: with the log since, a bound on the document's encoded size that
    /// is cheap to keep (the size cap checks it before it encodes the document).
    private var snapshotBytes = 0
    /// Updates the relay's own transactions produced, waiting to be committed and forwarded.
    private let relayUpdates = UpdateCollector()
    /// Who edited the document since its base last changed: the people a discarded draft names.
    private var unsavedEditors: Set<String> = []
    /// Updates in the document that the log does not hold yet, in commit order.
    private var uncommitted: [PendingCommit] = []
    /// The bytes of `uncommitted`, kept with it: the size cap reads it for every client update.
    private var uncommittedBytes = 0
    /// Writes `uncommitted` while it is not empty.
    private var committer: Task<Void, Never>?
    /// Tickets handed out, and the highest one committed and forwarded (tickets settle in order).
    private var lastTicket = 0
    private var settledTicket = 0
    private var commitWaiters: [(ticket: Int, failOnError: Bool, waiter: Waiter)] = []
    /// Operations holding new client updates back (a save, a reconcile), and the updates waiting.
    private var holds = 0
    private var heldUpdates: [Waiter] = []
    /// Whether an operation that moves the base or unloads the room (a save, an external write, a
    /// draft, an unload) is running, and those waiting to run. Each awaits the store; while it does,
    /// the room takes other messages, but none of these: the base it read stays the base until it ends.
    private var exclusive = false
    private var exclusiveWaiters: [CheckedContinuation<Void, Never>] = []
    /// Whether a compaction is being written (one at a time).
    private var compacting = false

    init(
        workflowID: String, projectID: String, base: Workflow, services: RelayServices,
        onUnloaded: @escaping @Sendable (Room) async -> Void
    ) {
        self.workflowID = workflowID
        self.projectID = projectID
        self.base = base
        self.services = services
        self.onUnloaded = onUnloaded
        self.awareness = Self.emptyAwareness(services)
    }

    /// An awareness with nobody present.
    private static func emptyAwareness(_ services: RelayServices) -> Awareness {
        let awareness = Awareness(
            clientID: 0, now: services.now(), outdatedTimeout: services.configuration.presenceTimeout)
        // The relay is no one: it must not appear as a present client (a `{}` state for client 0)
        // in every joiner's awareness (DESIGN.md behaviour 8).
        _ = awareness.setLocalState(nil, now: services.now())
        return awareness
    }

    var sessionCount: Int { sessions.count }
    var lockVersion: Int { base.lockVersion }
    var sessionNames: [String] { sessions.values.map(\.name).sorted() }

    // MARK: Loading

    /// Loads the document once; concurrent callers share the load.
    ///
    /// A load that failed (the store could not be read, or the healed document could not be
    /// committed: a full disk) is forgotten, so the next join or deploy tries again instead of
    /// getting the same error until the relay restarts.
    func ensureLoaded() async throws {
        if let loadTask {
            try await loadTask.value
            return
        }
        let task = Task { try await self.load() }
        loadTask = task
        do {
            try await task.value
        } catch {
            if state == .loading, loadTask == task { loadTask = nil }
            throw error
        }
    }

    private func load() async throws {
        try rebuild(from: try await services.store.loadDocument(workflowID))
        // Re-read the saved workflow: never trust the value we were created with.
        if let current = try await services.store.workflow(id: workflowID) { base = current }
        if needsHeal {
            if services.store.isShared {
                // Another relay may be healing (or have healed) the same document: heal under its lock,
                // from the log as it stands then, so no version is written into it twice.
                try await healUnderLock()
            } else {
                try await heal()
            }
        }
        state = .ready
    }

    /// Makes the document what the store holds, from scratch.
    private func rebuild(from stored: StoredDocument) throws {
        // Start clean: a failed earlier attempt's document, and any heal it could not commit, go. (Its
        // committer stopped when the commit failed: nothing else is queued while loading.)
        relayUpdates.updates.removeAll()
        uncommitted.removeAll()
        uncommittedBytes = 0
        settledTicket = lastTicket
        lastSequence = 0
        committedAhead.removeAll()
        logBytesSinceSnapshot = 0
        snapshotBytes = stored.snapshot?.count ?? 0
        let fresh = Doc()
        doc = fresh
        let collector = relayUpdates
        doc.observeUpdates { update, transaction in
            // Only changes the relay makes itself; client updates are queued by `receiveUpdate`.
            if transaction.origin == AnyHashable(RelayOrigin.relay) { collector.updates.append(update) }
        }
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot, origin: RelayOrigin.load) }
        for logged in stored.updates {
            try doc.applyUpdate(logged.bytes, origin: RelayOrigin.load)
            lastSequence = logged.seq
            logBytesSinceSnapshot += logged.bytes.count
        }
        lastSequence = max(lastSequence, stored.throughSeq)
    }

    /// Whether the document is empty or behind its saved version.
    private var needsHeal: Bool {
        let inDocument = WorkflowDocument.read(doc)
        return inDocument.id.isEmpty || inDocument.lockVersion < base.lockVersion
    }

    /// ``healFromLog()`` under the document lock. Should the lock be lost before its commit (refused,
    /// `StoreError.documentLockLost`), the document is rebuilt from the log and healed again under the
    /// lock, which whoever took it meanwhile may have done already; the third refusal fails the load.
    private func healUnderLock() async throws {
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

    /// Heals under the document lock: first applies what other relays logged since the load read it.
    private func healFromLog() async throws {
        applyLogged(try await services.store.loadDocument(workflowID, after: lastSequence))
        if let current = try await services.store.workflow(id: workflowID), current.lockVersion > base.lockVersion {
            base = current
        }
        if needsHeal { try await heal() }
    }

    /// Brings a document that is empty or behind the database up to the saved version.
    private func heal() async throws {
        let inDocument = WorkflowDocument.read(doc)
        if inDocument.id.isEmpty {
            WorkflowDocument.write(base, into: doc, origin: RelayOrigin.relay)
            try await commitReconciled()
            return
        }
        guard inDocument.lockVersion < base.lockVersion else { return }
        // The document missed versions (a deploy while it was not loaded, a crash between commit and
        // reconcile): rebase its content from the version it was on to the current one.
        let oldBase = try await services.store.version(of: workflowID, lockVersion: inDocument.lockVersion)?.workflow
        let outcome = Rebaser.apply(
            newVersion: base, oldBase: oldBase ?? inDocument, to: doc, policy: services.configuration.externalUpdatePolicy,
            origin: RelayOrigin.relay)
        try await commitReconciled()
        await keepDraft(of: outcome, basedOn: inDocument.lockVersion, displacedBy: base.lockVersion)
        services.logger.info(
            "healed a stale document",
            metadata: [
                "workflow": "\(workflowID)", "from": "\(inDocument.lockVersion)", "to": "\(base.lockVersion)",
                "conflicts": "\(outcome.conflicts.count)",
            ])
    }

    /// Commits the updates the relay's own transactions produced, then forwards them to every client.
    ///
    /// Throws when a commit fails (disk full); the updates stay queued, in order, and are retried: the
    /// live document already holds them, so dropping them would leave every client without a change
    /// later updates build on.
    private func commitRelayUpdates() async throws {
        guard !relayUpdates.updates.isEmpty else { return }
        for update in relayUpdates.updates { enqueue(update, from: nil, onCommitted: nil) }
        relayUpdates.updates.removeAll()
        try await waitForCommits(failOnError: true)
    }

    /// Commits a heal's or reconcile's updates: with several relays, from under the document lock (see
    /// ``commitUnderDocumentLock()``); with one, through the group commit like any other.
    private func commitReconciled() async throws {
        if services.store.isShared {
            try await commitUnderDocumentLock()
        } else {
            try await commitRelayUpdates()
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
    private func commitUnderDocumentLock() async throws {
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
    private func rebaseUnderLock(
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

    // MARK: Committing

    /// Queues an update the document already holds for the group commit.
    private func enqueue(_ update: [UInt8], from sender: UInt64?, onCommitted: (@Sendable () -> Void)?) {
        lastTicket += 1
        uncommitted.append(PendingCommit(ticket: lastTicket, update: update, sender: sender, onCommitted: onCommitted))
        uncommittedBytes += update.count
        if committer == nil { committer = Task { await self.commitQueued() } }
    }

    /// Commits the queue, a batch at a time (what queued during one commit goes in the next), and
    /// forwards and settles each update in order once its batch is durable.
    private func commitQueued() async {
        var retryDelay = Self.firstRetryDelay
        while let last = uncommitted.last {
            let batch = uncommitted
            do {
                let sequences = try await services.logWriter.append(docID: workflowID, updates: batch.map(\.update))
                retryDelay = Self.firstRetryDelay
                uncommitted.removeFirst(batch.count)
                uncommittedBytes -= batch.reduce(0) { $0 + $1.update.count }
                for (entry, sequence) in zip(batch, sequences) {
                    noteLogged(sequence: sequence, bytes: entry.update.count)
                    broadcast(.sync(.update(entry.update)), except: entry.sender)
                    entry.onCommitted?()
                }
                settledTicket = last.ticket
                resumeCommitWaiters(failing: nil)
                // Not awaited: a compaction may wait for the document lock, which whoever waits for this
                // commit (a reconcile, a heal) can be holding.
                if logBytesSinceSnapshot >= services.configuration.compactAfterLogBytes {
                    Task { await self.compact() }
                }
            } catch {
                services.logger.error(
                    "could not commit updates; they stay queued",
                    metadata: ["workflow": "\(workflowID)", "updates": "\(batch.count)", "error": "\(error)"])
                resumeCommitWaiters(failing: error)
                // A load that failed starts again from the store, queue and all.
                if state == .loading { break }
                try? await Task.sleep(for: retryDelay)
                retryDelay = min(retryDelay * 2, .seconds(1))
            }
        }
        committer = nil
    }

    private static let firstRetryDelay = Duration.milliseconds(20)

    private func resumeCommitWaiters(failing error: (any Error)?) {
        var waiting: [(ticket: Int, failOnError: Bool, waiter: Waiter)] = []
        for entry in commitWaiters where !entry.waiter.isFinished {
            if entry.ticket <= settledTicket {
                entry.waiter.resume()
            } else if let error, entry.failOnError {
                entry.waiter.resume(throwing: error)
            } else {
                waiting.append(entry)
            }
        }
        commitWaiters = waiting
    }

    /// Returns once every update queued so far is committed and forwarded. With `failOnError` a
    /// failed commit throws instead of waiting for the retries. Throws `CancellationError` when the
    /// calling task is cancelled (a connection the relay closes stops waiting on a failing store).
    private func waitForCommits(failOnError: Bool) async throws {
        let ticket = lastTicket
        guard settledTicket < ticket else { return }
        let waiter = Waiter()
        commitWaiters.append((ticket, failOnError, waiter))
        try await waiter.wait()
    }

    /// Holds new client updates back until ``releaseClientUpdates()``, and waits for the commits
    /// queued before: then the document is exactly what the log holds. With `failOnError` a failed
    /// commit throws (and holds nothing); without, the wait lasts through the retries.
    private func holdClientUpdates(failOnError: Bool) async throws {
        holds += 1
        do { try await waitForCommits(failOnError: failOnError) } catch {
            releaseClientUpdates()
            throw error
        }
    }

    private func releaseClientUpdates() {
        holds -= 1
        guard holds == 0 else { return }
        let waiting = heldUpdates
        heldUpdates.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Waits until no other base-moving operation runs, then marks one running (end it with
    /// ``endExclusive()``). The caller re-checks what it relies on afterwards: the room may have been
    /// unloaded, or the session left, while it waited.
    private func beginExclusive() async {
        while exclusive { await withCheckedContinuation { exclusiveWaiters.append($0) } }
        exclusive = true
    }

    private func endExclusive() {
        exclusive = false
        if !exclusiveWaiters.isEmpty { exclusiveWaiters.removeFirst().resume() }
    }

    /// Sends the other relays the presence that waits (this relay's clients leaving), commits what is
    /// queued, then compacts (on shutdown). A failing commit does not stop the compaction: the snapshot
    /// holds what the document holds.
    func commitAndCompact() async {
        await sendWaitingPresence()
        try? await waitForCommits(failOnError: true)
        await compact()
    }

    /// Notes the relay's own update logged as `sequence`. The number follows `lastSequence` unless
    /// another relay wrote the document in between: then the gap is read from the log.
    private func noteLogged(sequence: Int64, bytes: Int) {
        logBytesSinceSnapshot += bytes
        guard sequence > lastSequence else { return }  // a catch-up read it already
        if sequence == lastSequence + 1 {
            lastSequence = sequence
            advanceOverCommittedAhead()
        } else {
            committedAhead.insert(sequence)
            Task { await self.catchUp() }
        }
    }

    private func advanceOverCommittedAhead() {
        while committedAhead.remove(lastSequence + 1) != nil { lastSequence += 1 }
        committedAhead = committedAhead.filter { $0 > lastSequence }
    }

    // MARK: Several relays on one database

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
    private func applyLogged(_ stored: StoredDocument) {
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

    // MARK: Sessions

    func join(_ session: SessionHandle) async throws -> JoinOutcome {
        switch state {
        case .unloading:
            // Let the unload (and its compaction) finish; the registry then loads the room anew.
            let waiter = Waiter()
            unloadWaiters.append(waiter)
            try await waiter.wait()
            return .retry
        case .unloaded: return .retry
        case .loading: try await ensureLoaded()
        case .draining, .ready: break
        }
        guard state == .ready || state == .draining else { return .retry }
        drainTask?.cancel()
        drainTask = nil
        state = .ready
        let first = sessions.isEmpty
        sessions[session.id] = session
        startPresenceSweep()
        if first { askOtherRelaysForPresence() }
        let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
        session.outbound.send(
            .control(.joined(workflow: baseJSON, lockVersion: base.lockVersion, role: WeftProtocol.Role(rawValue: session.role.rawValue), clientID: session.id)))
        // Server side of the handshake: our state vector, so the client sends what we lack.
        session.outbound.send(.sync(.step1(stateVector: doc.encodeStateVector())))
        if !awareness.states.isEmpty {
            session.outbound.send(.awareness(awareness.encodeUpdate()))
        }
        // Other relays' notifications that came while the room loaded were not for a ready room: look.
        if services.store.isShared, sessions.count == 1 { Task { await self.catchUp() } }
        return .joined
    }

    func leave(_ sessionID: UInt64) {
        guard sessions.removeValue(forKey: sessionID) != nil else { return }
        if let clients = awarenessClients.removeValue(forKey: sessionID), !clients.isEmpty {
            let changes = awareness.remove(clients: Array(clients), origin: nil, now: services.now())
            if changes.hasStateChanges {
                broadcast(.awareness(awareness.encodeUpdate(clients: Array(clients))), except: nil)
                sharePresence(of: changes.removed)
            }
        }
        if sessions.isEmpty { startDraining() }
    }

    private func startDraining() {
        presenceSweep?.cancel()
        presenceSweep = nil
        // Only other relays' clients are left, and nobody here to show them to: they are asked for again
        // when someone joins.
        awareness = Self.emptyAwareness(services)
        remoteClients.removeAll()
        state = .draining
        let delay = services.configuration.unloadAfter
        drainTask = Task { [weak self] in
            if delay > .zero {
                try? await Task.sleep(for: delay)
            }
            guard !Task.isCancelled else { return }
            await self?.unloadIfIdle()
        }
    }

    /// Starts draining a room nobody joined (one loaded only to reconcile it).
    func releaseIfUnused() {
        if sessions.isEmpty, state == .ready { startDraining() }
    }

    private func unloadIfIdle() async {
        guard state == .draining, sessions.isEmpty else { return }
        // A save, external write or draft still running keeps the room until it ends.
        await beginExclusive()
        defer { endExclusive() }
        guard state == .draining, sessions.isEmpty else { return }
        state = .unloading
        // Updates of clients that left may still be committing: the unload waits for them (retries
        // included), so a room never goes away with anything the log lacks.
        try? await waitForCommits(failOnError: false)
        await compact()
        state = .unloaded
        for waiter in unloadWaiters { waiter.resume() }
        unloadWaiters.removeAll()
        await onUnloaded(self)
    }

    /// Writes the document as a snapshot and drops the log it covers.
    ///
    /// The document may hold updates still queued for commit; the snapshot then holds them too, which
    /// only makes it durable earlier (applying them again when their commit lands is harmless).
    func compact() async {
        guard lastSequence > 0, logBytesSinceSnapshot > 0, !compacting else { return }
        compacting = true
        defer { compacting = false }
        guard services.store.isShared else { return await writeSnapshot() }
        // Several relays: one compaction of a document at a time, never during another's reconcile.
        do { try await services.store.withDocumentLock(workflowID) { await self.writeSnapshot() } } catch {
            services.logger.warning(
                "compaction failed; the log stays", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
    }

    private func writeSnapshot() async {
        // Taken together, before the store is awaited: what commits meanwhile stays counted.
        let snapshot = doc.encodeStateAsUpdate()
        let throughSeq = lastSequence
        let coveredBytes = logBytesSinceSnapshot
        do {
            try await services.store.compactDocument(workflowID, snapshot: snapshot, throughSeq: throughSeq)
            logBytesSinceSnapshot = max(0, logBytesSinceSnapshot - coveredBytes)
            snapshotBytes = snapshot.count
        } catch {
            services.logger.warning(
                "compaction failed; the log stays", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
    }

    // MARK: Sync and awareness

    /// Takes a document update from a client: checks it, applies it to the document and queues it for
    /// the group commit, without waiting for the commit. Once committed it is forwarded to the others
    /// and `onCommitted` is called (in the room's order, which keeps each connection's).
    func receiveUpdate(
        _ update: [UInt8], from session: SessionHandle, onCommitted: @escaping @Sendable () -> Void
    ) async -> UpdateOutcome {
        while holds > 0 {
            let waiter = Waiter()
            heldUpdates.append(waiter)
            do { try await waiter.wait() } catch {
                // The relay is closing this connection: nothing was applied.
                return .refused(.error(.shuttingDown, "the connection is closing; the update was not applied"))
            }
        }
        guard sessions[session.id] != nil else { return .refused(.error(.notJoined, "join a workflow first")) }
        if update == [0, 0] { return .settled }
        guard session.canEdit else {
            // A viewer's step 2 that holds nothing new (its answer to our step 1) is not an edit; the
            // read-only session applies nothing either way.
            if (try? SyncSession(doc: doc, options: .readOnlyServer).receive(.step2(update: update))) != nil {
                return .settled
            }
            return .refused(.error(.readOnly, "\(session.name) may only view this workflow; the update was refused"))
        }
        do {
            if let missing = try UpdateCheck.missingDependency(of: update, in: doc) {
                return .refused(
                    .error(.updateRejected, "the update references what the document does not hold: \(missing)"))
            }
        } catch {
            return .refused(.error(.updateRejected, "the update is not a valid Yjs update: \(error)"))
        }
        // Cheap first: the snapshot, the log since and the updates still committing bound the encoded
        // document (a compaction resets the log's count, not the document's size; an update counts in the
        // log only once committed, and a slow commit must not let many through uncounted); only near the
        // cap is the document encoded.
        if snapshotBytes + logBytesSinceSnapshot + uncommittedBytes + update.count
            > services.configuration.maximumDocumentBytes,
            doc.encodeStateAsUpdate().count + update.count > services.configuration.maximumDocumentBytes
        {
            let limit = services.configuration.maximumDocumentBytes
            return .refused(.error(.documentTooLarge, "the document would exceed \(limit) bytes"))
        }
        do {
            try doc.applyUpdate(update, origin: RelayOrigin.client(session.id))
        } catch {
            return .refused(.error(.updateRejected, "the update could not be applied: \(error)"))
        }
        unsavedEditors.insert(session.name)
        enqueue(update, from: session.id, onCommitted: onCommitted)
        return .pending
    }

    /// The answer to a client's sync step 1: what it lacks (nil for an invalid state vector). It may
    /// hold updates still being committed, so it is returned (to be sent) once they are.
    ///
    /// - Throws: `CancellationError` when the calling connection is closed first: nothing not yet
    ///   durable is ever sent.
    func answerStep1(_ stateVector: [UInt8]) async throws -> WireMessage? {
        guard let update = try? doc.encodeStateAsUpdate(sinceEncoded: stateVector) else { return nil }
        try await waitForCommits(failOnError: false)
        return .sync(.step2(update: update))
    }

    func receiveAwareness(_ update: [UInt8], from session: SessionHandle) -> ControlMessage? {
        guard sessions[session.id] != nil else { return .error(.notJoined, "join a workflow first") }
        let decoded: AwarenessUpdate
        do { decoded = try AwarenessUpdate(decoding: update) } catch {
            return .error(.malformedFrame, "invalid awareness update: \(error)")
        }
        // A connection speaks for its own clients only: it may not change or remove someone else's
        // presence.
        let others = awarenessClients.filter { $0.key != session.id }.values.reduce(into: Set<ClientID>()) {
            $0.formUnion($1)
        }
        if let taken = decoded.entries.first(where: { others.contains($0.clientID) || $0.clientID == awareness.clientID }) {
            return .error(.unexpectedMessage, "awareness client \(taken.clientID) is not this connection's to announce")
        }
        // Nor take offline someone another relay serves. (A state for such a client is its own: an
        // editor that moved here from a relay that went away announces itself again.)
        let mine = awarenessClients[session.id] ?? []
        if let taken = decoded.entries.first(where: {
            $0.state == nil && remoteClients.contains($0.clientID) && !mine.contains($0.clientID)
        }) {
            return .error(.unexpectedMessage, "awareness client \(taken.clientID) is another relay's to take offline")
        }
        remoteClients.subtract(decoded.entries.map(\.clientID))
        awarenessClients[session.id, default: []].formUnion(decoded.entries.map(\.clientID))
        let changes = awareness.apply(decoded, origin: nil, now: services.now())
        if !changes.isEmpty { broadcast(.awareness(update), except: session.id) }
        sharePresence(of: changes.changedClients)
        return nil
    }

    func awarenessSnapshot() -> [UInt8] { awareness.encodeUpdate() }

    // MARK: Presence across relays

    /// Takes presence another relay sent for this workflow (several relays on one database). An update is
    /// applied with the usual rules, the presence timeout included, and passed on to this relay's clients;
    /// it never changes the clients of this relay's own connections, which speak for themselves. A query
    /// is answered with this relay's clients' states. A room nobody has joined ignores both.
    func receiveRemotePresence(_ signal: PresenceSignal) {
        guard !sessions.isEmpty else { return }
        let own = awarenessClients.values.reduce(into: Set<ClientID>()) { $0.formUnion($1) }
        switch signal {
        case .query:
            sharePresence(of: own.filter { awareness.states[$0] != nil }.sorted())
        case .update(let bytes):
            guard let update = try? AwarenessUpdate(decoding: bytes) else {
                services.logger.debug(
                    "ignored invalid presence from another relay", metadata: ["workflow": "\(workflowID)"])
                return
            }
            let theirs = update.entries.filter { !own.contains($0.clientID) && $0.clientID != awareness.clientID }
            remoteClients.formUnion(theirs.map(\.clientID))
            let changed = awareness.apply(AwarenessUpdate(theirs), origin: nil, now: services.now()).changedClients
            if !changed.isEmpty { broadcast(.awareness(awareness.encodeUpdate(clients: changed)), except: nil) }
        }
    }

    /// Asks the other relays serving this workflow who is present on them (the first join).
    private func askOtherRelaysForPresence() {
        guard services.store.isShared else { return }
        services.presence.ask(workflowID: workflowID)
    }

    /// Passes the current entries of these clients of this relay to the other relays, with the relay's
    /// next presence send (``PresenceSender``: at most once per ``RelayServices/presenceShareInterval``
    /// for all rooms, the newest entry of each client winning meanwhile).
    private func sharePresence(of clients: [ClientID]) {
        guard services.store.isShared, !clients.isEmpty else { return }
        let entries = clients.compactMap { client in
            awareness.meta[client].map {
                AwarenessUpdate.Entry(clientID: client, clock: $0.clock, state: awareness.states[client])
            }
        }
        services.presence.share(entries, workflowID: workflowID)
    }

    /// The relay is stopping: sends the presence waiting for the other relays now rather than after the
    /// interval (its connections' leaves, usually), with any client still here marked offline, once the
    /// relay's send in flight is done (waiting a second at most), so they need not wait for the timeout.
    private func sendWaitingPresence() async {
        guard services.store.isShared else { return }
        let own = awarenessClients.values.reduce(into: Set<ClientID>()) { $0.formUnion($1) }
        // Offline at the clock the others know wins (y-protocols awareness).
        let gone = own.sorted().compactMap { client in
            awareness.meta[client].map { AwarenessUpdate.Entry(clientID: client, clock: $0.clock, state: nil) }
        }
        services.presence.share(gone, workflowID: workflowID)
        await services.presence.sendWaiting()
    }

    private func startPresenceSweep() {
        guard presenceSweep == nil else { return }
        // y-protocols checks a tenth of the timeout; at most every 3 s.
        let interval = min(services.configuration.presenceTimeout / 10, .seconds(3))
        presenceSweep = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await self?.expirePresence()
            }
        }
    }

    /// Drops presence not renewed within the timeout and tells everyone it went offline.
    private func expirePresence() {
        let changes = awareness.removeOutdated(now: services.now())
        guard !changes.removed.isEmpty else { return }
        for (session, clients) in awarenessClients {
            awarenessClients[session] = clients.subtracting(changes.removed)
        }
        broadcast(.awareness(awareness.encodeUpdate(clients: changes.removed)), except: nil)
    }

    private func broadcast(_ message: WireMessage, except excluded: UInt64?) {
        let frame = Frame.encode(message)
        for (id, session) in sessions where id != excluded { session.outbound.send(frame: frame) }
    }

    // MARK: Save

    func save(expectedLockVersion: Int, from session: SessionHandle) async -> ControlMessage {
        guard sessions[session.id] != nil else { return .error(.notJoined, "join a workflow first") }
        guard session.canEdit else {
            return .saveFailed(reason: .forbidden, message: "\(session.name) may only view this workflow")
        }
        await beginExclusive()
        defer { endExclusive() }
        // Save exactly what the log holds: every update sent before the save, and nothing newer.
        do { try await holdClientUpdates(failOnError: true) } catch {
            return .saveFailed(
                reason: .unavailable,
                message: "the relay could not store the edits made before the save, so nothing was saved; "
                    + "they are kept and retried; save again in a moment (\(error))")
        }
        defer { releaseClientUpdates() }
        guard sessions[session.id] != nil else { return .error(.notJoined, "join a workflow first") }
        if services.store.isShared {
            // What other relays' clients committed before this save belongs in it too.
            do { applyLogged(try await services.store.loadDocument(workflowID, after: lastSequence)) } catch {
                return .error(.internal, "the relay could not read the document's log before the save; try again: \(error)")
            }
        }
        var current = WorkflowDocument.read(doc)
        current.id = workflowID
        let issues = WorkflowValidator.validate(current)
        let errors = issues.filter { $0.severity == .error }
        if !errors.isEmpty {
            let errorMap = ValidationIssue.errorsMap(errors)
            WorkflowDocument.writeErrors(errorMap, into: doc, origin: RelayOrigin.relay)
            try? await commitRelayUpdates()
            return .saveFailed(
                reason: .invalid, message: "\(errors.count) problem(s) must be fixed before saving", errors: errorMap)
        }
        let result: SaveResult
        do {
            result = try await services.store.saveWorkflow(
                current, expectedLockVersion: expectedLockVersion, actor: session.actor, source: .editor)
        } catch StoreError.stale(let currentVersion, let currentWorkflow) {
            // What moved between the version the client edited and the one saved now.
            let edited = (try? await services.store.version(of: workflowID, lockVersion: expectedLockVersion))?.workflow
            let moved = UnsavedChanges.differences(document: currentWorkflow, base: edited ?? base)
            return .saveFailed(
                reason: .stale,
                message: "the workflow moved to version \(currentVersion) since you opened version \(expectedLockVersion)",
                currentLockVersion: currentVersion, moved: .array(moved.map { .string("\($0)") }))
        } catch {
            services.logger.error("save failed", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
            return .saveFailed(
                reason: .unavailable,
                message: "the relay could not write the save to its database; nothing was saved; try again (\(error))")
        }
        guard result.changed else {
            // Nothing differed from the saved version: no new version, nothing to tell the others.
            return .saved(lockVersion: result.lockVersion, workflow: (try? WorkflowJSON.value(of: base)) ?? .null)
        }
        let previous = base
        base = result.workflow
        unsavedEditors.removeAll()
        // The document carries the new version and no errors; everyone gets it through sync.
        let document = doc
        document.transact(origin: RelayOrigin.relay) { transaction in
            document.map("workflow").set("lock_version", .value(.integer(Int64(result.lockVersion))), in: transaction)
            WorkflowDocument.writeErrors(.object(YObject()), into: document, origin: RelayOrigin.relay)
        }
        try? await commitRelayUpdates()
        let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
        let summary = WorkflowJSON.summary(from: previous, to: base)
        let notice = WireMessage.control(
            .workflowSaved(
                lockVersion: base.lockVersion, workflow: baseJSON,
                actor: WeftProtocol.Actor(name: session.name, kind: .person), source: .editor, summary: summary,
                conflicts: []))
        broadcast(notice, except: session.id)
        return .saved(lockVersion: base.lockVersion, workflow: baseJSON)
    }

    // MARK: External writes

    /// Applies a version committed elsewhere (deploy, merge, sync, restore) to the live document,
    /// rebasing unsaved edits, and tells every client.
    ///
    /// Returns nil when the room is unloading or unloaded (after the unload has finished, like a
    /// join): the registry then applies the change to a fresh room.
    func applyExternal(_ change: WorkflowChange, actor: ChangeActor, source: VersionSource) async throws
        -> RebaseOutcome?
    {
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
        // Unloaded while waiting: the registry applies the change to a fresh room.
        guard state != .unloading, state != .unloaded else { return nil }
        // The new version is committed already: wait out a failing log commit rather than leave the
        // document behind it.
        try await holdClientUpdates(failOnError: false)
        defer { releaseClientUpdates() }
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
    private func rebaseFromLog(onto newVersion: Workflow, from oldBase: Workflow) async throws -> RebaseOutcome {
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
    private func keepDraft(of outcome: RebaseOutcome, basedOn: Int, displacedBy: Int) async {
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

    /// Merges a kept draft's edits into the document as unsaved changes (no version is saved), three-way:
    /// base = the version the draft was edited on, ours = the draft, theirs = the document now (its base
    /// plus whatever is unsaved in it). Where both changed the same thing differently, the document's
    /// side is kept and reported.
    ///
    /// Returns nil when the room is unloading or unloaded, as ``applyExternal(_:actor:source:)`` does.
    func applyDraft(_ draft: Workflow, editedOn draftBase: Workflow) async throws
        -> (summary: ReconcileSummary, conflicts: [RebaseConflict])?
    {
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
        defer { if sessions.isEmpty { releaseIfUnused() } }
        await beginExclusive()
        defer { endExclusive() }
        guard state != .unloading, state != .unloaded else { return nil }
        // The new version is committed already: wait out a failing log commit rather than leave the
        // document behind it.
        try await holdClientUpdates(failOnError: false)
        defer { releaseClientUpdates() }
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

    // MARK: Status

    func status() -> YAny {
        [
            "workflow": .string(workflowID), "state": .string(state.rawValue),
            "lock_version": .integer(Int64(base.lockVersion)), "clients": .integer(Int64(sessions.count)),
            "editors": .array(sessions.values.map { .string($0.name) }),
            "log_bytes_since_snapshot": .integer(Int64(logBytesSinceSnapshot)),
            "uncommitted_updates": .integer(Int64(uncommitted.count)),
            "log_seq": .integer(lastSequence), "reading_log": .bool(catchingUp),
        ]
    }
}

/// Transaction origins the relay uses, so its own changes are told apart from clients'.
enum RelayOrigin: Hashable, Sendable {
    case relay
    case load
    /// Read from the log after the load: what other relays sharing the database committed.
    case store
    case client(UInt64)
}

/// Collects the updates of the relay's own transactions (filled by a document observer).
final class UpdateCollector {
    var updates: [[UInt8]] = []
}
