import Foundation
import Testing
import WeftTestSupport
import YCRDT

/// YCRDT against a real peer: pycrdt 0.14 (yrs 0.28) from the project venv.
///
/// Each test drives one long-lived Python process (``PycrdtPeer``): Swift sends it Python code line
/// by line and reads each answer as JSON, so updates and y-protocols messages go back and forth in
/// both directions within one process. Without the venv every test fails, naming scripts/bootstrap.
///
/// pycrdt quirks the tests allow for (reference §1.8): numbers come back as floats, and pycrdt's text
/// indices count UTF-8 bytes (`u8(text, n)` in the peer converts a code-point index).
@Suite struct PycrdtInteropTests {
    static let swiftClient: ClientID = 1001
    static let pythonClient: ClientID = 2002

    // MARK: (a) a map with nested text

    @Test func mapWithNestedTextBothWays() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }

        let doc = Doc(clientID: Self.swiftClient)
        let workflow = doc.map("workflow")
        try workflow.set("id", "2f1c…")
        try workflow.set("name", "Daily sync ☕")
        try workflow.set("lock_version", 3)
        try workflow.set("body", .text("fn(state => state) // é 😀"))

        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate()))'))
            wf = doc.get('workflow', type=Map)
            """)
        #expect(try peer.eval("wf.to_py()").numbersAsDoubles == workflow.json.numbersAsDoubles)
        #expect(try peer.eval("str(wf['body'])") == "fn(state => state) // é 😀")

        // pycrdt edits the Swift-made text (after the "😀": a UTF-8 offset), adds keys and a text of its own.
        try peer.exec(
            """
            body = wf['body']
            body.insert(u8(body, 25), '!')
            body.insert(u8(body, 22), 'ü')
            wf['owner'] = 'py'
            wf['notes'] = Text('Zoë wrote this')
            """)
        let pythonUpdate = try peer.bytes("doc.get_update(h('\(toHex(doc.encodeStateVector()))'))")
        try doc.applyUpdate(pythonUpdate)
        #expect(workflow["body"]?.textValue?.string == "fn(state => state) // üé 😀!")
        #expect(workflow["notes"]?.textValue?.string == "Zoë wrote this")
        #expect(workflow.json.numbersAsDoubles == (try peer.eval("wf.to_py()")).numbersAsDoubles)

        // Swift edits the pycrdt-made text; pycrdt reads it.
        let notes = try #require(workflow["notes"]?.textValue)
        try notes.insert(" 🎉", at: notes.count)
        try notes.delete(0..<4)
        try peer.exec(
            "doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate(since: try peer.stateVector("doc"))))'))")
        #expect(try peer.eval("str(wf['notes'])") == "wrote this 🎉")
        #expect(try peer.stateVector("doc") == doc.stateVector)

        // A document pycrdt made alone decodes in Swift, and Swift writes it back byte for byte.
        try peer.exec(
            """
            solo = Doc(client_id=3003)
            solo['cfg'] = cfg = Map()
            cfg['label'] = 'a😀b'
            cfg['script'] = Text('a😀b')
            """)
        let soloUpdate = try peer.bytes("solo.get_update()")
        let solo = Doc(clientID: 4)
        try solo.applyUpdate(soloUpdate)
        #expect(solo.map("cfg").json == ["label": "a😀b", "script": "a😀b"])
        #expect(solo.stateVector == StateVector([3003: 6]), "text clocks count UTF-16 units: 'a😀b' is 4")
        #expect(solo.encodeStateAsUpdate() == soloUpdate)
    }

    // MARK: (b) an array of maps, shaped like a workflow

    @Test func workflowShapedArrayOfMapsBothWays() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }

        let doc = Doc(clientID: Self.swiftClient)
        let jobs = doc.array("jobs")
        try jobs.append([
            .map([
                "id": "j1", "name": "fetch", "body": .text("get('/items');\n"),
                "adaptor": "@openfn/language-http",
            ]),
            .map([
                "id": "j2", "name": "store", "body": .text("upsert('items', $.data) // ✓"), "enabled": true,
            ]),
        ])
        try doc.array("edges").append([.map(["id": "e1", "source_job_id": "j1", "target_job_id": "j2"])])
        try doc.map("positions").set("j1", .map(["x": 10, "y": 20.5]))

        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate()))'))
            jobs = doc.get('jobs', type=Array)
            edges = doc.get('edges', type=Array)
            positions = doc.get('positions', type=Map)
            """)
        #expect(try peer.eval("jobs.to_py()").numbersAsDoubles == jobs.json.numbersAsDoubles)
        #expect(try peer.eval("edges.to_py()") == doc.array("edges").json)
        #expect(try peer.eval("positions.to_py()") == ["j1": ["x": 10.0, "y": 20.5]])
        #expect(try peer.eval("[type(j['body']).__name__ for j in jobs]") == ["Text", "Text"])

        // pycrdt adds a job with its own Y.Text body and edits the others.
        try peer.exec(
            """
            jobs.append(Map({'id': 'j3', 'name': 'notify', 'body': Text('post("ok") // ✉'), 'adaptor': 'http'}))
            first = jobs[0]['body']
            first.insert(len(first), 'each($.items, log);\\n')
            jobs[1]['name'] = 'store (v2)'
            edges.append(Map({'id': 'e2', 'source_job_id': 'j2', 'target_job_id': 'j3', 'condition_type': 'on_job_success'}))
            """)
        try doc.applyUpdate(try peer.bytes("doc.get_update(h('\(toHex(doc.encodeStateVector()))'))"))
        #expect(jobs.count == 3)
        #expect(jobs.json.numbersAsDoubles == (try peer.eval("jobs.to_py()")).numbersAsDoubles)
        #expect(doc.array("edges").json == (try peer.eval("edges.to_py()")))
        let third = try #require(jobs[2]?.mapValue)
        #expect(third["body"]?.textValue?.string == "post(\"ok\") // ✉")

        // Swift edits the body pycrdt made and renames a job; pycrdt sees it.
        let body = try #require(third["body"]?.textValue)
        try body.insert("await ", at: 0)
        try third.set("name", "notify ✓")
        try peer.exec(
            "doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate(since: try peer.stateVector("doc"))))'))")
        #expect(try peer.eval("str(jobs[2]['body'])") == "await post(\"ok\") // ✉")
        #expect(try peer.eval("jobs.to_py()").numbersAsDoubles == jobs.json.numbersAsDoubles)
    }

    // MARK: (c) deletes on both sides

    @Test func deletesOnBothSides() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }

        let doc = Doc(clientID: Self.swiftClient)
        let jobs = doc.array("jobs")
        try jobs.append(
            ["j1", "j2", "j3", "j4"].map {
                .map(["id": .value(.string($0)), "body": .text("body of \($0)")])
            })
        let workflow = doc.map("workflow")
        try workflow.set("name", "deletes")
        try workflow.set("deleted_at", nil)
        try workflow.set("concurrency", 2)
        let text = doc.text("notes")
        try text.insert("abcdé😀fghij", at: 0)

        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate()))'))
            jobs, wf, notes = doc.get('jobs', type=Array), doc.get('workflow', type=Map), doc.get('notes', type=Text)
            """)

        // Swift deletes a job, a key and characters around the emoji.
        var swiftUpdates: [[UInt8]] = []
        let subscription = doc.observeUpdates { update, _ in swiftUpdates.append(update) }
        defer { subscription.cancel() }
        try jobs.delete(at: 1)
        try workflow.remove("deleted_at")
        try text.delete(4..<6)  // "é😀"
        let batch = swiftUpdates.map { "h('\(toHex($0))')" }.joined(separator: ", ")
        try peer.exec("for u in [\(batch)]: doc.apply_update(u)")
        #expect(try peer.eval("str(notes)") == "abcdfghij")
        #expect(try peer.eval("[j['id'] for j in jobs]") == ["j1", "j3", "j4"])
        #expect(try peer.eval("'deleted_at' in wf") == false)

        // pycrdt deletes a job, a key, a range of text and part of a job body.
        try peer.exec(
            """
            del jobs[2]
            del wf['concurrency']
            del notes[u8(notes, 1):u8(notes, 3)]
            del jobs[0]['body'][0:5]
            """)
        try doc.applyUpdate(try peer.bytes("doc.get_update(h('\(toHex(doc.encodeStateVector()))'))"))
        #expect(text.string == "adfghij")
        #expect(jobs.json == [["id": "j1", "body": "of j1"], ["id": "j3", "body": "body of j3"]])
        #expect(workflow.json == ["name": "deletes"])

        // Both hold the same deletes: the same state vector, and each one's full state reads the same.
        #expect(try peer.stateVector("doc") == doc.stateVector)
        let fresh = Doc(clientID: 5)
        try fresh.applyUpdate(try peer.bytes("doc.get_update()"))
        #expect(fresh.array("jobs").json == jobs.json)
        #expect(fresh.text("notes").string == text.string)
        try peer.exec(
            """
            fresh = Doc()
            fresh.apply_update(h('\(toHex(doc.encodeStateAsUpdate()))'))
            """)
        #expect(try peer.eval("fresh.get('jobs', type=Array).to_py()") == jobs.json)
        #expect(try peer.eval("str(fresh.get('notes', type=Text))") == "adfghij")
    }

    // MARK: (d) concurrent edits from both sides

    @Test func concurrentEditsMergeBothWays() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }

        let doc = Doc(clientID: Self.swiftClient)
        try doc.map("workflow").set("name", "base")
        try doc.array("jobs").append([.map(["id": "j1", "body": .text("line one\nline two\n")])])
        try doc.text("notes").insert("Grüße 😀 from base", at: 0)
        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc.apply_update(h('\(toHex(doc.encodeStateAsUpdate()))'))
            wf, jobs, notes = doc.get('workflow', type=Map), doc.get('jobs', type=Array), doc.get('notes', type=Text)
            updates = []
            sub = doc.observe(lambda event: updates.append(event.update))
            """)

        // Concurrently, one transaction per edit on each side.
        var swiftUpdates: [[UInt8]] = []
        let subscription = doc.observeUpdates { update, _ in swiftUpdates.append(update) }
        defer { subscription.cancel() }
        let notes = doc.text("notes")
        try notes.insert("[swift]", at: 6)
        try notes.delete(0..<2)
        try doc.map("workflow").set("name", "from swift")
        try doc.map("workflow").set("lock_version", 7)
        try doc.array("jobs").append([.map(["id": "j-swift", "body": .text("swift()")])])
        let body = try #require(doc.array("jobs")[0]?.mapValue?["body"]?.textValue)
        try body.insert("// swift\n", at: 0)
        try peer.exec(
            """
            notes.insert(u8(notes, 6), '[py]')
            del notes[u8(notes, 1):u8(notes, 4)]
            wf['name'] = 'from python'
            jobs.append(Map({'id': 'j-py', 'body': Text('py()')}))
            jobs[0]['body'].insert(u8(jobs[0]['body'], 9), '# py\\n')
            """)

        // Exchange every transaction's update, in reverse order so that both sides must hold some
        // back until what they depend on arrives.
        let pythonUpdates = try #require(try peer.eval("[u.hex() for u in updates]").arrayValue)
        #expect(pythonUpdates.count == 5)
        for update in pythonUpdates.reversed() {
            try doc.applyUpdate(try #require(update.stringValue.flatMap(fromHex)))
        }
        let batch = swiftUpdates.reversed().map { "h('\(toHex($0))')" }.joined(separator: ", ")
        try peer.exec("for u in [\(batch)]: doc.apply_update(u)")

        let expectedNotes = "e [swift][py]😀 from base"
        #expect(notes.string == expectedNotes, "lower client id first in the same gap")
        #expect(try peer.eval("str(notes)") == .string(expectedNotes))
        #expect(
            doc.map("workflow").json == ["name": "from python", "lock_version": 7], "higher client id wins")
        #expect(try peer.eval("wf.to_py()").numbersAsDoubles == doc.map("workflow").json.numbersAsDoubles)
        #expect(try peer.eval("jobs.to_py()") == doc.array("jobs").json)
        #expect(try peer.eval("str(jobs[0]['body'])") == "// swift\nline one\n# py\nline two\n")
        #expect(try peer.stateVector("doc") == doc.stateVector)
        // Nothing is left pending on either side: a diff against the other's state is empty.
        #expect(doc.encodeStateAsUpdate(since: try peer.stateVector("doc")).prefix(1) == [0])
        #expect(try peer.bytes("doc.get_update(h('\(toHex(doc.encodeStateVector()))'))").prefix(1) == [0])
    }

    // MARK: (e) the y-protocols handshake

    @Test func swiftClientSyncsWithAPycrdtServer() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }
        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc['workflow'] = wf = Map()
            wf['name'] = 'server side'
            doc['jobs'] = jobs = Array()
            jobs.append(Map({'id': 'j-py', 'body': Text('server()')}))
            sent = []
            sub = doc.observe(lambda event: sent.append(create_update_message(event.update)))
            """)
        let doc = Doc(clientID: Self.swiftClient)
        try doc.array("jobs").append([.map(["id": "j-swift", "body": .text("client() // é")])])
        let session = SyncSession(doc: doc, options: .client)
        var outbox: [ProtocolMessage] = []
        let forwarding = session.forwardUpdates { outbox.append($0) }
        defer { forwarding.cancel() }

        // Client step 1 -> the server answers step 2 and sends its own step 1.
        let step1 = try #require(session.start().first).encoded()
        #expect(step1.prefix(2) == [0, 0])
        let replies = try peer.messages("handle(doc, '\(toHex(step1))') + [create_sync_message(doc)]")
        #expect(replies.map(\.description).map { $0.hasPrefix("sync step") } == [true, true])
        var answers: [ProtocolMessage] = []
        for reply in replies { answers += try #require(try session.receive(reply)) }
        #expect(session.isSynced)
        // Our step 2 to the server.
        #expect(answers.count == 1)
        try peer.exec("assert handle(doc, '\(toHex(try #require(answers.first).encoded()))') == []")
        #expect(outbox.isEmpty, "nothing the server sent went back to it")
        try peer.exec("sent.clear()")

        #expect(try peer.eval("doc.get('jobs', type=Array).to_py()") == doc.array("jobs").json)
        #expect(try peer.stateVector("doc") == doc.stateVector)

        // Updates both ways after the handshake.
        try doc.map("workflow").set("name", "renamed by swift")
        #expect(outbox.count == 1)
        let update = try #require(outbox.first).encoded()
        outbox.removeAll()
        #expect(update.prefix(2) == [0, 2])
        try peer.exec(
            """
            assert handle(doc, '\(toHex(update))') == []
            sent.clear()
            body = doc.get('jobs', type=Array)[1]['body']
            body.insert(len(body), ' // edited by py')
            """)
        for message in try peer.messages("[m for m in sent]") {
            #expect(message.description.hasPrefix("sync update"))
            #expect(try session.receive(message) == [])
        }
        #expect(outbox.isEmpty)
        #expect(try peer.eval("doc.get('jobs', type=Array).to_py()") == doc.array("jobs").json)
        #expect(try peer.eval("wf['name']") == "renamed by swift")
        #expect(try peer.stateVector("doc") == doc.stateVector)
    }

    @Test func pycrdtClientSyncsWithASwiftServer() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }
        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            doc['notes'] = notes = Text('from the pycrdt client ✓')
            """)
        let doc = Doc(clientID: Self.swiftClient)
        try doc.text("notes").insert("Server text 😀. ", at: 0)
        try doc.map("workflow").set("lock_version", 12)
        let server = SyncSession(doc: doc, options: .server, origin: "pycrdt connection")

        // The pycrdt client opens with step 1; we answer with step 2 and our own step 1.
        let opening = try peer.messages("[create_sync_message(doc)]")
        let first = try #require(opening.first)
        let replies = try #require(try server.receive(first))
        #expect(replies.count == 2)
        guard replies.count == 2, case .sync(.step2) = replies[0], case .sync(.step1) = replies[1] else {
            Issue.record("expected step 2 then step 1, got \(replies)")
            return
        }
        // pycrdt applies our step 2 and answers our step 1 with its step 2.
        let hexes = replies.map { "'\(toHex($0.encoded()))'" }.joined(separator: ", ")
        let answers = try peer.messages("[r for m in [\(hexes)] for r in handle(doc, m)]")
        #expect(answers.count == 1)
        for answer in answers { #expect(try server.receive(answer) == []) }
        #expect(server.isSynced)

        let text = try peer.eval("str(notes)")
        #expect(text == .string(doc.text("notes").string))
        #expect(try peer.eval("doc.get('workflow', type=Map).to_py()") == ["lock_version": 12.0])
        #expect(try peer.stateVector("doc") == doc.stateVector)
    }

    // MARK: (f) awareness both ways

    @Test func awarenessBothWays() throws {
        let peer = try PycrdtPeer()
        defer { peer.close() }
        try peer.exec(
            """
            doc = Doc(client_id=\(Self.pythonClient))
            aw = Awareness(doc)
            changes = []
            aw.observe(lambda topic, event: changes.append([topic, event[0]]))
            def receive(message):
                m = h(message)
                assert m[0] == YMessageType.AWARENESS
                aw.apply_awareness_update(read_message(m[1:]), 'swift')
            """)
        let awareness = Awareness(clientID: Self.swiftClient, now: .zero)
        func send(_ clients: [ClientID]) throws {
            try peer.exec(
                "receive('\(toHex(ProtocolMessage.awareness(awareness.encodeUpdate(clients: clients)).encoded()))')"
            )
        }
        func receive(_ expression: String, now: Duration) throws -> AwarenessChanges {
            var changes = AwarenessChanges()
            for message in try peer.messages(expression) {
                guard case .awareness(let update) = message else {
                    Issue.record("expected an awareness message, got \(message)")
                    continue
                }
                changes = try awareness.apply(update: update, origin: "pycrdt", now: now)
            }
            return changes
        }

        // Swift -> pycrdt, non-ASCII as raw UTF-8.
        let swiftState: YAny = [
            "user": ["name": "Zoë 😀", "color": "#ff8800"], "cursor": ["job": "j1", "anchor": 3, "head": nil],
        ]
        awareness.setLocalState(swiftState, now: .seconds(1))
        try send([Self.swiftClient])
        #expect(
            try peer.eval("aw.states[\(Self.swiftClient)]").numbersAsDoubles == swiftState.numbersAsDoubles)
        #expect(try peer.eval("aw.meta[\(Self.swiftClient)]['clock']") == 1)
        #expect(
            try peer.eval("[c for c in changes if c[0] == 'change'][-1]") == [
                "change", ["added": [.integer(Int64(Self.swiftClient))], "updated": [], "removed": []],
            ])

        // pycrdt -> Swift: json.dumps escapes non-ASCII; both forms decode.
        try peer.exec(
            "aw.set_local_state({'user': {'name': 'Zoë', 'color': '#00aaff'}, 'cursor': {'job': 'j2', 'anchor': 4}})"
        )
        let added = try receive(
            "[create_awareness_message(aw.encode_awareness_update([doc.client_id]))]", now: .seconds(2))
        #expect(added.added == [Self.pythonClient])
        #expect(
            awareness.states[Self.pythonClient] == [
                "user": ["name": "Zoë", "color": "#00aaff"], "cursor": ["job": "j2", "anchor": 4],
            ])
        #expect(awareness.clock(of: Self.pythonClient) == 1)

        // Swift goes offline: the JSON "null" removes it at pycrdt.
        awareness.setLocalState(nil, now: .seconds(3))
        try send([Self.swiftClient])
        #expect(try peer.eval("\(Self.swiftClient) in aw.states") == false)
        #expect(try peer.eval("aw.meta[\(Self.swiftClient)]['clock']") == 2)

        // pycrdt goes offline, then comes back.
        try peer.exec("aw.set_local_state(None)")
        let removed = try receive(
            "[create_awareness_message(aw.encode_awareness_update([doc.client_id]))]", now: .seconds(4))
        #expect(removed.removed == [Self.pythonClient])
        #expect(awareness.states[Self.pythonClient] == nil)
        try peer.exec("aw.set_local_state({'user': {'name': 'Zoë'}})")
        let back = try receive(
            "[create_awareness_message(aw.encode_awareness_update([doc.client_id]))]", now: .seconds(5))
        #expect(back.added == [Self.pythonClient])
        let pythonClock = try #require(awareness.clock(of: Self.pythonClient))
        #expect(pythonClock == 3)

        // A stale "offline" for pycrdt's own live client: pycrdt keeps its state and moves its
        // clock past it; its correction renews it here.
        let stale = AwarenessUpdate([.init(clientID: Self.pythonClient, clock: pythonClock, state: nil)])
        try peer.exec("receive('\(toHex(ProtocolMessage.awareness(stale.encoded()).encoded()))')")
        #expect(try peer.eval("aw.get_local_state()") == ["user": ["name": "Zoë"]])
        #expect(try peer.eval("aw.meta[doc.client_id]['clock']") == .integer(Int64(pythonClock) + 1))
        let renewed = try receive(
            "[create_awareness_message(aw.encode_awareness_update([doc.client_id]))]", now: .seconds(6))
        #expect(renewed.renewed == [Self.pythonClient])
        #expect(awareness.clock(of: Self.pythonClient) == pythonClock + 1)

        // And the other way: pycrdt drops our state and announces us offline at our own clock; we
        // reassert, and pycrdt takes our correction.
        awareness.setLocalState(swiftState, now: .seconds(7))
        try send([Self.swiftClient])
        try peer.exec("aw.remove_awareness_states([\(Self.swiftClient)], 'test')")
        let reasserted = try receive(
            "[create_awareness_message(aw.encode_awareness_update([\(Self.swiftClient)]))]", now: .seconds(8))
        #expect(reasserted.reassertedLocalState)
        #expect(awareness.localState == swiftState)
        try send(reasserted.changedClients)
        #expect(
            try peer.eval("aw.states[\(Self.swiftClient)]").numbersAsDoubles == swiftState.numbersAsDoubles)
        #expect(
            try peer.eval("aw.meta[\(Self.swiftClient)]['clock']")
                == .integer(Int64(awareness.clock(of: Self.swiftClient) ?? 0)))
    }
}

