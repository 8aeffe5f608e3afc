import Testing

@testable import YCRDT

/// The awareness protocol's rules (y-protocols `awareness.js`, reference §3.1/§3.2) with time passed in.
@Suite struct AwarenessTests {
    static let ann: YAny = ["user": ["name": "Ann", "color": "#f80"], "cursor": nil]
    static let bob: YAny = ["user": ["name": "Bob"]]

    /// An update carrying one entry.
    static func update(_ client: ClientID, clock: UInt64, _ state: YAny?) -> [UInt8] {
        AwarenessUpdate([.init(clientID: client, clock: clock, state: state)]).encoded()
    }

    @Test func localStateStartsAsAnEmptyObjectAtClockZero() {
        let awareness = Awareness(clientID: 1, now: .zero)
        #expect(awareness.localState == .object(YObject()))
        #expect(awareness.clock(of: 1) == 0)

        let changes = awareness.setLocalState(Self.ann, now: .seconds(1))
        #expect(changes.updated == [1])
        #expect(awareness.clock(of: 1) == 1)
        #expect(awareness.setLocalState(Self.ann, now: .seconds(2)).renewed == [1])
        #expect(awareness.clock(of: 1) == 2)

        let offline = awareness.setLocalState(nil, now: .seconds(3))
        #expect(offline.removed == [1])
        #expect(awareness.localState == nil)
        #expect(awareness.states.isEmpty)
        #expect(awareness.clock(of: 1) == 3)
        #expect(awareness.setLocalState(Self.bob, now: .seconds(4)).added == [1])
        // JSON null is "offline" too.
        #expect(awareness.setLocalState(.null, now: .seconds(5)).removed == [1])
        #expect(hex(awareness.encodeUpdate(clients: [1])) == "010105046e756c6c")
    }

    @Test func setLocalStateFieldEditsTheObject() {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalStateField("cursor", ["job": "j1", "anchor": 3], now: .zero)
        #expect(awareness.localState == ["cursor": ["job": "j1", "anchor": 3]])
        awareness.setLocalState(nil, now: .zero)
        #expect(awareness.setLocalStateField("cursor", nil, now: .zero).isEmpty)
        #expect(awareness.localState == nil)
    }

    @Test func newerClocksWinOlderAndEqualOnesAreIgnored() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        // A client's first state at clock 0 is ignored, as y-protocols and pycrdt do.
        #expect(try awareness.apply(update: Self.update(2, clock: 0, Self.bob), now: .zero).isEmpty)
        #expect(awareness.states[2] == nil)

        #expect(try awareness.apply(update: Self.update(2, clock: 3, Self.bob), now: .zero).added == [2])
        #expect(awareness.states[2] == Self.bob)
        #expect(try awareness.apply(update: Self.update(2, clock: 3, Self.ann), now: .zero).isEmpty)
        #expect(try awareness.apply(update: Self.update(2, clock: 2, Self.ann), now: .zero).isEmpty)
        #expect(awareness.states[2] == Self.bob)

