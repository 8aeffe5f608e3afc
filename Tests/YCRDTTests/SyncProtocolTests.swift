import Testing

@testable import YCRDT

/// y-protocols framing (reference §3.1, verified bytes of §3.3/§3.4) and the ``SyncSession`` state machine.
@Suite struct SyncProtocolTests {
    /// The full update after deleting "h" from the §1.6 example (§3.4), 54 bytes.
    static let fullUpdateAfterDelete =
        "010501000701046a6f627301280001000269640177016128000100046e616d6501770178010104626f64790184010301690101010301"

    /// The §1.6 example document with "h" deleted (client 1).
    static func exampleDocument() throws -> Doc {
        let doc = Doc(clientID: 1)
        try doc.array("jobs").insert([.map(["id": "a", "name": "x"])], at: 0)
        try doc.text("body").insert("hi", atUTF16: 0)
        try doc.text("body").delete(atUTF16: 0, count: 1)
        return doc
    }

    // MARK: Verified bytes

    @Test func syncStep1OfAnEmptyDocumentIsTheReferenceBytes() throws {
        let session = SyncSession(doc: Doc(clientID: 1))
        let messages = session.start()
        #expect(messages == [.sync(.step1(stateVector: [0]))])
        #expect(messages.map { hex($0.encoded()) } == ["00000100"])
        #expect(try ProtocolMessage.decode(bytes(hex: "00000100")) == .sync(.step1(stateVector: [0])))
        #expect(session.hasSentStep1)
    }

    @Test func syncStep2ReplyIsTheReferenceBytes() throws {
        let session = SyncSession(doc: try Self.exampleDocument())
        let replies = try session.receive(.step1(stateVector: [0]))
        #expect(replies.map { hex($0.encoded()) } == ["000136" + Self.fullUpdateAfterDelete])
        #expect(!session.hasSentStep1, "a client does not answer a step 1 with its own")
    }

