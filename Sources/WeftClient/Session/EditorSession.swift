import Foundation
import WeftProtocol
import WorkflowModel
import YCRDT

/// One person editing one workflow through the relay: the connection, the local replica, the base
/// workflow and its lock_version, the unsaved-changes marker, saves, presence, undo, and reconnecting.
///
/// **Threading.** Not thread-safe and not `Sendable`: one owner drives it from one thread. There are
/// no threads or tasks inside; nothing happens between calls. The owner's loop calls
/// ``pump(timeout:)`` whenever ``fileDescriptor`` is readable (or at least every
/// ``timeUntilNextTimer`` so retries and presence renewals run), and reads the returned events.
///
/// **Lifecycle.** ``join(workflow:)`` (which connects if ``connect()`` was not called) blocks until
/// the relay answered `joined` and the replica is synced, or throws. After that nothing throws for
/// connection trouble: when the connection drops, ``connectionState`` becomes
/// ``ConnectionState/reconnecting(attempt:nextIn:)`` and `pump` retries with exponential backoff
/// (``ReconnectBackoff``, timed by the injected clock). Edits go on meanwhile; they stay in the
/// replica and reach the relay in the sync step 2 of the next connection — never lost. On the rejoin
/// the base and lock_version are refreshed from `joined` (a version made while away is reported as
/// a ``SessionEvent/workflowSaved(_:)`` without an actor). One session edits one workflow; open
/// another with a new session.
///
/// **The marker.** ``isDirty`` is `UnsavedChanges.differ(document: workflow, base: base)` — the real
/// compare (DESIGN.md behaviour 2) — recomputed whenever the document or the base changed, so an
/// undo back to the base clears it, and a `saved` or `workflow_saved` clears it unless unsaved edits
/// remain in the document.
///
/// **Time.** Everything timed (backoff, presence renewal and expiry, undo grouping) reads the
/// injected `clock`, a ``Duration`` since an epoch of the caller's choice. Blocking waits
/// (``join(workflow:)``, the `timeout` of ``pump(timeout:)``) are real time.
public final class EditorSession {
    /// What a session is set up with.
    public struct Configuration: Sendable {
        /// The relay's socket (reconnects go here too).
        public var socketPath: String
        /// The display name sent with `join` (the relay ignores it in shared mode) and in presence.
        public var userName: String
        /// How long a join (`joined` and the sync) may take, initially and on each reconnect.
        public var joinTimeout: Duration = .seconds(10)
        public var backoff = ReconnectBackoff()
        /// Edits closer together than this are one undo step.
        public var undoCaptureTimeout: Duration = .milliseconds(500)
        /// A collaborator not heard from for this long is dropped; ours is renewed at half of it.
        public var presenceTimeout: Duration = .seconds(30)
        /// At most this many messages are handled per ``EditorSession/pump(timeout:)``, so a flood
        /// of remote edits cannot starve the owner's loop.
        public var maximumMessagesPerPump = 512

        public init(socketPath: String, userName: String) {
            self.socketPath = socketPath
            self.userName = userName
        }
    }

    /// Where the session is in its connection's life.
    enum Phase: Equatable {
        /// Not connected and not trying.
        case idle
        /// The socket is open (maybe with a join not sent yet).
        case connected
        /// `join` sent; waiting for `joined`.
        case joining
        /// `joined` arrived; waiting for the step 2 that answers our step 1.
        case syncing
        /// Joined and synced.
        case live
        /// The connection dropped; the next attempt is at ``EditorSession/nextAttemptAt``.
        case waitingToReconnect
    }

    /// The origin of every transaction the relay's updates arrive in (so they are not sent back and
    /// not undone).
    struct RelayOrigin: Hashable {}

    public let configuration: Configuration
    /// The colour of ``userName``, the same on every client (``UserColour``).
    public let userColour: String
    /// The local replica. Read it freely; change it only through ``edit(_:)`` and friends, so that
    /// edits reach the relay.
    public let doc: Doc

    /// The saved workflow the marker compares with: from `joined`, `saved` and `workflow_saved`.
    public internal(set) var base = Workflow(id: "", name: "")
    /// The version of ``base``: what a save carries.
    public internal(set) var lockVersion = 0
    /// What the relay lets this connection do (nil before the join).
    public internal(set) var role: Role?
    /// The connection's id at the relay, as `weft relay status` and its logs show it.
    public internal(set) var relayClientID: UInt64?
    /// What ``join(workflow:)`` was given (an id or `project/workflow`); reconnects join it again.
    public internal(set) var workflowReference: String?
    public internal(set) var connectionState: ConnectionState = .disconnected

