// The y-protocols awareness protocol: who is here and what they are looking at.
//
// Every client publishes one JSON state (name, colour, cursor, …) with a clock it increments on every
// change. A state of `null` means the client went offline. Peers keep the newest state per client
// and drop clients they have not heard from within a timeout; a live client re-sends its state at
// half the timeout to stay present. Awareness is not part of the document and never persisted.
//
// Nothing here reads a clock: every call that needs the time takes `now`, a ``Duration`` since an
// epoch of the caller's choosing (for example `ContinuousClock.now - start`). Use the same epoch for
// every call on one ``Awareness``.

/// Why an awareness update could not be read. An ``Awareness`` is unchanged when it throws.
public enum AwarenessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed awareness update.
    case decoding(DecodingError)
    /// The state sent for a client is not JSON.
    case invalidState(client: ClientID, JSON.ParseError)

    public var description: String {
        switch self {
        case .decoding(let error): "invalid awareness update: \(error)"
        case .invalidState(let client, let error): "awareness state of client \(client) is not JSON: \(error)"
        }
    }
}

/// An encoded awareness update, read into its entries (the body of an awareness message).
///
/// ```
/// update := varUint(n) ( varUint(clientID) varUint(clock) varString(JSON state) )*n
/// ```
/// A state of `nil` is written as the JSON text `null` and means "offline".
public struct AwarenessUpdate: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var clientID: ClientID
        public var clock: UInt64
        /// The client's state, or nil for "offline".
        public var state: YAny?

        public init(clientID: ClientID, clock: UInt64, state: YAny?) {
            self.clientID = clientID
            self.clock = clock
            self.state = Self.normalized(state)
        }

        /// JSON `null` (and `undefined`, which JSON cannot carry) both mean "no state".
        static func normalized(_ state: YAny?) -> YAny? {
            switch state {
            case nil, .null?, .undefined?: nil
            case let state?: state
            }
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// Reads an encoded awareness update.
    ///
    /// States are parsed as JSON; an empty string is read as `null`, as pycrdt reads it. Every byte
    /// must belong to an entry.
    ///
    /// - Throws: ``AwarenessError/decoding(_:)`` for truncated or malformed bytes,
    ///   ``AwarenessError/invalidState(client:_:)`` for a state that is not JSON.
    public init(decoding bytes: [UInt8]) throws(AwarenessError) {
        var decoder = Lib0Decoder(bytes)
        var raw: [(client: ClientID, clock: UInt64, json: String)] = []
        do throws(DecodingError) {
            // Each entry takes at least three bytes: id, clock and the string's length.
            let count = try decoder.readCount(minimumBytesEach: 3)
            raw.reserveCapacity(count)
            for _ in 0..<count {
                let client = try decoder.readVarUInt()
                let clock = try decoder.readVarUInt()
                raw.append((client, clock, try decoder.readVarString()))
            }
            guard decoder.isAtEnd else {
                throw DecodingError.malformed(
                    "\(decoder.remaining) unexpected bytes after the awareness update")
            }
        } catch {
            throw .decoding(error)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(raw.count)
        for (client, clock, json) in raw {
            let state: YAny?
            if json.isEmpty {
                state = nil
            } else {
                do throws(JSON.ParseError) {
                    state = try JSON.parse(json)
                } catch {
                    throw .invalidState(client: client, error)
                }
            }
            entries.append(Entry(clientID: client, clock: clock, state: state))
        }
        self.entries = entries
    }

    /// The update's bytes, states written with ``JSON/stringify(_:)`` as JavaScript would.
    public func encoded() -> [UInt8] {
        var encoder = Lib0Encoder(reservingCapacity: 16 + entries.count * 32)
        encoder.writeVarUInt(entries.count)
        for entry in entries {
            encoder.writeVarUInt(entry.clientID)
            encoder.writeVarUInt(entry.clock)
            encoder.writeVarString(entry.state.map(JSON.stringify) ?? "null")
        }
        return encoder.bytes
    }
}

/// What one awareness operation changed, by client id.
public struct AwarenessChanges: Hashable, Sendable {
    /// Clients that now have a state and had none (new, or back online).
    public var added: [ClientID] = []
    /// Clients whose state changed.
    public var updated: [ClientID] = []
    /// Clients that had a state and now have none (offline, removed, timed out).
    public var removed: [ClientID] = []
    /// Clients whose clock advanced with the same state: a keep-alive.
    public var renewed: [ClientID] = []
    /// A peer announced our own client offline while we are present: we kept our state and moved
    /// our clock past theirs. Send ``Awareness/encodeUpdate(clients:)`` of our id to correct them.
    public var reassertedLocalState = false

    public init() {}

    /// Whether nothing was applied at all.
    public var isEmpty: Bool {
        added.isEmpty && updated.isEmpty && removed.isEmpty && renewed.isEmpty && !reassertedLocalState
    }

    /// Whether the set of states changed (what a presence display cares about).
    public var hasStateChanges: Bool { !(added.isEmpty && updated.isEmpty && removed.isEmpty) }

    /// Every client whose entry should be sent on to other peers: the changed and renewed ones, and
    /// our own after a reassertion — what y-protocols providers broadcast after an awareness update.
    public var changedClients: [ClientID] {
        added + updated + renewed + removed
    }

    fileprivate mutating func record(
        _ client: ClientID, before: YAny?, after: YAny?, reasserted: Bool = false
    ) {
        if reasserted {
            reassertedLocalState = true
            Self.append(client, to: &renewed)
            return
        }
        switch (before, after) {
        case (nil, nil): break
        case (nil, _?): Self.append(client, to: &added)
        case (_?, nil): Self.append(client, to: &removed)
        case (let old?, let new?):
            if old == new { Self.append(client, to: &renewed) } else { Self.append(client, to: &updated) }
        }
    }

    private static func append(_ client: ClientID, to list: inout [ClientID]) {
        if !list.contains(client) { list.append(client) }
    }
}

/// The awareness states of every client this peer knows about, with y-protocols' rules for
/// applying, timing out and renewing them.
///
/// Not thread-safe; keep it with its connection or room, like ``Doc``.
public final class Awareness {
    /// What is known about a client besides its state.
    public struct Meta: Hashable, Sendable {
        /// The newest clock seen (kept after the client leaves, so a stale state cannot come back).
        public var clock: UInt64
        /// When that clock was last applied.
        public var lastUpdated: Duration
    }

    /// The origin observers see for changes made through ``setLocalState(_:now:)``.
    public static let localOrigin = "local"
    /// The origin observers see for removals by ``removeOutdated(now:)``.
    public static let timeoutOrigin = "timeout"

    /// Our own client id (normally the document's).
    public let clientID: ClientID
    /// How long a remote client stays without news before it is dropped; our own state is renewed
    /// after half of it. y-protocols and pycrdt use 30 seconds.
    public let outdatedTimeout: Duration
    /// The state of every client that is present, ours included (when we are present).
    public private(set) var states: [ClientID: YAny] = [:]
    /// Clock and time of the last update of every client ever seen.
    public private(set) var meta: [ClientID: Meta] = [:]
    private var observers = ObserverList<(changes: AwarenessChanges, origin: AnyHashable?)>()

    /// An awareness for `clientID` whose local state starts as `{}` with clock 0, as in y-protocols.
    ///
    /// Peers ignore a client's first state at clock 0, so set the real state with
    /// ``setLocalState(_:now:)`` (clock 1) before announcing it. A peer that shows no presence (a
    /// relay, a deploy) sets `nil`.
    public init(clientID: ClientID, now: Duration, outdatedTimeout: Duration = .seconds(30)) {
        self.clientID = clientID
        self.outdatedTimeout = outdatedTimeout
        states[clientID] = .object(YObject())
        meta[clientID] = Meta(clock: 0, lastUpdated: now)
    }

    /// An awareness for `doc`'s client.
    public convenience init(doc: Doc, now: Duration, outdatedTimeout: Duration = .seconds(30)) {
        self.init(clientID: doc.clientID, now: now, outdatedTimeout: outdatedTimeout)
    }

    /// Our own state, or nil when we are offline.
    public var localState: YAny? { states[clientID] }

    /// The clock of a client, if it was ever seen.
    public func clock(of client: ClientID) -> UInt64? { meta[client]?.clock }

    /// Calls `body` with every non-empty change and the origin that caused it.
    @discardableResult
    public func observe(
        _ body: @escaping (_ changes: AwarenessChanges, _ origin: AnyHashable?) -> Void
    )
        -> Subscription
    {
        let id = observers.add { body($0.changes, $0.origin) }
        return Subscription { [weak self] in self?.observers.remove(id) }
    }

    private func notify(_ changes: AwarenessChanges, origin: AnyHashable?) {
        if !changes.isEmpty { observers.call((changes, origin)) }
    }

    /// The clock after `clock`, stopping at 2^53 - 1 so that every clock we send stays readable by
    /// JavaScript peers (and by our own decoder), whatever a peer sent us.
    private static func next(_ clock: UInt64) -> UInt64 {
        min(clock + 1, Lib0Decoder.maxSafeInteger)
    }

    // MARK: Local state

    /// Sets our state and increments our clock; `nil` (or JSON null) announces that we are offline.
    ///
    /// Send ``encodeUpdate(clients:)`` with our id afterwards to tell the peers.
    @discardableResult
    public func setLocalState(_ state: YAny?, now: Duration) -> AwarenessChanges {
        let state = AwarenessUpdate.Entry.normalized(state)
        let previous = states[clientID]
        let clock = meta[clientID].map { Self.next($0.clock) } ?? 0
        states[clientID] = state
        meta[clientID] = Meta(clock: clock, lastUpdated: now)
        var changes = AwarenessChanges()
        changes.record(clientID, before: previous, after: state)
        notify(changes, origin: AnyHashable(Self.localOrigin))
        return changes
    }

    /// Sets one field of our state (an object); does nothing when we are offline or the state is not
    /// an object.
    @discardableResult
    public func setLocalStateField(_ key: String, _ value: YAny, now: Duration) -> AwarenessChanges {
        guard case .object(var object) = localState else { return AwarenessChanges() }
        object[key] = value
        return setLocalState(.object(object), now: now)
    }

    /// Whether our state is due to be re-sent so peers do not time us out (half the timeout has
    /// passed since it was last set).
    public func needsRenewal(now: Duration) -> Bool {
        guard localState != nil, let own = meta[clientID] else { return false }
        return now - own.lastUpdated >= outdatedTimeout / 2
    }

    /// Re-sets our unchanged state with the next clock; send ``encodeUpdate(clients:)`` of our id.
    @discardableResult
    public func renewLocalState(now: Duration) -> AwarenessChanges {
        guard let state = localState else { return AwarenessChanges() }
        return setLocalState(state, now: now)
    }

    // MARK: Remote states

    /// Removes the states of remote clients not heard from within ``outdatedTimeout``. Their clocks
    /// are kept. Observers see the origin ``timeoutOrigin``. Run it every few seconds (y-protocols
    /// checks every tenth of the timeout).
    @discardableResult
    public func removeOutdated(now: Duration) -> AwarenessChanges {
        let outdated = meta.compactMap { client, meta in
            client != clientID && states[client] != nil && now - meta.lastUpdated >= outdatedTimeout
                ? client : nil
        }
        return remove(clients: outdated.sorted(), origin: AnyHashable(Self.timeoutOrigin), now: now)
    }

    /// Removes the states of `clients` (for example those a closed connection announced). Removing
    /// our own state increments our clock, as going offline does.
    @discardableResult
    public func remove(clients: [ClientID], origin: AnyHashable?, now: Duration) -> AwarenessChanges {
        var changes = AwarenessChanges()
        for client in clients {
            guard let previous = states.removeValue(forKey: client) else { continue }
            if client == clientID {
                meta[client] = Meta(clock: Self.next(meta[client]?.clock ?? 0), lastUpdated: now)
            }
            changes.record(client, before: previous, after: nil)
        }
        notify(changes, origin: origin)
        return changes
    }

    // MARK: Encoding and applying

    /// An update with the current entries of `clients` (a client without a state is sent as
    /// `null`, i.e. offline). Clients never seen are left out.
    public func encodeUpdate(clients: [ClientID]) -> [UInt8] {
        AwarenessUpdate(
            clients.compactMap { client in
                meta[client].map {
                    AwarenessUpdate.Entry(clientID: client, clock: $0.clock, state: states[client])
                }
            }
        ).encoded()
    }

    /// An update with every present client, for a new peer or an answer to a query-awareness
    /// message.
    public func encodeUpdate() -> [UInt8] {
        encodeUpdate(clients: states.keys.sorted())
    }

    /// Applies an encoded awareness update from a peer.
    ///
    /// - Throws: ``AwarenessError`` when the bytes are not a valid update; nothing is applied then.
    @discardableResult
    public func apply(
        update: [UInt8], origin: AnyHashable? = nil, now: Duration
    ) throws(AwarenessError)
        -> AwarenessChanges
    {
        apply(try AwarenessUpdate(decoding: update), origin: origin, now: now)
    }

    /// Applies a decoded awareness update with y-protocols' rules: an entry wins when its clock is
    /// newer than the one we know, or equal with a `null` state for a client that is present (so
    /// "offline" wins a tie). A peer cannot take our own live state away: when one says we are
    /// offline, we keep our state, move our clock one past theirs and report
    /// ``AwarenessChanges/reassertedLocalState`` so the caller re-announces us.
    @discardableResult
    public func apply(
        _ update: AwarenessUpdate, origin: AnyHashable? = nil, now: Duration
    ) -> AwarenessChanges {
        var changes = AwarenessChanges()
        for entry in update.entries {
            let client = entry.clientID
            let incoming = AwarenessUpdate.Entry.normalized(entry.state)
            let known = meta[client]?.clock ?? 0
            let previous = states[client]
            let newer = known < entry.clock
            let offlineTie = known == entry.clock && incoming == nil && previous != nil
            guard newer || offlineTie else { continue }
            var clock = entry.clock
            var reasserted = false
            if let incoming {
                states[client] = incoming
            } else if client == clientID, previous != nil {
                // Never let a peer take our live state away: outbid its clock instead.
                clock = Self.next(clock)
                reasserted = true
            } else {
                states[client] = nil
            }
            meta[client] = Meta(clock: clock, lastUpdated: now)
            changes.record(client, before: previous, after: states[client], reasserted: reasserted)
        }
        notify(changes, origin: origin)
        return changes
    }
}
