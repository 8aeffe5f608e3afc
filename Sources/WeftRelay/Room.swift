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
///
/// The room is written in four files, one concern each: this one (loading, committing, sessions, sync,
/// save, status), `Room+ExternalWrites.swift` (deploys, merges, syncs, restores and drafts),
/// `Room+SharedDatabase.swift` (several relays on one database: following their log, document locks)
/// and `Room+Presence.swift` (presence across relays). Its state is internal rather than private so that
/// those extensions reach it; nothing outside the room touches it.
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
    struct PendingCommit {
        /// Its place in the room's commit order (1, 2, …).
        let ticket: Int
        let update: [UInt8]
        /// The connection it came from (not sent back there); nil for the relay's own changes.
        let sender: UInt64?
        let onCommitted: (@Sendable () -> Void)?
    }

    let workflowID: String
    let projectID: String
    let services: RelayServices
    private let onUnloaded: @Sendable (Room) async -> Void
    private(set) var state: State = .loading
    private var loadTask: Task<Void, any Error>?
    private var drainTask: Task<Void, Never>?
    var unloadWaiters: [Waiter] = []
    var doc = Doc()
    /// The saved workflow the document is based on (the database's current version).
    var base: Workflow
    var sessions: [UInt64: SessionHandle] = [:]
    /// Awareness client ids each session announced, to clear them when it leaves.
    var awarenessClients: [UInt64: Set<ClientID>] = [:]
    var awareness: Awareness
    /// Drops presence nobody renewed (runs while anyone is joined).
    var presenceSweep: Task<Void, Never>?
    /// Awareness clients other relays told this room of: no connection here may take them offline.
    var remoteClients: Set<ClientID> = []
    /// The log's sequence number through which the document holds every update: the relay's own and,
    /// when several relays share the database, the others'. Compactions go no further than this.
    var lastSequence: Int64 = 0
    /// Sequence numbers of the relay's own commits beyond a gap after `lastSequence` (another relay
    /// wrote in between): in the document already, waiting for the catch-up to fill the gap.
    var committedAhead: Set<Int64> = []
    /// Whether a catch-up reads the log now (since when), and whether another was asked for meanwhile.
    var catchingUp = false
    var catchUpStarted = Duration.zero
    var catchUpAgain = false
    /// Since when the document has lacked the stored version (see ``takeOverAbandonedVersion()``).
    var behindSince: Duration?
    var logBytesSinceSnapshot = 0
    /// The size of the stored snapshot: with the log since, a bound on the document's encoded size that
    /// is cheap to keep (the size cap checks it before it encodes the document).
    var snapshotBytes = 0
    /// Updates the relay's own transactions produced, waiting to be committed and forwarded.
    let relayUpdates = UpdateCollector()
    /// Who edited the document since its base last changed: the people a discarded draft names.
    var unsavedEditors: Set<String> = []
    /// Updates in the document that the log does not hold yet, in commit order.
    var uncommitted: [PendingCommit] = []
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
    func rebuild(from stored: StoredDocument) throws {
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

    /// Heals under the document lock: first applies what other relays logged since the load read it.
    func healFromLog() async throws {
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
    func commitRelayUpdates() async throws {
        guard !relayUpdates.updates.isEmpty else { return }
        for update in relayUpdates.updates { enqueue(update, from: nil, onCommitted: nil) }
        relayUpdates.updates.removeAll()
        try await waitForCommits(failOnError: true)
    }

    /// Commits a heal's or reconcile's updates: with several relays, from under the document lock (see
    /// ``commitUnderDocumentLock()``); with one, through the group commit like any other.
    func commitReconciled() async throws {
        if services.store.isShared {
            try await commitUnderDocumentLock()
        } else {
            try await commitRelayUpdates()
        }
    }

    // MARK: Committing

    /// Queues an update the document already holds for the group commit.
    func enqueue(_ update: [UInt8], from sender: UInt64?, onCommitted: (@Sendable () -> Void)?) {
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

    static let firstRetryDelay = Duration.milliseconds(20)

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
    func waitForCommits(failOnError: Bool) async throws {
        let ticket = lastTicket
        guard settledTicket < ticket else { return }
        let waiter = Waiter()
        commitWaiters.append((ticket, failOnError, waiter))
        try await waiter.wait()
    }

    /// Holds new client updates back until ``releaseClientUpdates()``, and waits for the commits
    /// queued before: then the document is exactly what the log holds. With `failOnError` a failed
    /// commit throws (and holds nothing); without, the wait lasts through the retries.
    func holdClientUpdates(failOnError: Bool) async throws {
        holds += 1
        do { try await waitForCommits(failOnError: failOnError) } catch {
            releaseClientUpdates()
            throw error
        }
    }

    func releaseClientUpdates() {
        holds -= 1
        guard holds == 0 else { return }
        let waiting = heldUpdates
        heldUpdates.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Waits until no other base-moving operation runs, then marks one running (end it with
    /// ``endExclusive()``). The caller re-checks what it relies on afterwards: the room may have been
    /// unloaded, or the session left, while it waited.
    func beginExclusive() async {
        while exclusive { await withCheckedContinuation { exclusiveWaiters.append($0) } }
        exclusive = true
    }

    func endExclusive() {
        exclusive = false
        if !exclusiveWaiters.isEmpty { exclusiveWaiters.removeFirst().resume() }
    }

    /// Commits what is queued, then compacts (on shutdown). A failing commit does not stop the
    /// compaction: the snapshot holds what the document holds.
    func commitAndCompact() async {
        try? await waitForCommits(failOnError: true)
        await compact()
    }

    /// Notes the relay's own update logged as `sequence`. The number follows `lastSequence` unless
    /// another relay wrote the document in between: then the gap is read from the log.
    func noteLogged(sequence: Int64, bytes: Int) {
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

    func advanceOverCommittedAhead() {
        while committedAhead.remove(lastSequence + 1) != nil { lastSequence += 1 }
        committedAhead = committedAhead.filter { $0 > lastSequence }
    }

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

    func broadcast(_ message: WireMessage, except excluded: UInt64?) {
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