    let clock: () -> Duration
    let makeConnection: () throws -> RelayConnection
    var connection: RelayConnection?
    var phase: Phase = .idle
    var sync: SyncSession
    var awareness: Awareness
    var undoManager: YCRDT.UndoManager
    var ledger = UpdateLedger()
    /// Updates of local transactions not yet sent (or counted as offline).
    var outgoing: [[UInt8]] = []
    /// Bumped by every change of the document; caches compare against it.
    var generation = 0
    /// Bumped by every change of the base.
    var baseGeneration = 0
    var cachedWorkflow: (generation: Int, value: Workflow)?
    var cachedDirty: (generation: Int, baseGeneration: Int, value: Bool)?
    /// The document's value before the remote updates not yet reported as a ``RemoteChange``.
    var valueBeforeRemoteUpdates: Workflow?
    /// Events waiting for the next ``pump(timeout:)``.
    var pendingEvents: [SessionEvent] = []
    /// Saves sent and not answered.
    var savesOutstanding = 0
    /// `joined`'s base during a rejoin, applied when the sync completes.
    var rejoinBase: (workflow: Workflow, lockVersion: Int)?
    /// Whether the running join is ``join(workflow:)``'s (errors are thrown) rather than a reconnect's.
    var isInitialJoin = false
    /// Why the initial join failed (an `error` answer to `join`).
    var initialJoinFailure: EditorSessionError?
    var reconnectAttempt = 0
    var nextAttemptAt: Duration = .zero
    /// When the running join is given up (the injected clock).
    var joinDeadline: Duration = .zero
    var lastPresenceExpiryCheck: Duration = .zero
    var selectedNodeID: String?
    var bodyCursor: BodyCursor?
    var updateSubscription: Subscription?

    /// A session that will join as `configuration.userName` over `configuration.socketPath`.
    ///
    /// - Parameters:
    ///   - clock: the current time as a duration since any fixed epoch; defaults to a monotonic
    ///     clock. Tests pass a manual one.
    ///   - connect: opens a connection (defaults to ``RelayConnection/init(path:maximumFrameBytes:)``
    ///     on the socket); the CLI may start a relay first (``RelayLauncher``).
    public init(
        configuration: Configuration, clock: @escaping () -> Duration = EditorSession.monotonicClock(),
        connect: (() throws -> RelayConnection)? = nil
    ) {
        self.configuration = configuration
        self.userColour = UserColour.colour(forName: configuration.userName)
        self.clock = clock
        let socketPath = configuration.socketPath
        self.makeConnection = connect ?? { try RelayConnection(path: socketPath) }
        let doc = Doc()
        self.doc = doc
        self.sync = SyncSession(doc: doc, options: .client, origin: AnyHashable(RelayOrigin()))
        let now = clock()
        self.awareness = Awareness(doc: doc, now: now, outdatedTimeout: configuration.presenceTimeout)
        let roots: [YValue] = [
            .map(doc.map(DocumentRoot.workflow)), .array(doc.array(DocumentRoot.jobs)),
            .array(doc.array(DocumentRoot.triggers)), .array(doc.array(DocumentRoot.edges)),
            .map(doc.map(DocumentRoot.positions)),
        ]
        self.undoManager = YCRDT.UndoManager(
            doc: doc, scope: roots, trackedOrigins: [nil],
            captureTimeout: Self.milliseconds(configuration.undoCaptureTimeout),
            now: { Self.milliseconds(clock()) })
        self.lastPresenceExpiryCheck = now
        awareness.setLocalState(presenceState(), now: now)
        let relayOrigin = AnyHashable(RelayOrigin())
        updateSubscription = doc.observeUpdates { [weak self] update, transaction in
            guard let self else { return }
            self.generation &+= 1
            if transaction.origin != relayOrigin { self.outgoing.append(update) }
        }
    }

    deinit {
        updateSubscription?.cancel()
        connection?.close()
    }

