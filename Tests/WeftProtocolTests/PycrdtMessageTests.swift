import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import YCRDT

/// Messages as pycrdt 0.14 writes them decode as the protocol says, and ours read back in pycrdt.
@Suite struct PycrdtMessageTests {
    @Test func pycrdtMessagesDecode() throws {
        let result = try VenvPython.run(
            script: """
                import json
                from pycrdt import (Awareness, Doc, Map, create_awareness_message, create_sync_message,
                                    create_update_message, handle_sync_message)
                doc = Doc(client_id=7)
                updates = []
                doc.observe(lambda event: updates.append(event.update))
                doc["workflow"] = workflow = Map()
                workflow["name"] = "Nightly"
                awareness = Awareness(doc)
                awareness.set_local_state({"user": {"name": "Zoë"}})
                text = json.dumps({"type": "join", "workflow": "acme/nightly", "as": "Zoë"}).encode()
                messages = [
                    create_sync_message(doc),
                    handle_sync_message(create_sync_message(Doc())[1:], doc),
                    create_update_message(updates[-1]),
                    create_awareness_message(awareness.encode_awareness_update([doc.client_id])),
                    bytes([16, len(text)]) + text,
                ]
                for message in messages:
                    print(message.hex())
                """)
        #expect(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        let payloads = try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            try #require(bytes(fromHex: String($0)))
        }
        try #require(payloads.count == 5)
        let messages = try payloads.map(WireMessage.decode)

        guard case .sync(.step1(let stateVector)) = messages[0] else {
            Issue.record("not a step 1: \(messages[0])")
            return
        }
        #expect(try StateVector(decoding: stateVector) != StateVector())

        guard case .sync(.step2(let update)) = messages[1] else {
            Issue.record("not a step 2: \(messages[1])")
            return
        }
        let doc = Doc()
        try doc.applyUpdate(update)
        #expect(doc.map("workflow")["name"]?.anyValue == "Nightly")

        guard case .sync(.update) = messages[2] else {
            Issue.record("not an update: \(messages[2])")
            return
        }
        guard case .awareness(let awareness) = messages[3] else {
            Issue.record("not awareness: \(messages[3])")
            return
        }
        let entries = try AwarenessUpdate(decoding: awareness).entries
        #expect(entries.map(\.clientID) == [7])
        #expect(entries.first?.state == ["user": ["name": "Zoë"]])

        #expect(messages[4] == .control(.join(workflow: "acme/nightly", as: "Zoë")))
        // Every message re-encodes to pycrdt's bytes, except the control message (pycrdt's json.dumps
        // adds spaces and escapes; ours is compact UTF-8).
        for (message, payload) in zip(messages, payloads).prefix(4) {
            #expect(message.encoded() == payload)
        }
    }

    @Test func pycrdtReadsOurFrames() throws {
        let doc = Doc()
        try doc.map("workflow").set("name", "Nightly")
        let frames =
            Frame.encode(.sync(.step2(update: doc.encodeStateAsUpdate())))
            + Frame.encode(
                .control(
                    .workflowSaved(
                        lockVersion: 4, workflow: ["name": "Nightly ✓"], actor: .person("Zoë"),
                        source: .editor, summary: [:],
                        conflicts: [])))
        let result = try VenvPython.run(
            script: """
                import json, struct, sys
                from pycrdt import Doc, Map, handle_sync_message, read_message
                data = sys.stdin.buffer.read()
                doc = Doc()
                while data:
                    (length,) = struct.unpack(">I", data[:4])
                    message, data = data[4:4 + length], data[4 + length:]
                    if message[0] == 0:
                        handle_sync_message(message[1:], doc)
                        print(doc.get("workflow", type=Map)["name"])
                    elif message[0] == 16:
                        control = json.loads(read_message(message[1:]))
                        print(control["type"], control["workflow"]["name"], control["actor"]["name"])
                """,
            stdin: Data(frames))
        #expect(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "Nightly\nworkflow_saved Nightly ✓ Zoë\n")
    }
}

func bytes(fromHex hex: String) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count.isMultiple(of: 2) else { return nil }
    return stride(from: 0, to: digits.count, by: 2).compactMap {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)
    }
}