// MARK: - The peer

/// A pycrdt process that runs the Python it is sent, one request per line, and answers each with one
/// line of JSON: `{"ok": value}` (bytes as hex) or `{"error": traceback}`.
final class PycrdtPeer {
    private static let script = #"""
        import json, sys, traceback
        import pycrdt
        from pycrdt import *
        from pycrdt import YMessageType, read_message, handle_sync_message, create_sync_message
        from pycrdt import create_update_message, create_awareness_message

        def h(text):
            return bytes.fromhex(text)

        def u8(text, chars):
            """The UTF-8 offset pycrdt's Text wants for the first `chars` code points."""
            return len(str(text)[:chars].encode())

        def handle(doc, message):
            """A y-protocols sync message for `doc` (hex): the replies, as pycrdt's provider sends them."""
            m = h(message)
            assert m[0] == YMessageType.SYNC, m
            reply = handle_sync_message(m[1:], doc)
            return [] if reply is None else [reply]

        def encode(value):
            if isinstance(value, (bytes, bytearray)):
                return value.hex()
            raise TypeError(f"cannot encode {type(value).__name__}")

        scope = dict(globals())
        for line in sys.stdin:
            request = json.loads(line)
            try:
                if request["mode"] == "exec":
                    exec(request["code"], scope)
                    answer = {"ok": None}
                else:
                    answer = {"ok": eval(request["code"], scope)}
                text = json.dumps(answer, default=encode, ensure_ascii=False)
            except Exception:
                text = json.dumps({"error": traceback.format_exc()})
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        """#

    private let process = Process()
    private let toPython: FileHandle
    private let fromPython: FileHandle
    private let errorURL: URL
    private var buffered: [UInt8] = []
    private let watchdog: DispatchWorkItem
    private var isClosed = false

    /// Starts the venv's Python. Throws (the test fails) when the venv is missing.
    init(timeout: TimeInterval = 120) throws {
        let python = try VenvPython.executableURL()
        let input = Pipe()
        let output = Pipe()
        errorURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weft-pycrdt-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw TestSupportError("cannot create \(errorURL.path)")
        }
        process.executableURL = python
        process.arguments = ["-u", "-c", Self.script]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        toPython = input.fileHandleForWriting
        fromPython = output.fileHandleForReading
        // A peer that hangs is killed, which ends the read that waits for it.
        let pid = process.processIdentifier
        watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    }

    deinit { close() }

    /// Ends the process (closing its input) and waits for it.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        try? toPython.close()
        process.waitUntilExit()
        watchdog.cancel()
        try? FileManager.default.removeItem(at: errorURL)
    }

    /// Runs statements in the peer's scope.
    func exec(_ code: String) throws {
        _ = try request(mode: "exec", code: code)
    }

    /// Evaluates an expression in the peer's scope; bytes come back as hex strings.
    func eval(_ expression: String) throws -> YAny {
        try request(mode: "eval", code: expression)
    }

    /// Evaluates an expression that gives bytes.
    func bytes(_ expression: String) throws -> [UInt8] {
        guard let text = try eval(expression).stringValue, let bytes = fromHex(text) else {
            throw TestSupportError("pycrdt: \(expression) did not give bytes")
        }
        return bytes
    }

    /// Evaluates an expression that gives a list of y-protocols messages, and decodes them.
    func messages(_ expression: String) throws -> [ProtocolMessage] {
        guard let list = try eval(expression).arrayValue else {
            throw TestSupportError("pycrdt: \(expression) did not give a list")
        }
        return try list.map { item in
            guard let text = item.stringValue, let bytes = fromHex(text) else {
                throw TestSupportError("pycrdt: \(expression) holds something that is not bytes: \(item)")
            }
            return try ProtocolMessage.decode(bytes)
        }
    }

    /// The decoded state vector of the peer's document called `name`.
    func stateVector(_ name: String) throws -> StateVector {
        try StateVector(decoding: bytes("\(name).get_state()"))
    }

    private func request(mode: String, code: String) throws -> YAny {
        let line = JSON.stringify(["mode": .string(mode), "code": .string(code)]) + "\n"
        try toPython.write(contentsOf: Data(line.utf8))
        let answerLine = try readLine()
        let answer: YAny
        do {
            answer = try JSON.parse(answerLine)
        } catch {
            throw TestSupportError("pycrdt answered with something that is not JSON: \(answerLine)")
        }
        guard let object = answer.objectValue else { throw TestSupportError("pycrdt answered \(answerLine)") }
        if let message = object["error"]?.stringValue {
            throw TestSupportError("pycrdt raised running:\n\(code)\n\(message)")
        }
        return object["ok"] ?? .null
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = fromPython.availableData
            if chunk.isEmpty {
                let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
                throw TestSupportError("the pycrdt process ended unexpectedly:\n\(errors)")
            }
            buffered.append(contentsOf: chunk)
        }
    }
}

private func toHex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

private func fromHex(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count.isMultiple(of: 2) else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
            return nil
        }
        bytes.append(byte)
    }
    return bytes
}

extension YAny {
    /// The value with every number as a double: pycrdt reads every number back as a float.
    fileprivate var numbersAsDoubles: YAny {
        switch self {
        case .integer(let value), .bigInt(let value): .double(Double(value))
        case .array(let values): .array(values.map(\.numbersAsDoubles))
        case .object(let object): .object(YObject(object.entries.map { ($0.key, $0.value.numbersAsDoubles) }))
        default: self
        }
    }
}