        #expect(try awareness.apply(update: Self.update(2, clock: 4, Self.ann), now: .zero).updated == [2])
        #expect(try awareness.apply(update: Self.update(2, clock: 5, Self.ann), now: .zero).renewed == [2])
        #expect(awareness.clock(of: 2) == 5)
    }

    @Test func nullMeansOfflineAndWinsATie() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        try awareness.apply(update: Self.update(2, clock: 5, Self.bob), now: .zero)
        // An older null loses.
        #expect(try awareness.apply(update: Self.update(2, clock: 4, nil), now: .zero).isEmpty)
        // An equal clock with null wins the tie.
        let changes = try awareness.apply(update: Self.update(2, clock: 5, nil), now: .zero)
        #expect(changes.removed == [2])
        #expect(changes.changedClients == [2])
        #expect(awareness.states[2] == nil)
        #expect(awareness.clock(of: 2) == 5)
        // Once removed, a null at the same clock is no news; the stale state cannot come back.
        #expect(try awareness.apply(update: Self.update(2, clock: 5, nil), now: .zero).isEmpty)
        #expect(try awareness.apply(update: Self.update(2, clock: 5, Self.bob), now: .zero).isEmpty)
        // Back online with a newer clock.
        #expect(try awareness.apply(update: Self.update(2, clock: 6, Self.bob), now: .zero).added == [2])
    }

    @Test func aRemoteNullForOurLiveStateIsReasserted() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(Self.ann, now: .zero)  // clock 1
        let changes = try awareness.apply(update: Self.update(1, clock: 7, nil), now: .seconds(1))
        #expect(changes.reassertedLocalState)
        #expect(changes.removed.isEmpty)
        #expect(changes.changedClients == [1])
        #expect(awareness.localState == Self.ann)
        #expect(awareness.clock(of: 1) == 8)
        // What we send to correct the peers: our state with the clock past theirs.
        let correction = try AwarenessUpdate(decoding: awareness.encodeUpdate(clients: [1]))
        #expect(correction.entries == [.init(clientID: 1, clock: 8, state: Self.ann)])

        // When we are offline ourselves, a null is simply applied.
        awareness.setLocalState(nil, now: .zero)  // clock 9
        let offline = try awareness.apply(update: Self.update(1, clock: 10, nil), now: .zero)
        #expect(!offline.reassertedLocalState)
        #expect(awareness.clock(of: 1) == 10)
    }

    @Test func remoteStatesTimeOutAfterThirtySeconds() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(Self.ann, now: .zero)
        try awareness.apply(update: Self.update(2, clock: 1, Self.bob), now: .seconds(10))
        try awareness.apply(update: Self.update(3, clock: 1, Self.bob), now: .seconds(20))

        #expect(awareness.removeOutdated(now: .milliseconds(39_999)).isEmpty)
        var origins: [AnyHashable?] = []
        let subscription = awareness.observe { _, origin in origins.append(origin) }
        defer { subscription.cancel() }
        let changes = awareness.removeOutdated(now: .seconds(40))
        #expect(changes.removed == [2])
        #expect(origins == [AnyHashable(Awareness.timeoutOrigin)])
        #expect(awareness.states.keys.sorted() == [1, 3])

        // A renewal keeps a client present.
        try awareness.apply(update: Self.update(3, clock: 2, Self.bob), now: .seconds(45))
        #expect(awareness.removeOutdated(now: .seconds(70)).isEmpty)
        #expect(awareness.removeOutdated(now: .seconds(75)).removed == [3])

        // Our own state never times out here; renewal keeps it alive at the peers.
        #expect(awareness.localState == Self.ann)
        #expect(awareness.clock(of: 2) == 1, "the clock is remembered after removal")
        #expect(try awareness.apply(update: Self.update(2, clock: 1, Self.bob), now: .seconds(80)).isEmpty)
    }

    @Test func ourStateNeedsRenewalAfterFifteenSeconds() {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(Self.ann, now: .seconds(100))
        #expect(!awareness.needsRenewal(now: .milliseconds(114_999)))
        #expect(awareness.needsRenewal(now: .seconds(115)))
        let changes = awareness.renewLocalState(now: .seconds(115))
        #expect(changes.renewed == [1])
        #expect(awareness.clock(of: 1) == 2)
        #expect(!awareness.needsRenewal(now: .seconds(129)))

        awareness.setLocalState(nil, now: .seconds(130))
        #expect(!awareness.needsRenewal(now: .seconds(1000)), "an offline client has nothing to renew")
        #expect(awareness.renewLocalState(now: .seconds(1000)).isEmpty)

        let quick = Awareness(clientID: 1, now: .zero, outdatedTimeout: .seconds(2))
        #expect(quick.needsRenewal(now: .seconds(1)))
    }

    @Test func removingClientsAndOurOwnState() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(Self.ann, now: .zero)
        awareness.apply(AwarenessUpdate([.init(clientID: 2, clock: 4, state: Self.bob)]), now: .zero)
        let changes = awareness.remove(clients: [2, 9, 1], origin: "closed connection", now: .seconds(1))
        #expect(changes.removed == [2, 1])
        #expect(awareness.clock(of: 1) == 2)
        #expect(awareness.clock(of: 2) == 4)
        // The announcement of the removal: both as null, with their clocks; unknown clients left out.
        #expect(
            try AwarenessUpdate(decoding: awareness.encodeUpdate(clients: [2, 1, 9])).entries == [
                .init(clientID: 2, clock: 4, state: nil), .init(clientID: 1, clock: 2, state: nil),
            ])
    }

    @Test func observersSeeChangesAndTheirOrigin() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        var seen: [(AwarenessChanges, AnyHashable?)] = []
        let subscription = awareness.observe { seen.append(($0, $1)) }
        awareness.setLocalState(Self.ann, now: .zero)
        try awareness.apply(update: Self.update(2, clock: 1, Self.bob), origin: "conn-7", now: .zero)
        // The same again is no news: observers are not called.
        try awareness.apply(update: Self.update(2, clock: 1, Self.bob), origin: "conn-7", now: .zero)
        subscription.cancel()
        awareness.setLocalState(nil, now: .zero)
        #expect(seen.count == 2)
        #expect(seen.map(\.1) == [AnyHashable(Awareness.localOrigin), AnyHashable("conn-7")])
        #expect(seen.map(\.0.added) == [[], [2]])
    }

    @Test func encodeUpdateOfAllPresentClients() throws {
        let awareness = Awareness(clientID: 5, now: .zero)
        awareness.setLocalState(Self.ann, now: .zero)
        try awareness.apply(update: Self.update(3, clock: 2, Self.bob), now: .zero)
        try awareness.apply(update: Self.update(4, clock: 2, nil), now: .zero)
        let all = try AwarenessUpdate(decoding: awareness.encodeUpdate())
        #expect(all.entries.map(\.clientID) == [3, 5])

        let copy = Awareness(clientID: 9, now: .zero)
        #expect(try copy.apply(update: awareness.encodeUpdate(), now: .zero).added == [3, 5])
        #expect(copy.states[5] == Self.ann)
    }

    // MARK: JSON on the wire

    @Test func statesAreJavaScriptJSONAndNonASCIIIsRawUTF8() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(["name": "Zoë"], now: .zero)
        // As Yjs writes it: 15 bytes of UTF-8.
        #expect(hex(awareness.encodeUpdate(clients: [1])) == "0101010f" + hex(Array(#"{"name":"Zoë"}"#.utf8)))
    }

    @Test func pycrdtsEscapedJSONDecodes() throws {
        // pycrdt's json.dumps escapes non-ASCII, so its character count equals its byte count.
        let escaped = #"{"user":{"name":"Zo\u00eb","emoji":"\ud83d\ude00"},"cursor":null}"#
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(UInt64(1))
        encoder.writeVarUInt(UInt64(2_000_000_000))
        encoder.writeVarUInt(UInt64(7))
        encoder.writeVarString(escaped)
        let entries = try AwarenessUpdate(decoding: encoder.bytes).entries
        #expect(
            entries == [
                .init(
                    clientID: 2_000_000_000, clock: 7,
                    state: ["user": ["name": "Zoë", "emoji": "😀"], "cursor": nil])
            ])
        // An empty string is read as null, as pycrdt reads it.
        #expect(
            try AwarenessUpdate(decoding: [1, 2, 3, 0]).entries == [.init(clientID: 2, clock: 3, state: nil)])
    }

    // MARK: Hostile input

    @Test func clocksStayReadableWhateverAPeerSends() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        let largest = UInt64(Lib0Decoder.maxSafeInteger)
        try awareness.apply(update: Self.update(1, clock: largest, Self.bob), now: .zero)
        #expect(awareness.localState == Self.bob, "a newer state for our id wins, as in y-protocols")
        awareness.setLocalState(Self.ann, now: .zero)
        #expect(awareness.clock(of: 1) == largest)
        let entries = try AwarenessUpdate(decoding: awareness.encodeUpdate(clients: [1])).entries
        #expect(entries == [.init(clientID: 1, clock: largest, state: Self.ann)])
    }

    @Test func malformedUpdatesThrowAndApplyNothing() throws {
        let awareness = Awareness(clientID: 1, now: .zero)
        let good = Self.update(2, clock: 1, Self.bob)
        for length in 0..<good.count {
            #expect(throws: AwarenessError.self, "cut to \(length) bytes") {
                try awareness.apply(update: Array(good.prefix(length)), now: .zero)
            }
        }
        // A count that claims more entries than the bytes could hold.
        #expect(throws: AwarenessError.decoding(.lengthTooLarge(offset: 0, claimed: 0xFFFF_FFFF))) {
            try awareness.apply(update: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 1, 0], now: .zero)
        }
        // A string length that claims gigabytes.
        #expect(throws: AwarenessError.decoding(.lengthTooLarge(offset: 3, claimed: 0xFFFF_FFFF))) {
            try awareness.apply(update: [1, 2, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7B], now: .zero)
        }
        #expect(throws: AwarenessError.self, "trailing bytes") {
            try awareness.apply(update: good + [0], now: .zero)
        }

        // The first entry is fine, the second is not JSON: nothing is applied.
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(UInt64(2))
        for (client, json) in [(UInt64(2), #"{"a":1}"#), (UInt64(3), #"{"a":"#)] {
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(UInt64(1))
            encoder.writeVarString(json)
        }
        #expect {
            try awareness.apply(update: encoder.bytes, now: .zero)
        } throws: { error in
            guard case .invalidState(let client, _) = error as? AwarenessError else { return false }
            return client == 3
        }
        #expect(awareness.states.keys.sorted() == [1])
        #expect(awareness.clock(of: 2) == nil)
    }
}
