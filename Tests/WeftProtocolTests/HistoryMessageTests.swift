import Testing
import WeftProtocol
import YCRDT

/// The history, export and drafts messages: their exact JSON (the examples of docs/protocol.md), their
/// way back, and who sends them.
@Suite struct HistoryMessageTests {
    static let identity: YAny = ["id": "7d1c", "name": "Nightly", "project": "acme"]

    static let examples: [(ControlMessage, String)] = [
        (.history(workflow: "acme/nightly"), #"{"type":"history","workflow":"acme/nightly"}"#),
        (
            .showVersion(workflow: "acme/nightly", lockVersion: 3),
            #"{"type":"show_version","workflow":"acme/nightly","lock_version":3}"#
        ),
        (
            .restore(workflow: "7d1c", lockVersion: 2),
            #"{"type":"restore","workflow":"7d1c","lock_version":2}"#
        ),
        (.export(project: "acme", format: "yaml"), #"{"type":"export","project":"acme","format":"yaml"}"#),
        (
            .export(project: "acme", format: "yaml", state: ["id": "p1"]),
            #"{"type":"export","project":"acme","format":"yaml","state":{"id":"p1"}}"#
        ),
        (.drafts, #"{"type":"drafts"}"#),
        (.restoreDraft(id: 4), #"{"type":"restore_draft","id":4}"#),
        (
            .historyReply(
                workflow: identity,
                versions: [
                    [
                        "lock_version": 1, "created_at": "2026-11-29T08:36:01.250Z",
                        "actor": ["name": "deploy by ann", "kind": "system"], "source": "deploy",
                    ]
                ]),
            #"{"type":"history_reply","workflow":{"id":"7d1c","name":"Nightly","project":"acme"},"versions":[{"lock_version":1,"created_at":"2026-11-29T08:36:01.250Z","actor":{"name":"deploy by ann","kind":"system"},"source":"deploy"}]}"#
        ),
        (
            .versionReply(version: ["lock_version": 1, "workflow": ["id": "7d1c"]]),
            #"{"type":"version_reply","version":{"lock_version":1,"workflow":{"id":"7d1c"}}}"#
        ),
        (
            .restored(workflow: identity, lockVersion: 5, restoredFrom: 2, changed: true, conflicts: []),
            #"{"type":"restored","workflow":{"id":"7d1c","name":"Nightly","project":"acme"},"lock_version":5,"restored_from":2,"changed":true,"conflicts":[]}"#
        ),
        (
            .exported(project: ["id": "p1", "name": "acme"], format: "json", text: "{}\n"),
            #"{"type":"exported","project":{"id":"p1","name":"acme"},"format":"json","text":"{}\n"}"#
        ),
        (
            .exported(
                project: ["id": "p1", "name": "acme"], format: "yaml", text: "name: acme\n",
                state: ["id": "p1"]),
            #"{"type":"exported","project":{"id":"p1","name":"acme"},"format":"yaml","text":"name: acme\n","state":{"id":"p1"}}"#
        ),
        (
            .draftsReply(drafts: [["id": 4, "workflow_id": "7d1c", "based_on": 2, "displaced_by": 3]]),
            #"{"type":"drafts_reply","drafts":[{"id":4,"workflow_id":"7d1c","based_on":2,"displaced_by":3}]}"#
        ),
        (
            .draftRestored(id: 4, workflow: identity, summary: ["changed": []], conflicts: []),
            #"{"type":"draft_restored","id":4,"workflow":{"id":"7d1c","name":"Nightly","project":"acme"},"summary":{"changed":[]},"conflicts":[]}"#
        ),
    ]

    @Test func everyMessageEncodesToItsJSONAndBack() throws {
        for (message, json) in Self.examples {
            #expect(message.jsonText() == json, "\(message.type)")
            #expect(try ControlMessage(jsonText: json) == message, "\(message.type)")
            let payload = WireMessage.control(message).encoded()
            #expect(try WireMessage.decode(payload) == .control(message), "\(message.type)")
        }
    }

    @Test func requestsGoToTheRelayAndAnswersComeBack() {
        let requests: Set = ["history", "show_version", "restore", "export", "drafts", "restore_draft"]
        for (message, _) in Self.examples {
            #expect(message.direction == (requests.contains(message.type) ? .clientToRelay : .relayToClient))
        }
        #expect(Set(Self.examples.map(\.0.type)) == Set(ControlMessage.historyTypes))
    }

    /// An export without a format is a YAML export; a restore without its version is malformed.
    @Test func defaultsAndMissingFields() throws {
        #expect(
            try ControlMessage(jsonText: #"{"type":"export","project":"acme"}"#)
                == .export(project: "acme", format: "yaml"))
        #expect(throws: ProtocolError.self) {
            try ControlMessage(jsonText: #"{"type":"restore","workflow":"w"}"#)
        }
        #expect(throws: ProtocolError.self) {
            try ControlMessage(jsonText: #"{"type":"restore_draft","id":"x"}"#)
        }
    }
}
