import Testing
import WeftProtocol
import YCRDT

/// Every control message, its exact JSON (the examples of docs/protocol.md), and its way back.
@Suite struct ControlMessageTests {
    static let workflow: YAny = [
        "id": "7d1c", "name": "Nightly", "lock_version": 3, "jobs": [], "triggers": [], "edges": [],
        "positions": [:],
    ]
    static let workflowJSON =
        #"{"id":"7d1c","name":"Nightly","lock_version":3,"jobs":[],"triggers":[],"edges":[],"positions":{}}"#

    /// Each message with the JSON it encodes to: `"type"` first, fields in the documented order,
    /// optional fields left out when nil.
    static let examples: [(ControlMessage, String)] = [
        // Client to relay.
        (
            .join(workflow: "acme/nightly", as: "Ann"),
            #"{"type":"join","workflow":"acme/nightly","as":"Ann"}"#
        ),
        (.join(workflow: "7d1c"), #"{"type":"join","workflow":"7d1c"}"#),
        (.leave, #"{"type":"leave"}"#),
        (.save(lockVersion: 3), #"{"type":"save","lock_version":3}"#),
        (
            .deploy(project: ["yaml": "name: acme\n"]),
            #"{"type":"deploy","project":{"yaml":"name: acme\n"},"allow_stale":false}"#
        ),
        (
            .deploy(project: ["name": "acme", "workflows": [:]], allowStale: true, state: ["id": "p1"]),
            #"{"type":"deploy","project":{"name":"acme","workflows":{}},"allow_stale":true,"state":{"id":"p1"}}"#
        ),
        (.ping(id: 1), #"{"type":"ping","id":1}"#),
        (.ping(), #"{"type":"ping"}"#),
        (.status, #"{"type":"status"}"#),
        (.list, #"{"type":"list"}"#),
        // Relay to client.
        (
            .joined(workflow: workflow, lockVersion: 3, role: .editor, clientID: 17),
            #"{"type":"joined","workflow":"# + workflowJSON
                + #","lock_version":3,"role":"editor","client_id":17}"#
        ),
        (
            .joined(workflow: workflow, lockVersion: 3, role: .viewer),
            #"{"type":"joined","workflow":"# + workflowJSON + #","lock_version":3,"role":"viewer"}"#
        ),
        (
            .saved(lockVersion: 4, workflow: workflow),
            #"{"type":"saved","lock_version":4,"workflow":"# + workflowJSON + "}"
        ),
        (
            .saveFailed(
                reason: .stale, message: "Nightly was saved by Bob (version 5)", currentLockVersion: 5,
                moved: ["changed": [["kind": "job", "id": "j1", "fields": ["body"]]]]),
            #"{"type":"save_failed","reason":"stale","message":"Nightly was saved by Bob (version 5)","current_lock_version":5,"moved":{"changed":[{"kind":"job","id":"j1","fields":["body"]}]}}"#
        ),
        (
            .saveFailed(reason: .invalid, errors: ["jobs": ["j1": ["name": ["can't be blank"]]]]),
            #"{"type":"save_failed","reason":"invalid","errors":{"jobs":{"j1":{"name":["can't be blank"]}}}}"#
        ),
        (
            .workflowSaved(
                lockVersion: 4, workflow: workflow, actor: .system("deploy"), source: .deploy,
                summary: ["changed": [["kind": "job", "id": "j1", "fields": ["body"]]]],
                conflicts: [["kind": "job", "id": "j1", "field": "body"]]),
            #"{"type":"workflow_saved","lock_version":4,"workflow":"# + workflowJSON
                + #","actor":{"name":"deploy","kind":"system"},"source":"deploy","summary":{"changed":[{"kind":"job","id":"j1","fields":["body"]}]},"conflicts":[{"kind":"job","id":"j1","field":"body"}]}"#
        ),
        (
            .workflowSaved(
                lockVersion: 4, workflow: workflow, actor: .person("Bob"), source: .editor, summary: [:],
                conflicts: []),
            #"{"type":"workflow_saved","lock_version":4,"workflow":"# + workflowJSON
                + #","actor":{"name":"Bob","kind":"person"},"source":"editor","summary":{},"conflicts":[]}"#
        ),
        (.ack(updates: 12), #"{"type":"ack","updates":12}"#),
        (
            .deployed(
                project: ["id": "p1", "name": "acme"],
                workflows: [["id": "7d1c", "name": "Nightly", "lock_version": 4, "change": "updated"]],
                state: ["id": "p1"]),
            #"{"type":"deployed","project":{"id":"p1","name":"acme"},"workflows":[{"id":"7d1c","name":"Nightly","lock_version":4,"change":"updated"}],"state":{"id":"p1"}}"#
        ),
        (
            .deployFailed(
                reason: "stale", message: "the state file is older than the database",
                moved: [["id": "7d1c", "name": "Nightly", "lock_version": 5]]),
            #"{"type":"deploy_failed","reason":"stale","message":"the state file is older than the database","moved":[{"id":"7d1c","name":"Nightly","lock_version":5}]}"#
        ),
        (
            .statusReply(status: ["uptime_seconds": 42, "rooms": 1, "clients": 2]),
            #"{"type":"status_reply","status":{"uptime_seconds":42,"rooms":1,"clients":2}}"#
        ),
        (
            .listReply(projects: [["id": "p1", "name": "acme", "workflows": []]]),
            #"{"type":"list_reply","projects":[{"id":"p1","name":"acme","workflows":[]}]}"#
        ),
        (
            .error(.readOnly, "viewers cannot edit"),
            #"{"type":"error","code":"read_only","message":"viewers cannot edit"}"#
        ),
        (
            .error(code: "from_the_future", message: "?"),
            #"{"type":"error","code":"from_the_future","message":"?"}"#
        ),
        (.pong(id: 1), #"{"type":"pong","id":1}"#),
        (.pong(), #"{"type":"pong"}"#),
        // Any direction.
        (
            .unknown(type: "cursor_hint", body: ["type": "cursor_hint", "x": 1]),
            #"{"type":"cursor_hint","x":1}"#
        ),
    ] + sandboxExamples

    @Test func everyControlMessageEncodesToItsJSONAndBack() throws {
        for (message, json) in Self.examples {
            #expect(message.jsonText() == json, "\(message.type)")
            #expect(try ControlMessage(jsonText: json) == message, "\(message.type)")
            let payload = WireMessage.control(message).encoded()
            #expect(try WireMessage.decode(payload) == .control(message), "\(message.type)")
            // Deterministic: decoding and encoding again gives the same bytes.
            guard case .control(let again) = try WireMessage.decode(payload) else { continue }
            #expect(WireMessage.control(again).encoded() == payload)
        }
    }

    @Test func theExamplesCoverEveryKnownType() {
        let examples = Self.examples + HistoryMessageTests.examples
        #expect(Set(examples.map(\.0.type)) == Set(ControlMessage.knownTypes + ["cursor_hint"]))
    }

    @Test func directionsAreAssigned() {
        for (message, _) in Self.examples {
            let expected: ControlMessage.Direction =
                switch message.type {
                case "join", "leave", "save", "deploy", "ping", "status", "list": .clientToRelay
                case "sandbox_create", "sandbox_list", "sandbox_diff", "sandbox_merge", "sync": .clientToRelay
                case "cursor_hint": .unknown
                default: .relayToClient
                }
            #expect(message.direction == expected, "\(message.type)")
        }
    }

    @Test func unknownTypesKeepTheirWholeBody() throws {
        let json = #"{"x":[1,2],"type":"presence_v2","nested":{"a":null}}"#
        let message = try ControlMessage(jsonText: json)
        #expect(
            message
                == .unknown(
                    type: "presence_v2", body: ["x": [1, 2], "type": "presence_v2", "nested": ["a": nil]]))
        #expect(message.type == "presence_v2")
        // Re-encoded with "type" first, the rest in the order it came.
        #expect(message.jsonText() == #"{"type":"presence_v2","x":[1,2],"nested":{"a":null}}"#)
    }

    @Test func decodingToleratesWhatCostsNothing() throws {
        // Unknown fields are ignored; null optionals are absent; integral floats are integers.
        #expect(
            try ControlMessage(jsonText: #"{"type":"save","lock_version":3.0,"note":"x"}"#)
                == .save(lockVersion: 3))
        #expect(
            try ControlMessage(
                jsonText: #"{"type":"joined","workflow":{},"lock_version":0,"role":"owner","client_id":null}"#
            )
                == .joined(workflow: [:], lockVersion: 0, role: .owner))
        #expect(
            try ControlMessage(jsonText: #"{"type":"deploy","project":{"yaml":""},"state":null}"#)
                == .deploy(project: ["yaml": ""]))
        // summary and conflicts may be left out.
        #expect(
            try ControlMessage(
                jsonText:
                    #"{"type":"workflow_saved","lock_version":1,"workflow":{},"actor":{"name":"sync","kind":"system"},"source":"sync"}"#
            )
                == .workflowSaved(
                    lockVersion: 1, workflow: [:], actor: .system("sync"), source: .sync, summary: nil,
                    conflicts: []))
        // Values this version does not name still decode.
        #expect(
            try ControlMessage(
                jsonText: #"{"type":"joined","workflow":{},"lock_version":1,"role":"auditor"}"#)
                == .joined(workflow: [:], lockVersion: 1, role: "auditor"))
    }

    @Test func errorCodesAreSnakeCaseAndReadBack() {
        for code in ErrorCode.allCases {
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, "\(code)")
            #expect(ControlMessage.error(code, "m").errorCode == code)
        }
        #expect(ControlMessage.error(code: "from_the_future", message: "?").errorCode == nil)
        #expect(ControlMessage.leave.errorCode == nil)
        #expect(ErrorCode.frameTooLarge.rawValue == "frame_too_large")
        #expect(ErrorCode.internal.rawValue == "internal")
    }

    @Test func rolesSayWhoMayEdit() {
        #expect([Role.owner, .admin, .editor].allSatisfy { $0.canEdit })
        #expect(!Role.viewer.canEdit)
        #expect(!Role("auditor").canEdit)
    }

    @Test func nonASCIIIsWrittenAsRawUTF8() throws {
        let message = ControlMessage.join(workflow: "Zoë/flow ✓", as: "Zoë")
        #expect(message.jsonText() == #"{"type":"join","workflow":"Zoë/flow ✓","as":"Zoë"}"#)
        #expect(try WireMessage.decode(WireMessage.control(message).encoded()) == .control(message))
    }
}