    /// A clock that reads `ContinuousClock` as the time since this call.
    public static func monotonicClock() -> () -> Duration {
        let start = ContinuousClock.now
        return { ContinuousClock.now - start }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    public var userName: String { configuration.userName }

    /// The socket to poll for readability with the owner's other inputs; nil while disconnected.
    public var fileDescriptor: Int32? { connection.map(\.fileDescriptor) }

    /// Whether the replica is synced with the relay now.
    public var isSynced: Bool { phase == .live }

    /// Local edits the relay has not acknowledged as durable (sent and not acked, or made while
    /// disconnected). 0 means a `kill -9` of the relay loses nothing of ours.
    public var unacknowledgedUpdates: Int { ledger.unacknowledged + outgoing.count }

    /// How long the owner may wait before calling ``pump(timeout:)`` even if the socket stays quiet:
    /// until the next reconnect attempt, or the next presence renewal. Nil when nothing is due.
    public var timeUntilNextTimer: Duration? {
        let now = clock()
        switch phase {
        case .waitingToReconnect:
            return max(.zero, nextAttemptAt - now)
        case .joining, .syncing:
            return max(.zero, joinDeadline - now)
        case .live:
            let renewal =
                (awareness.meta[awareness.clientID]?.lastUpdated ?? now) + configuration.presenceTimeout / 2
            return max(.zero, min(renewal, lastPresenceExpiryCheck + Self.presenceExpiryInterval) - now)
        case .idle, .connected:
            return nil
        }
    }

    static let presenceExpiryInterval: Duration = .seconds(3)

    // MARK: Connecting and joining

    /// Opens the connection to the relay (``join(workflow:)`` does it when needed).
    ///
    /// - Throws: ``EditorSessionError/connection(_:)`` when nothing listens on the socket, or what
    ///   the `connect` closure given to the initialiser threw.
    public func connect() throws {
        guard connection == nil else { return }
        do {
            connection = try makeConnection()
        } catch let error as RelayConnectionError {
            throw EditorSessionError.connection(error)
        }
        phase = .connected
    }

    /// Joins `workflow` (its id or `project/workflow`) and blocks until the relay answered `joined`
    /// and the replica is synced. Afterwards ``workflow``, ``base`` and ``lockVersion`` hold the
    /// workflow; events that arrived meanwhile (presence, `.connection(.connected)`, `.synced`) come
    /// from the next ``pump(timeout:)``.
    ///
    /// - Throws: ``EditorSessionError/joinRefused(code:message:)`` (no such workflow, forbidden, …),
    ///   ``EditorSessionError/joinTimedOut(workflow:)``, ``EditorSessionError/connection(_:)``,
    ///   ``EditorSessionError/alreadyJoined``. After a failure the session is disconnected and may
    ///   join again.
    public func join(workflow reference: String) throws {
        guard workflowReference == nil, phase == .idle || phase == .connected else {
            throw EditorSessionError.alreadyJoined
        }
        try connect()
        workflowReference = reference
        isInitialJoin = true
        initialJoinFailure = nil
        defer { isInitialJoin = false }
        let deadline = ContinuousClock.now + configuration.joinTimeout
        do {
            try sendJoin()
            while phase != .live {
                if let failure = initialJoinFailure { throw failure }
                guard let connection else { throw EditorSessionError.connection(.closed) }
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw EditorSessionError.joinTimedOut(workflow: reference) }
                do {
                    if let message = try connection.poll(timeout: min(remaining, .milliseconds(200))) {
                        handle(message)
                    }
                } catch let error as RelayConnectionError {
                    throw EditorSessionError.connection(error)
                }
            }
        } catch {
            connection?.close()
            connection = nil
            phase = .idle
            workflowReference = nil
            pendingEvents.removeAll()
            throw error
        }
    }

    /// Sends `join` for ``workflowReference`` on the open connection.
    func sendJoin() throws {
        guard let connection, let reference = workflowReference else { throw EditorSessionError.notConnected }
        do {
            try connection.send(.control(.join(workflow: reference, as: configuration.userName)))
        } catch let error as RelayConnectionError {
            throw EditorSessionError.connection(error)
        }
        phase = .joining
        joinDeadline = clock() + configuration.joinTimeout
    }

    /// Leaves the workflow and closes the connection; the session stays readable (the replica, the
    /// base) but sends nothing more. Unsaved edits are not saved.
    public func close() {
        if let connection, phase == .syncing || phase == .live {
            try? connection.send(.control(.leave))
        }
        connection?.close()
        connection = nil
        phase = .idle
        setConnectionState(.disconnected)
    }

