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
/// Durability: an update from a client is committed to the store's log before it is applied to the
/// live document, forwarded to anyone or acknowledged. Changes the relay makes itself (a save's new
/// lock_version, validation errors, a reconcile) are committed before they are forwarded.
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

    let workflowID: String
    let projectID: String
    private let services: RelayServices
    private let onUnloaded: @Sendable (Room) async -> Void
    private(set) var state: State = .loading
    private var loadTask: Task<Void, any Error>?
    private var drainTask: Task<Void, Never>?
    private var unloadWaiters: [CheckedContinuation<Void, Never>] = []
    private var doc = Doc()
    /// The saved workflow the document is based on (the database's current version).
    private var base: Workflow
    private var sessions: [UInt64: SessionHandle] = [:]
    /// Awareness client ids each session announced, to clear them when it leaves.
    private var awarenessClients: [UInt64: Set<ClientID>] = [:]
    private var awareness: Awareness
    /// Drops presence nobody renewed (runs while anyone is joined).
    private var presenceSweep: Task<Void, Never>?
    private var lastSequence: Int64 = 0
    private var logBytesSinceSnapshot = 0
    /// Updates the relay's own transactions produced, waiting to be committed and forwarded.
    private let relayUpdates = UpdateCollector()
    /// Who edited the document since its base last changed: the people a discarded draft names.
    private var unsavedEditors: Set<String> = []

    init(
        workflowID: String, projectID: String, base: Workflow, services: RelayServices,
        onUnloaded: @escaping @Sendable (Room) async -> Void
    ) {
        self.workflowID = workflowID
        self.projectID = projectID
        self.base = base
        self.services = services
        self.onUnloaded = onUnloaded
        self.awareness = Awareness(
            clientID: 0, now: services.now(), outdatedTimeout: services.configuration.presenceTimeout)
        // The relay is no one: it must not appear as a present client (a `{}` state for client 0)
        // in every joiner's awareness (DESIGN.md behaviour 8).
        _ = awareness.setLocalState(nil, now: services.now())
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
        let stored = try services.store.loadDocument(workflowID)
        // Start clean: a failed earlier attempt's document, and any heal it could not commit, go.
        relayUpdates.updates.removeAll()
        lastSequence = 0
        logBytesSinceSnapshot = 0
        let fresh = Doc()
        doc = fresh
        let collector = relayUpdates
        doc.observeUpdates { update, transaction in
            // Only changes the relay makes itself; client updates are committed before they apply.
            if transaction.origin == AnyHashable(RelayOrigin.relay) { collector.updates.append(update) }
        }
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot, origin: RelayOrigin.load) }
        for logged in stored.updates {
            try doc.applyUpdate(logged.bytes, origin: RelayOrigin.load)
            lastSequence = logged.seq
            logBytesSinceSnapshot += logged.bytes.count
        }
        lastSequence = max(lastSequence, stored.throughSeq)
        // Re-read the saved workflow: never trust the value we were created with.
        if let current = try services.store.workflow(id: workflowID) { base = current }
        try await heal()
        state = .ready
    }

    /// Brings a document that is empty or behind the database up to the saved version.
    private func heal() async throws {
        let inDocument = WorkflowDocument.read(doc)
        if inDocument.id.isEmpty {
            WorkflowDocument.write(base, into: doc, origin: RelayOrigin.relay)
            try await commitRelayUpdates()
            return
        }
        guard inDocument.lockVersion < base.lockVersion else { return }
        // The document missed versions (a deploy while it was not loaded, a crash between commit and
        // reconcile): rebase its content from the version it was on to the current one.
        let oldBase = try services.store.version(of: workflowID, lockVersion: inDocument.lockVersion)?.workflow
        let outcome = Rebaser.apply(
            newVersion: base, oldBase: oldBase ?? inDocument, to: doc, policy: services.configuration.externalUpdatePolicy,
            origin: RelayOrigin.relay)
        try await commitRelayUpdates()
        keepDraft(of: outcome, basedOn: inDocument.lockVersion, displacedBy: base.lockVersion)
        services.logger.info(
            "healed a stale document",
            metadata: [
                "workflow": "\(workflowID)", "from": "\(inDocument.lockVersion)", "to": "\(base.lockVersion)",
                "conflicts": "\(outcome.conflicts.count)",
            ])
    }

    /// Commits the updates the relay's own transactions produced, then forwards them to every client.
    ///
    /// An update whose commit fails (disk full) stays queued, ahead of any later one, and is retried
    /// by the next commit: the live document already holds it, so dropping it would leave every
    /// client without a change later relay updates build on.
    private func commitRelayUpdates() async throws {
        while !relayUpdates.updates.isEmpty {
            let update = relayUpdates.updates.removeFirst()
            let sequence: Int64
            do {
                sequence = try await services.logWriter.append(docID: workflowID, update: update)
            } catch {
                relayUpdates.updates.insert(update, at: 0)
                throw error
            }
            noteLogged(sequence: sequence, bytes: update.count)
            broadcast(.sync(.update(update)), except: nil)
        }
    }

    private func noteLogged(sequence: Int64, bytes: Int) {
        lastSequence = max(lastSequence, sequence)
        logBytesSinceSnapshot += bytes
    }

    // MARK: Sessions

    func join(_ session: SessionHandle) async throws -> JoinOutcome {
        switch state {
        case .unloading:
            // Let the unload (and its compaction) finish; the registry then loads the room anew.
            await withCheckedContinuation { unloadWaiters.append($0) }
            return .retry
        case .unloaded: return .retry
        case .loading: try await ensureLoaded()
        case .draining, .ready: break
        }
        guard state == .ready || state == .draining else { return .retry }
        drainTask?.cancel()
        drainTask = nil
        state = .ready
        sessions[session.id] = session
        startPresenceSweep()
        let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
        session.outbound.send(
            .control(.joined(workflow: baseJSON, lockVersion: base.lockVersion, role: WeftProtocol.Role(rawValue: session.role.rawValue), clientID: session.id)))
        // Server side of the handshake: our state vector, so the client sends what we lack.
        session.outbound.send(.sync(.step1(stateVector: doc.encodeStateVector())))
        if !awareness.states.isEmpty {
            session.outbound.send(.awareness(awareness.encodeUpdate()))
        }
        return .joined
    }

    func leave(_ sessionID: UInt64) {
        guard sessions.removeValue(forKey: sessionID) != nil else { return }
        if let clients = awarenessClients.removeValue(forKey: sessionID), !clients.isEmpty {
            let changes = awareness.remove(clients: Array(clients), origin: nil, now: services.now())
            if changes.hasStateChanges {
                broadcast(.awareness(awareness.encodeUpdate(clients: Array(clients))), except: nil)
            }
        }
        if sessions.isEmpty { startDraining() }
    }

    private func startDraining() {
        presenceSweep?.cancel()
        presenceSweep = nil
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
        state = .unloading
        await compact()
        state = .unloaded
        for waiter in unloadWaiters { waiter.resume() }
        unloadWaiters.removeAll()
        await onUnloaded(self)
    }

    /// Writes the document as a snapshot and drops the log it covers.
    func compact() async {
        guard lastSequence > 0, logBytesSinceSnapshot > 0 else { return }
        do {
            try services.store.compactDocument(
                workflowID, snapshot: doc.encodeStateAsUpdate(), throughSeq: lastSequence)
            logBytesSinceSnapshot = 0
        } catch {
            services.logger.warning(
                "compaction failed; the log stays", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
    }

    // MARK: Sync and awareness

    /// Applies a document update from a client: committed first, then applied and forwarded.
    /// Returns nil on success or the error to send back.
    func receiveUpdate(_ update: [UInt8], from session: SessionHandle) async -> ControlMessage? {
        guard sessions[session.id] != nil else { return .error(.notJoined, "join a workflow first") }
        if update == [0, 0] { return nil }
        guard session.canEdit else {
            // A viewer's step 2 that holds nothing new (its answer to our step 1) is not an edit; the
            // read-only session applies nothing either way.
            if (try? SyncSession(doc: doc, options: .readOnlyServer).receive(.step2(update: update))) != nil {
                return nil
            }
            return .error(.readOnly, "\(session.name) may only view this workflow; the update was refused")
        }
        do {
            if let missing = try UpdateCheck.missingDependency(of: update, in: doc) {
                return .error(.updateRejected, "the update references what the document does not hold: \(missing)")
            }
        } catch {
            return .error(.updateRejected, "the update is not a valid Yjs update: \(error)")
        }
        if update.count + logBytesSinceSnapshot > services.configuration.maximumDocumentBytes,
            doc.encodeStateAsUpdate().count + update.count > services.configuration.maximumDocumentBytes
        {
            return .error(.documentTooLarge, "the document would exceed \(services.configuration.maximumDocumentBytes) bytes")
        }
        do {
            let sequence = try await services.logWriter.append(docID: workflowID, update: update)
            noteLogged(sequence: sequence, bytes: update.count)
        } catch {
            services.logger.error("could not commit an update", metadata: ["error": "\(error)"])
            return .error(.internal, "the relay could not store the update; it was not applied")
        }
        do {
            try doc.applyUpdate(update, origin: RelayOrigin.client(session.id))
        } catch {
            return .error(.updateRejected, "the update could not be applied: \(error)")
        }
        broadcast(.sync(.update(update)), except: session.id)
        unsavedEditors.insert(session.name)
        // The store works again: a change of the relay's own that failed to commit goes out now.
        if !relayUpdates.updates.isEmpty { try? await commitRelayUpdates() }
        if logBytesSinceSnapshot >= services.configuration.compactAfterLogBytes { await compact() }
        return nil
    }

    /// The answer to a client's sync step 1: what it lacks.
    func answerStep1(_ stateVector: [UInt8]) -> WireMessage? {
        guard let update = try? doc.encodeStateAsUpdate(sinceEncoded: stateVector) else { return nil }
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
        awarenessClients[session.id, default: []].formUnion(decoded.entries.map(\.clientID))
        let changes = awareness.apply(decoded, origin: nil, now: services.now())
        if !changes.isEmpty { broadcast(.awareness(update), except: session.id) }
        return nil
    }

    func awarenessSnapshot() -> [UInt8] { awareness.encodeUpdate() }

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
            result = try services.store.saveWorkflow(
                current, expectedLockVersion: expectedLockVersion, actor: session.actor, source: .editor)
        } catch StoreError.stale(let currentVersion, let currentWorkflow) {
            // What moved between the version the client edited and the one saved now.
            let edited = (try? services.store.version(of: workflowID, lockVersion: expectedLockVersion))?.workflow
            let moved = UnsavedChanges.differences(document: currentWorkflow, base: edited ?? base)
            return .saveFailed(
                reason: .stale,
                message: "the workflow moved to version \(currentVersion) since you opened version \(expectedLockVersion)",
                currentLockVersion: currentVersion, moved: .array(moved.map { .string("\($0)") }))
        } catch {
            services.logger.error("save failed", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
            return .error(.internal, "the save could not be written: \(error)")
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
            await withCheckedContinuation { unloadWaiters.append($0) }
            return nil
        case .unloaded: return nil
        case .loading, .ready, .draining: break
        }
        try await ensureLoaded()
        // The document is the room's base plus everyone's unsaved edits; rebase those onto the current
        // row (never the caller's struct: a later commit may already have landed).
        let oldBase = base
        let newVersion = try services.store.workflow(id: workflowID) ?? change.workflow
        let outcome = Rebaser.apply(
            newVersion: newVersion, oldBase: oldBase, to: doc, policy: services.configuration.externalUpdatePolicy,
            origin: RelayOrigin.relay)
        base = newVersion
        try await commitRelayUpdates()
        keepDraft(of: outcome, basedOn: oldBase.lockVersion, displacedBy: newVersion.lockVersion)
        if !outcome.stillDirty { unsavedEditors.removeAll() }
        let baseJSON = (try? WorkflowJSON.value(of: base)) ?? .null
        let notice = WireMessage.control(
            .workflowSaved(
                lockVersion: base.lockVersion, workflow: baseJSON,
                actor: WeftProtocol.Actor(name: actor.name, kind: actor.kind == .system ? .system : .person),
                source: ChangeSource(rawValue: source.rawValue), summary: WorkflowJSON.summary(outcome.summary),
                conflicts: outcome.conflicts.map(WorkflowJSON.conflict)))
        broadcast(notice, except: nil)
        if sessions.isEmpty { releaseIfUnused() }
        return outcome
    }

    /// Stores the unsaved edits a reset discarded, so that `weft drafts restore` can bring them back.
    /// A failure is logged, never thrown: the new version is already committed and in the document.
    private func keepDraft(of outcome: RebaseOutcome, basedOn: Int, displacedBy: Int) {
        guard var draft = outcome.draft else { return }
        draft.id = workflowID
        do {
            let id = try services.store.saveDraft(
                draft, basedOn: basedOn, displacedBy: displacedBy, people: unsavedEditors.sorted())
            services.logger.info(
                "kept the discarded unsaved edits as a draft",
                metadata: ["workflow": "\(workflowID)", "draft": "\(id)", "displaced_by": "\(displacedBy)"])
        } catch {
            services.logger.error(
                "could not keep the discarded unsaved edits", metadata: ["workflow": "\(workflowID)", "error": "\(error)"])
        }
        unsavedEditors.removeAll()
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
            await withCheckedContinuation { unloadWaiters.append($0) }
            return nil
        case .unloaded: return nil
        case .loading, .ready, .draining: break
        }
        try await ensureLoaded()
        var current = WorkflowDocument.read(doc)
        current.id = workflowID
        var ours = draft
        ours.id = workflowID
        var (merged, conflicts) = ThreeWayMerge.merge(base: draftBase, ours: ours, theirs: current)
        merged.lockVersion = current.lockVersion
        let summary = Reconciler.reconcile(doc, to: merged, origin: RelayOrigin.relay)
        try await commitRelayUpdates()
        if sessions.isEmpty { releaseIfUnused() }
        return (summary, conflicts)
    }

    // MARK: Status

    func status() -> YAny {
        [
            "workflow": .string(workflowID), "state": .string(state.rawValue),
            "lock_version": .integer(Int64(base.lockVersion)), "clients": .integer(Int64(sessions.count)),
            "editors": .array(sessions.values.map { .string($0.name) }),
            "log_bytes_since_snapshot": .integer(Int64(logBytesSinceSnapshot)),
        ]
    }
}

/// Transaction origins the relay uses, so its own changes are told apart from clients'.
enum RelayOrigin: Hashable, Sendable {
    case relay
    case load
    case client(UInt64)
}

/// Collects the updates of the relay's own transactions (filled by a document observer).
final class UpdateCollector {
    var updates: [[UInt8]] = []
}
