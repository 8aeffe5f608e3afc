import Testing
import WeftProtocol
import YCRDT

/// Payloads: y-protocols messages exactly as y-protocols frames them, control messages as type 16, and
/// a typed error for every way the bytes can be wrong.
@Suite struct WireMessageTests {
    /// The frame a client sends to join `acme/nightly` as Ann (docs/protocol.md shows the same bytes):
    ///
    /// ```
    /// 00 00 00 36   payload length 54
    /// 10            message type 16: control
    /// 34            varString length 52
    /// 7b 22 … 7d    {"type":"join","workflow":"acme/nightly","as":"Ann"}
    /// ```
    @Test func theJoinFrameHasTheseExactBytes() throws {
        let frame = Frame.encode(.control(.join(workflow: "acme/nightly", as: "Ann")))
        let json = #"{"type":"join","workflow":"acme/nightly","as":"Ann"}"#
        #expect(frame == [0x00, 0x00, 0x00, 0x36, 0x10, 0x34] + Array(json.utf8))
        #expect(
            hex(frame)
                == "0000003610347b2274797065223a226a6f696e222c22776f726b666c6f77223a2261636d652f6e696768746c79222c226173223a22416e6e227d"
        )
        #expect(
            try WireMessage.decode(Array(frame.dropFirst(4)))
                == .control(.join(workflow: "acme/nightly", as: "Ann")))
    }

    /// The sync step 1 of an empty document (what pycrdt's `create_sync_message(Doc())` returns):
    ///
    /// ```
    /// 00 00 00 04   payload length 4
    /// 00            message type 0: sync
    /// 00            sync step 1
    /// 01            varUint8Array length 1
    /// 00            the state vector: no clients
    /// ```
    @Test func theSyncStep1FrameOfAnEmptyDocumentHasTheseExactBytes() throws {
        let stateVector = Doc().encodeStateVector()
        let frame = Frame.encode(.sync(.step1(stateVector: stateVector)))
        #expect(frame == [0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00])
        #expect(try WireMessage.decode([0x00, 0x00, 0x01, 0x00]) == .sync(.step1(stateVector: [0x00])))
    }

    @Test func yProtocolsMessagesHaveTheirOwnBytesAndRoundTrip() throws {
        let update: [UInt8] = [0x01, 0x01, 0x01, 0x05, 0x84, 0x01, 0x04, 0x01, 0x21, 0x00]
        let cases: [(WireMessage, [UInt8])] = [
            (.sync(.step1(stateVector: [0x01, 0x01, 0x05])), [0x00, 0x00, 0x03, 0x01, 0x01, 0x05]),
            (.sync(.step2(update: [0x00, 0x00])), [0x00, 0x01, 0x02, 0x00, 0x00]),
            (.sync(.update(update)), [0x00, 0x02, 0x0A] + update),
            (
                .awareness([0x01, 0x01, 0x02, 0x04] + Array("null".utf8)),
                [0x01, 0x08, 0x01, 0x01, 0x02, 0x04] + Array("null".utf8)
            ),
            (.auth(permissionDenied: "no"), [0x02, 0x00, 0x02, 0x6E, 0x6F]),
            (.queryAwareness, [0x03]),
        ]
        for (message, bytes) in cases {
            #expect(message.encoded() == bytes, "\(message)")
            #expect(message.encoded() == message.protocolMessage?.encoded())
            #expect(try WireMessage.decode(bytes) == message)
        }
    }

    @Test func controlMessagesAreType16WithAVarString() throws {
        let payload = WireMessage.control(.ping(id: 7)).encoded()
        let json = #"{"type":"ping","id":7}"#
        #expect(payload == [0x10, UInt8(json.utf8.count)] + Array(json.utf8))
        #expect(WireMessage.control(.ping()).type == 16)
        // A long control message has a multi-byte length.
        let long = ControlMessage.error(.internal, String(repeating: "x", count: 300))
        let bytes = WireMessage.control(long).encoded()
        #expect(long.jsonText().utf8.count == 347)
        #expect(Array(bytes.prefix(3)) == [0x10, 0xDB, 0x02])  // varUint(347) = 0xDB 0x02
        #expect(try WireMessage.decode(bytes) == .control(long))
    }

    /// A control message written by hand, as a third party might: spaces, non-ASCII raw or escaped.
    @Test func controlJSONIsReadTolerantly() throws {
        for json in [
            #"{ "type" : "join", "workflow" : "Zoë/flow", "as": null, "extra": [1, {"x": 2}] }"#,
            #"{"workflow":"Zo\u00eb/flow","type":"join"}"#,
        ] {
            #expect(try WireMessage.decode(controlPayload(json)) == .control(.join(workflow: "Zoë/flow")))
        }
    }

    /// Every way a payload can be wrong, with the error it gives and the code a relay reports.
    @Test(arguments: [
        // The type varint.
        MalformedCase("empty payload", [], .truncatedMessage(offset: 0), .malformedFrame),
        MalformedCase("truncated type varint", [0x80], .truncatedMessage(offset: 1), .malformedFrame),
        MalformedCase(
            "type varint above 2^53", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            .invalidVarint(offset: 0),
            .malformedFrame),
        MalformedCase("unknown type 4", [0x04], .unknownMessageType(4), .unknownMessageType),
        MalformedCase("unknown type 17", [0x11, 0x00], .unknownMessageType(17), .unknownMessageType),
        MalformedCase("unknown type 128", [0x80, 0x01], .unknownMessageType(128), .unknownMessageType),
        // Sync.
        MalformedCase("sync without sub-type", [0x00], .truncatedMessage(offset: 1), .malformedFrame),
        MalformedCase(
            "unknown sync sub-type", [0x00, 0x05, 0x00], .unknownSubtype(messageType: 0, subtype: 5),
            .unknownMessageType),
        MalformedCase(
            "unknown sync sub-type 256", [0x00, 0x80, 0x02, 0x00],
            .unknownSubtype(messageType: 0, subtype: 256),
            .unknownMessageType),
        MalformedCase(
            "invalid varint in sync length",
            [0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            .invalidVarint(offset: 2), .malformedFrame),
        MalformedCase("sync without body", [0x00, 0x00], .truncatedMessage(offset: 2), .malformedFrame),
        MalformedCase(
            "truncated sync body", [0x00, 0x02, 0x05, 0x01, 0x02],
            .lengthBeyondPayload(offset: 2, claimed: 5), .malformedFrame),
        MalformedCase(
            "bytes after sync", [0x00, 0x00, 0x01, 0x00, 0xAA], .trailingBytes(messageType: 0, count: 1),
            .malformedFrame),
        // Awareness, auth, query awareness.
        MalformedCase(
            "truncated awareness", [0x01, 0x04, 0x01], .lengthBeyondPayload(offset: 1, claimed: 4),
            .malformedFrame),
        MalformedCase(
            "bytes after awareness", [0x01, 0x01, 0x00, 0xAA, 0xBB], .trailingBytes(messageType: 1, count: 2),
            .malformedFrame),
        MalformedCase(
            "unknown auth sub-type", [0x02, 0x01, 0x00], .unknownSubtype(messageType: 2, subtype: 1),
            .unknownMessageType),
        MalformedCase(
            "bytes after query awareness", [0x03, 0x00], .trailingBytes(messageType: 3, count: 1),
            .malformedFrame),
        // Control: the string.
        MalformedCase("control without string", [0x10], .truncatedMessage(offset: 1), .malformedFrame),
        MalformedCase(
            "truncated control string", [0x10, 0x05, 0x7B, 0x7D], .lengthBeyondPayload(offset: 1, claimed: 5),
            .malformedFrame),
        MalformedCase(
            "bytes after control string", [0x10, 0x02, 0x7B, 0x7D, 0x00],
            .trailingBytes(messageType: 16, count: 1),
            .malformedFrame),
        MalformedCase(
            "control not UTF-8", [0x10, 0x03, 0x22, 0xFF, 0x22], .controlNotUTF8, .malformedControl),
        // Control: the JSON.
        MalformedCase(
            "control not JSON", controlPayload("{\"type\":"),
            .malformedControlJSON(offset: 8, reason: "unexpected end"), .malformedControl),
        MalformedCase(
            "control empty string", controlPayload(""),
            .malformedControlJSON(offset: 0, reason: "unexpected end"), .malformedControl),
        MalformedCase(
            "control JSON array", controlPayload(#"[{"type":"join"}]"#),
            .controlNotAnObject(found: "an array"), .malformedControl),
        MalformedCase(
            "control JSON string", controlPayload(#""join""#), .controlNotAnObject(found: "a string"),
            .malformedControl),
        MalformedCase(
            "control without type", controlPayload(#"{"workflow":"a"}"#), .controlMissingType,
            .malformedControl),
        MalformedCase(
            "control type not a string", controlPayload(#"{"type":1}"#), .controlMissingType,
            .malformedControl),
        // Control: the fields of known types.
        MalformedCase(
            "join without workflow", controlPayload(#"{"type":"join"}"#),
            .missingControlField(messageType: "join", field: "workflow"),
            .malformedControl),
        MalformedCase(
            "join with a numeric workflow", controlPayload(#"{"type":"join","workflow":7}"#),
            .invalidControlField(messageType: "join", field: "workflow", expected: "a string"),
            .malformedControl),
        MalformedCase(
            "join with a numeric name", controlPayload(#"{"type":"join","workflow":"w","as":1}"#),
            .invalidControlField(messageType: "join", field: "as", expected: "a string"), .malformedControl),
        MalformedCase(
            "save with a string version", controlPayload(#"{"type":"save","lock_version":"3"}"#),
            .invalidControlField(
                messageType: "save", field: "lock_version", expected: "a non-negative integer"),
            .malformedControl),
        MalformedCase(
            "save with a negative version", controlPayload(#"{"type":"save","lock_version":-1}"#),
            .invalidControlField(
                messageType: "save", field: "lock_version", expected: "a non-negative integer"),
            .malformedControl),
        MalformedCase(
            "save with a fractional version", controlPayload(#"{"type":"save","lock_version":1.5}"#),
            .invalidControlField(
                messageType: "save", field: "lock_version", expected: "a non-negative integer"),
            .malformedControl),
        MalformedCase(
            "save with a null version", controlPayload(#"{"type":"save","lock_version":null}"#),
            .missingControlField(messageType: "save", field: "lock_version"), .malformedControl),
        MalformedCase(
            "deploy with a string flag",
            controlPayload(#"{"type":"deploy","project":{},"allow_stale":"yes"}"#),
            .invalidControlField(messageType: "deploy", field: "allow_stale", expected: "true or false"),
            .malformedControl),
        MalformedCase(
            "deploy with a list project", controlPayload(#"{"type":"deploy","project":[]}"#),
            .invalidControlField(messageType: "deploy", field: "project", expected: "an object"),
            .malformedControl),
        MalformedCase(
            "joined with a string workflow",
            controlPayload(#"{"type":"joined","workflow":"w","lock_version":1,"role":"editor"}"#),
            .invalidControlField(messageType: "joined", field: "workflow", expected: "an object"),
            .malformedControl),
        MalformedCase(
            "joined without role", controlPayload(#"{"type":"joined","workflow":{},"lock_version":1}"#),
            .missingControlField(messageType: "joined", field: "role"), .malformedControl),
        MalformedCase(
            "workflow_saved with a bad actor",
            controlPayload(
                #"{"type":"workflow_saved","lock_version":2,"workflow":{},"actor":{"name":"deploy"},"source":"deploy"}"#
            ),
            .invalidControlField(
                messageType: "workflow_saved", field: "actor",
                expected: #"an object with string fields "name" and "kind""#),
            .malformedControl),
        MalformedCase(
            "workflow_saved with conflicts not a list",
            controlPayload(
                #"{"type":"workflow_saved","lock_version":2,"workflow":{},"actor":{"name":"a","kind":"person"},"source":"editor","conflicts":{}}"#
            ),
            .invalidControlField(messageType: "workflow_saved", field: "conflicts", expected: "an array"),
            .malformedControl),
        MalformedCase(
            "ack with a float count", controlPayload(#"{"type":"ack","updates":2.5}"#),
            .invalidControlField(messageType: "ack", field: "updates", expected: "a non-negative integer"),
            .malformedControl),
        MalformedCase(
            "error without message", controlPayload(#"{"type":"error","code":"internal"}"#),
            .missingControlField(messageType: "error", field: "message"), .malformedControl),
    ])
    func malformedPayloadsGiveTypedErrors(_ malformed: MalformedCase) {
        #expect(throws: malformed.error, "\(malformed.name)") { try WireMessage.decode(malformed.payload) }
        #expect(malformed.error.code == malformed.code, "\(malformed.name)")
        #expect(
            !malformed.error.isFatal,
            "\(malformed.name): a bad payload in a whole frame does not end the stream")
        #expect(!malformed.error.description.isEmpty)
    }

    @Test func errorsDescribeThemselves() {
        #expect(ProtocolError.unknownMessageType(7).description == "unknown message type 7")
        #expect(
            ProtocolError.frameTooLarge(length: 20, limit: 10).description
                == "frame of 20 bytes is larger than the limit of 10 bytes")
        #expect(
            ProtocolError.invalidControlField(
                messageType: "save", field: "lock_version", expected: "a non-negative integer"
            )
            .description == #"save message's field "lock_version" must be a non-negative integer"#)
        #expect(
            ProtocolError.controlNotAnObject(found: "an array").description
                == "control message must be a JSON object, not an array")
        #expect(
            ProtocolError.unknownSubtype(messageType: 0, subtype: 9).description
                == "unknown sync message sub-type 9")
    }
}

struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let payload: [UInt8]
    let error: ProtocolError
    let code: ErrorCode

    init(_ name: String, _ payload: [UInt8], _ error: ProtocolError, _ code: ErrorCode) {
        self.name = name
        self.payload = payload
        self.error = error
        self.code = code
    }

    var testDescription: String { name }
}

/// A control payload holding `json` exactly as given.
func controlPayload(_ json: String) -> [UInt8] {
    var encoder = Lib0Encoder()
    encoder.writeVarUInt(WireMessage.MessageType.control)
    encoder.writeVarString(json)
    return encoder.bytes
}

func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        .joined()
}
