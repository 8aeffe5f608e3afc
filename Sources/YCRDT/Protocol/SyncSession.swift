/// Why a ``SyncSession`` refused an incoming sync message. The document is unchanged when it throws.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The state vector or update in the message is not valid.
    case decoding(DecodingError)
    /// The session is read-only and the message would have changed the document.
    case readOnly(refused: SyncMessage.Kind)

    public var description: String {
        switch self {
        case .decoding(let error): "invalid sync message: \(error)"
        case .readOnly(let kind): "\(kind) refused: the connection is read-only"
        }
    }
}

/// The y-protocols sync handshake and update flow for one connection to one document.
///
/// A connection calls ``start()`` once and sends what it returns, then hands every incoming sync
/// message to ``receive(_:)`` and sends the replies. Local changes reach the peer through
/// ``forwardUpdates(_:)`` (or ``message(forUpdate:transaction:)``), which skips the updates this
/// session applied itself, so nothing the peer sent is echoed back to it.
///
/// The handshake, as y-websocket runs it: the client sends step 1; the server answers with step 2
/// and (``Options/server``) its own step 1; the client answers that with step 2. Both sides are
/// ``isSynced`` once they have received a step 2. Updates may flow in both directions at any time,
/// before the handshake completes too: a document keeps what it cannot integrate yet until the gap
/// fills.
///
/// Like ``Doc``, a session is not thread-safe: use it in the document's isolation domain.
public final class SyncSession {
    /// How a session behaves.
    public struct Options: Hashable, Sendable {
        /// Whether a step 1 from the peer is answered with our own step 1 as well as the step 2
        /// (once per session, and only if ``SyncSession/start()`` did not already send it), as a
        /// server does so that a client which only asks also gets asked.
        public var answersStep1WithStep1: Bool
        /// Whether the peer may not change the document: a step 2 or update that carries anything
        /// the document lacks (structs or deletes) throws ``SyncError/readOnly(refused:)``. A step 2
        /// that holds nothing new (a viewer's answer to our step 1) is accepted.
        public var isReadOnly: Bool

        public init(answersStep1WithStep1: Bool = false, isReadOnly: Bool = false) {
            self.answersStep1WithStep1 = answersStep1WithStep1
            self.isReadOnly = isReadOnly
        }

        /// A client: sends step 1 from ``SyncSession/start()`` and answers step 1 with step 2.
        public static let client = Options()
        /// A server: also answers the peer's step 1 with its own step 1.
        public static let server = Options(answersStep1WithStep1: true)
        /// A server for a peer that may only read.
        public static let readOnlyServer = Options(answersStep1WithStep1: true, isReadOnly: true)
    }

    /// The document this session syncs.
    public let doc: Doc
    public let options: Options
    private let customOrigin: AnyHashable?
    /// Whether a step 2 from the peer has arrived: we have everything the peer had when it answered.
    public private(set) var isSynced = false
    /// Whether we have sent our step 1.
    public private(set) var hasSentStep1 = false

    /// A session for `doc`.
    ///
    /// - Parameter origin: the transaction origin of the updates this session applies; updates with
    ///   this origin are never sent back. Defaults to a value unique to this session.
    public init(doc: Doc, options: Options = .client, origin: AnyHashable? = nil) {
        self.doc = doc
        self.options = options
        self.customOrigin = origin
    }

    /// The origin of every transaction this session applies to ``doc``.
    public var origin: AnyHashable { customOrigin ?? AnyHashable(ObjectIdentifier(self)) }

    /// The messages that open the handshake: our step 1.
    public func start() -> [ProtocolMessage] {
        hasSentStep1 = true
        return [.sync(.step1(stateVector: doc.encodeStateVector()))]
    }

    /// Handles one sync message from the peer and returns the messages to send back.
    ///
    /// A step 1 is answered with a step 2 (everything the peer lacks), and, for a server, with our
    /// step 1. A step 2 or update is applied to the document with ``origin``; an update that is
    /// exactly `00 00` (the empty update pycrdt and Yjs send for an empty document) is skipped.
    ///
    /// - Throws: ``SyncError`` for a state vector or update that cannot be decoded, or a change from
    ///   a read-only peer. The document is unchanged when it throws.
    public func receive(_ message: SyncMessage) throws(SyncError) -> [ProtocolMessage] {
        switch message {
        case .step1(let encodedVector):
            let remote: StateVector
            do throws(DecodingError) {
                remote = try StateVector(decoding: encodedVector)
            } catch {
                throw .decoding(error)
            }
            var replies: [ProtocolMessage] = [.sync(.step2(update: doc.encodeStateAsUpdate(since: remote)))]
            if options.answersStep1WithStep1, !hasSentStep1 {
                replies.append(contentsOf: start())
            }
            return replies
        case .step2(let update):
            try apply(update, kind: .step2)
            isSynced = true
            return []
        case .update(let update):
            try apply(update, kind: .update)
            return []
        }
    }

    /// Handles a whole y-protocols message if it is a sync message; returns nil for any other kind
    /// (awareness, auth, …), which the connection handles itself.
    public func receive(_ message: ProtocolMessage) throws(SyncError) -> [ProtocolMessage]? {
        guard case .sync(let sync) = message else { return nil }
        return try receive(sync)
    }

    private static let emptyUpdate: [UInt8] = [0, 0]

    private func apply(_ update: [UInt8], kind: SyncMessage.Kind) throws(SyncError) {
        guard update != Self.emptyUpdate else { return }
        let decoded: DecodedUpdate
        do throws(DecodingError) {
            decoded = try DecodedUpdate(v1: update)
        } catch {
            throw .decoding(error)
        }
        if options.isReadOnly {
            // Nothing to apply when nothing is new; anything new is the peer writing.
            guard !wouldChange(decoded) else { throw .readOnly(refused: kind) }
            return
        }
        doc.apply(decoded, origin: origin)
    }

    /// Whether applying `update` would add structs or delete anything the document has not deleted.
    private func wouldChange(_ update: DecodedUpdate) -> Bool {
        let store = doc.store
        for (client, structs) in update.structs {
            let state = store.state(of: client)
            for item in structs where item.kind != .skip && item.id.clock + item.length > state {
                return true
            }
        }
        for (client, ranges) in update.deleteSet.clients {
            let state = store.state(of: client)
            for range in ranges where range.length > 0 {
                guard range.end <= state, let structs = store.clients[client],
                    var index = StructStore.findIndex(structs, clock: range.clock)
                else { return true }
                while index < structs.count, structs[index].id.clock < range.end {
                    if !structs[index].isDeleted { return true }
                    index += 1
                }
            }
        }
        return false
    }

    /// The message that carries a transaction's update to the peer, or nil when the update came
    /// from this session (it is the peer's own change).
    public func message(forUpdate update: [UInt8], transaction: Transaction) -> ProtocolMessage? {
        guard transaction.origin != origin else { return nil }
        return .sync(.update(update))
    }

    /// Calls `send` with an update message for every transaction of ``doc`` that did not come from
    /// this session. Cancel the subscription when the connection closes.
    @discardableResult
    public func forwardUpdates(_ send: @escaping (ProtocolMessage) -> Void) -> Subscription {
        doc.observeUpdates { [weak self] update, transaction in
            guard let self, let message = self.message(forUpdate: update, transaction: transaction) else {
                return
            }
            send(message)
        }
    }
}