    // MARK: Pumping

    /// Reads what arrived (waiting up to `timeout` for the first message), applies it, runs what is
    /// due (a reconnect attempt, presence renewal and expiry) and returns what happened, oldest
    /// first. Never throws: connection trouble becomes ``SessionEvent/connection(_:)`` events.
    ///
    /// While reconnecting, a `timeout` is spent waiting for the next attempt (real time) when it is
    /// sooner. Events already waiting (from an edit or a join between pumps) make it not wait.
    public func pump(timeout requestedTimeout: Duration = .zero) -> [SessionEvent] {
        flushOutgoing()
        let timeout = pendingEvents.isEmpty ? requestedTimeout : .zero
        if phase == .waitingToReconnect {
            let wait = nextAttemptAt - clock()
            if wait > .zero, timeout > .zero {
                let sleep = min(wait, timeout)
                let (seconds, attoseconds) = sleep.components
                usleep(UInt32(min(Int64(UInt32.max), seconds * 1_000_000 + attoseconds / 1_000_000_000_000)))
            }
            if clock() >= nextAttemptAt { attemptReconnect() }
        }
        if phase == .joining || phase == .syncing || phase == .live {
            readMessages(firstWait: timeout)
        }
        if phase == .joining || phase == .syncing, clock() >= joinDeadline {
            connectionDropped(reason: "the relay did not finish the join in time")
        }
        maintainPresence()
        flushRemoteChange()
        flushOutgoing()
        let events = pendingEvents
        pendingEvents.removeAll()
        return events
    }

    /// Handles messages until none is waiting (the first may take `firstWait` to come).
    func readMessages(firstWait: Duration) {
        var wait = firstWait
        var handled = 0
        while let connection, handled < configuration.maximumMessagesPerPump {
            let message: WireMessage?
            do {
                message = try connection.poll(timeout: wait)
            } catch {
                connectionDropped(reason: "\(error)")
                return
            }
            guard let message else { return }
            handle(message)
            handled += 1
            wait = .zero
        }
    }

    /// Sends one message; a failure drops the connection (and returns false).
    @discardableResult
    func send(_ message: WireMessage) -> Bool {
        guard let connection else { return false }
        do {
            try connection.send(message)
            return true
        } catch {
            connectionDropped(reason: "\(error)")
            return false
        }
    }

    func setConnectionState(_ state: ConnectionState) {
        guard state != connectionState else { return }
        connectionState = state
        pendingEvents.append(.connection(state))
    }

    // MARK: Reconnecting

    /// The connection broke: edits in flight wait for the next one, presence of others is
    /// forgotten (it is re-announced on the rejoin), a waiting save is reported failed, and a retry
    /// is scheduled. During ``join(workflow:)`` the join fails instead.
    func connectionDropped(reason: String) {
        let wasLive = phase == .live
        connection?.close()
        connection = nil
        ledger.dropConnection()
        if isInitialJoin {
            phase = .idle
            if initialJoinFailure == nil { initialJoinFailure = .connection(.io(reason)) }
            return
        }
        if savesOutstanding > 0 {
            savesOutstanding = 0
            pendingEvents.append(
                .saveFailed(
                    SaveFailure(
                        reason: .disconnected,
                        message: "the connection to the relay dropped before the save was answered")))
        }
        flushRemoteChange()
        forgetRemotePresence()
        rejoinBase = nil
        reconnectAttempt = wasLive ? 1 : reconnectAttempt + 1
        scheduleReconnect()
    }

    func scheduleReconnect() {
        let delay = configuration.backoff.delay(beforeAttempt: reconnectAttempt)
        nextAttemptAt = clock() + delay
        phase = .waitingToReconnect
        setConnectionState(.reconnecting(attempt: reconnectAttempt, nextIn: delay))
    }

    /// One attempt: connect and send `join`; the rest happens as messages arrive.
    func attemptReconnect() {
        do {
            connection = try makeConnection()
            phase = .connected
            try sendJoin()
        } catch {
            connection?.close()
            connection = nil
            reconnectAttempt += 1
            scheduleReconnect()
        }
    }

    /// The relay refused the rejoin for good (the workflow is gone, the role was revoked): stop.
    func giveUpReconnecting() {
        connection?.close()
        connection = nil
        phase = .idle
        setConnectionState(.disconnected)
    }
}