    @Test func updateMessageIsTheReferenceBytes() throws {
        let doc = try Self.exampleDocument()
        let session = SyncSession(doc: doc)
        var sent: [ProtocolMessage] = []
        let subscription = session.forwardUpdates { sent.append($0) }
        defer { subscription.cancel() }
        try doc.text("body").insert("!", atUTF16: 1)
        #expect(sent.map { hex($0.encoded()) } == ["00020a01010105840104012100"])
        #expect(
            try ProtocolMessage.decode(bytes(hex: "00020a01010105840104012100"))
                == .sync(.update(bytes(hex: "01010105840104012100"))))
    }

    @Test func awarenessMessageIsTheReferenceBytes() throws {
        let payload = "010101257b2275736572223a7b226e616d65223a22416e6e227d2c22637572736f72223a6e756c6c7d"
        let awareness = Awareness(clientID: 1, now: .zero)
        awareness.setLocalState(["user": ["name": "Ann"], "cursor": nil], now: .zero)
        let update = awareness.encodeUpdate(clients: [1])
        #expect(hex(update) == payload)
        #expect(hex(ProtocolMessage.awareness(update).encoded()) == "0129" + payload)
        #expect(try ProtocolMessage.decode(bytes(hex: "0129" + payload)) == .awareness(bytes(hex: payload)))

        awareness.setLocalState(nil, now: .zero)
        #expect(hex(awareness.encodeUpdate(clients: [1])) == "010102046e756c6c")
    }

    @Test func authAndQueryAwarenessRoundTrip() throws {
        let denied = ProtocolMessage.auth(permissionDenied: "viewer: read only")
        let encoded = denied.encoded()
        #expect(Array(encoded.prefix(3)) == [2, 0, 17])
        #expect(try ProtocolMessage.decode(encoded) == denied)
        #expect(ProtocolMessage.queryAwareness.encoded() == [3])
        #expect(try ProtocolMessage.decode([3]) == .queryAwareness)
    }

    @Test func unknownOuterTypesAreKeptWhole() throws {
        // Weft's control messages (type 16) travel in the same frames.
        let control: [UInt8] = [16, 2, 0x7B, 0x7D]
        let message = try ProtocolMessage.decode(control)
        #expect(message == .unknown(type: 16, payload: [2, 0x7B, 0x7D]))
        #expect(message.encoded() == control)
        // A multi-byte type varint.
        #expect(try ProtocolMessage.decode([0x80, 0x01]) == .unknown(type: 128, payload: []))
    }

    // MARK: Hostile input

    @Test func everyTruncationOfAValidMessageThrows() throws {
        let doc = try Self.exampleDocument()
        let messages: [ProtocolMessage] = [
            .sync(.step1(stateVector: doc.encodeStateVector())),
            .sync(.step2(update: doc.encodeStateAsUpdate())),
            .sync(.update(bytes(hex: "01010105840104012100"))),
            .awareness(bytes(hex: "010102046e756c6c")),
            .auth(permissionDenied: "no"),
        ]
        for message in messages {
            let encoded = message.encoded()
            for length in 0..<encoded.count {
                #expect(throws: DecodingError.self, "\(message) cut to \(length) bytes") {
                    try ProtocolMessage.decode(Array(encoded.prefix(length)))
                }
            }
            #expect(try ProtocolMessage.decode(encoded) == message)
        }
    }

    @Test func malformedMessagesThrowTypedErrors() {
        #expect(throws: DecodingError.unexpectedEnd(offset: 0)) { try ProtocolMessage.decode([]) }
        #expect(throws: DecodingError.unknownTag(offset: 1, tag: 3, context: "sync message")) {
            try ProtocolMessage.decode([0, 3, 0])
        }
        #expect(throws: DecodingError.unknownTag(offset: 1, tag: 1, context: "auth message")) {
            try ProtocolMessage.decode([2, 1, 0])
        }
        // A length that claims gigabytes.
        #expect(throws: DecodingError.lengthTooLarge(offset: 2, claimed: 0xFFFF_FFFF)) {
            try ProtocolMessage.decode([0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0])
        }
        #expect(throws: DecodingError.integerOverflow(offset: 0)) {
            try ProtocolMessage.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        }
        #expect(throws: DecodingError.self, "trailing bytes") { try ProtocolMessage.decode([0, 0, 1, 0, 9]) }
        #expect(throws: DecodingError.self, "trailing bytes") { try ProtocolMessage.decode([3, 0]) }
    }

    @Test func invalidPayloadsThrowAndLeaveTheDocumentUnchanged() throws {
        let doc = try Self.exampleDocument()
        let before = doc.encodeStateAsUpdate()
        let session = SyncSession(doc: doc)
        #expect(throws: SyncError.decoding(.lengthTooLarge(offset: 0, claimed: 1))) {
            try session.receive(.step1(stateVector: [1]))
        }
        #expect(throws: SyncError.self) { try session.receive(.step2(update: [1, 1, 2])) }
        #expect(throws: SyncError.self) { try session.receive(.update([0xFF])) }
        // The first half of a valid update.
        let update = bytes(hex: "01010105840104012100")
        #expect(throws: SyncError.self) { try session.receive(.update(Array(update.prefix(5)))) }
        #expect(!session.isSynced)
        #expect(doc.encodeStateAsUpdate() == before)
    }

    // MARK: Sessions

    /// Delivers messages between two sessions until both are quiet; returns how many were delivered.
    @discardableResult
    static func pump(
        _ first: SyncSession, _ firstOutbox: inout [ProtocolMessage],
        _ second: SyncSession, _ secondOutbox: inout [ProtocolMessage]
    ) throws -> Int {
        var delivered = 0
        while !firstOutbox.isEmpty || !secondOutbox.isEmpty {
            let toSecond = firstOutbox
            firstOutbox.removeAll()
            for message in toSecond {
                delivered += 1
                secondOutbox += try #require(try second.receive(ProtocolMessage.decode(message.encoded())))
            }
            let toFirst = secondOutbox
            secondOutbox.removeAll()
            for message in toFirst {
                delivered += 1
                firstOutbox += try #require(try first.receive(ProtocolMessage.decode(message.encoded())))
            }
        }
        return delivered
    }

    static func makeConcurrentEdits() throws -> (Doc, Doc) {
        let alice = Doc(clientID: 100)
        let bob = Doc(clientID: 200)
        try alice.map("workflow").set("name", "Alice's")
        try alice.array("jobs").append([
            .map(["id": "j1", "name": "fetch", "body": .text("fn(s => s) // é")])
        ])
        try alice.text("notes").insert("Hello 😀", atUTF16: 0)
        try bob.map("workflow").set("name", "Bob's")
        try bob.map("workflow").set("lock_version", 4)
        try bob.array("jobs").append([.map(["id": "j2", "name": "post", "body": .text("post('x')")])])
        try bob.text("notes").insert("Hi", atUTF16: 0)
        try bob.text("notes").delete(atUTF16: 0, count: 1)
        return (alice, bob)
    }

    @Test func concurrentEditsConvergeThroughTheHandshake() throws {
        let (alice, bob) = try Self.makeConcurrentEdits()
        let client = SyncSession(doc: alice, options: .client)
        let server = SyncSession(doc: bob, options: .server)

        var toServer = client.start()
        var toClient: [ProtocolMessage] = []
        // client step 1 -> server step 2 + step 1 -> client step 2.
        #expect(try Self.pump(client, &toServer, server, &toClient) == 4)
        #expect(client.isSynced)
        #expect(server.isSynced)
        #expect(server.hasSentStep1)

        #expect(alice.encodeStateAsUpdate() == bob.encodeStateAsUpdate())
        #expect(alice.encodeStateVector() == bob.encodeStateVector())
        #expect(alice.map("workflow").json == ["name": "Bob's", "lock_version": 4])
        #expect(alice.array("jobs").count == 2)
        #expect(alice.text("notes").string == bob.text("notes").string)
        #expect(alice.text("notes").string == "Hello 😀i")
    }

    @Test func bothSidesStartingAlsoConverges() throws {
        let (alice, bob) = try Self.makeConcurrentEdits()
        let first = SyncSession(doc: alice, options: .server)
        let second = SyncSession(doc: bob, options: .server)
        var fromFirst = first.start()
        var fromSecond = second.start()
        // Each step 1 gets only a step 2: both sides already sent theirs.
        #expect(try Self.pump(first, &fromFirst, second, &fromSecond) == 4)
        #expect(first.isSynced && second.isSynced)
        #expect(alice.encodeStateAsUpdate() == bob.encodeStateAsUpdate())
    }

    @Test func updatesFlowAfterTheHandshakeWithoutEchoes() throws {
        let (alice, bob) = try Self.makeConcurrentEdits()
        let client = SyncSession(doc: alice, options: .client, origin: "bob's connection")
        let server = SyncSession(doc: bob, options: .server)
        var toServer: [ProtocolMessage] = []
        var toClient: [ProtocolMessage] = []
        let clientForward = client.forwardUpdates { toServer.append($0) }
        let serverForward = server.forwardUpdates { toClient.append($0) }
        defer {
            clientForward.cancel()
            serverForward.cancel()
        }

        toServer += client.start()
        try Self.pump(client, &toServer, server, &toClient)
        // What each side applied from the other was not sent back.
        #expect(toServer.isEmpty && toClient.isEmpty)

        var appliedOrigins: [AnyHashable?] = []
        alice.observeUpdates { _, transaction in appliedOrigins.append(transaction.origin) }
        try bob.text("notes").insert("!", atUTF16: 0)
        #expect(toClient.count == 1)
        try Self.pump(client, &toServer, server, &toClient)
        #expect(appliedOrigins == ["bob's connection"])
        #expect(client.origin == AnyHashable("bob's connection"))
        #expect(alice.text("notes").string == "!Hello 😀i")

        try alice.array("jobs").delete(at: 0)
        #expect(toServer.count == 1)
        try Self.pump(client, &toServer, server, &toClient)
        #expect(alice.encodeStateAsUpdate() == bob.encodeStateAsUpdate())

        // A change from a third party (another connection, the relay's reconciler) is forwarded.
        let third = Doc(clientID: 300)
        try third.applyUpdate(bob.encodeStateAsUpdate())
        try third.map("workflow").set("name", "third")
        let update = third.encodeStateAsUpdate(since: bob.stateVector)
        try bob.applyUpdate(update, origin: "another connection")
        #expect(toClient.map(\.type) == [ProtocolMessage.MessageType.sync])
        try Self.pump(client, &toServer, server, &toClient)
        #expect(alice.map("workflow")["name"]?.json == "third")
        #expect(alice.encodeStateAsUpdate() == bob.encodeStateAsUpdate())
    }

    @Test func emptyUpdatesAreIgnored() throws {
        let doc = Doc(clientID: 5)
        var transactions = 0
        doc.observeAfterTransaction { _ in transactions += 1 }
        let session = SyncSession(doc: doc)
        #expect(try session.receive(.update([0, 0])).isEmpty)
        #expect(transactions == 0)
        #expect(try session.receive(.step2(update: [0, 0])).isEmpty)
        #expect(session.isSynced)
        #expect(transactions == 0)
    }

    @Test func serverSendsItsOwnStep1OnlyOnce() throws {
        let server = SyncSession(doc: Doc(clientID: 1), options: .server)
        let first = try server.receive(.step1(stateVector: [0]))
        #expect(first.map(\.description) == ["sync step 2 (2 bytes)", "sync step 1 (1 bytes)"])
        let second = try server.receive(.step1(stateVector: [0]))
        #expect(second == [.sync(.step2(update: [0, 0]))])
        #expect(try server.receive(.awareness([0])) == nil, "awareness is the connection's business")
    }

    // MARK: Read-only

    @Test func readOnlySessionRefusesChanges() throws {
        let relayDoc = try Self.exampleDocument()
        let viewerDoc = Doc(clientID: 42)
        let relay = SyncSession(doc: relayDoc, options: .readOnlyServer)
        let viewer = SyncSession(doc: viewerDoc, options: .client)

        // A viewer with nothing of its own syncs: its step 2 carries our delete set, nothing new.
        var toRelay = viewer.start()
        var toViewer: [ProtocolMessage] = []
        try Self.pump(viewer, &toRelay, relay, &toViewer)
        #expect(viewer.isSynced && relay.isSynced)
        #expect(viewerDoc.encodeStateAsUpdate() == relayDoc.encodeStateAsUpdate())

        let before = relayDoc.encodeStateAsUpdate()
        var updates: [[UInt8]] = []
        viewerDoc.observeUpdates { update, _ in updates.append(update) }
        try viewerDoc.text("body").insert("!", atUTF16: 0)  // new structs
        try viewerDoc.array("jobs").delete(at: 0)  // a delete of something that exists
        #expect(updates.count == 2)
        for update in updates {
            #expect(throws: SyncError.readOnly(refused: .update)) { try relay.receive(.update(update)) }
        }
        #expect(throws: SyncError.readOnly(refused: .step2)) {
            try relay.receive(.step2(update: viewerDoc.encodeStateAsUpdate()))
        }
        #expect(relayDoc.encodeStateAsUpdate() == before)

        // Updates the relay already has are harmless.
        #expect(try relay.receive(.update(before)).isEmpty)
        #expect(try relay.receive(.update([0, 0])).isEmpty)
        // Reading still works: the viewer's step 1 is answered.
        #expect(try relay.receive(.step1(stateVector: [0])) == [.sync(.step2(update: before))])
    }

    @Test func readOnlyRefusesDeletesOfUnseenClocks() throws {
        let relay = SyncSession(doc: try Self.exampleDocument(), options: .readOnlyServer)
        // client 1, one range at clock 10 (the relay has clocks 0..<6).
        #expect(throws: SyncError.readOnly(refused: .update)) {
            try relay.receive(.update([0, 1, 1, 1, 10, 1]))
        }
        // client 1, clock 3 is the deleted "h": nothing new.
        #expect(try relay.receive(.update([0, 1, 1, 1, 3, 1])).isEmpty)
        // clocks 3..<5 include the live "i".
        #expect(throws: SyncError.readOnly(refused: .update)) {
            try relay.receive(.update([0, 1, 1, 1, 3, 2]))
        }
    }
}
