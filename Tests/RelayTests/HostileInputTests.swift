import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// Bad input (DESIGN.md behaviour 10): every malformed-frame class gets its error on its own
    /// connection (or that connection is closed), the relay stays up, the other clients do not notice,
    /// and no document changes.
    @Suite("hostile input")
    struct HostileInput {
        @Test func everyMalformedInputGetsItsErrorAndHarmsNothing() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                // Two witnesses: Ann edits after every case, Bob must see each edit.
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                // Bob is present; Ann sees his presence once.
                let presence = AwarenessUpdate([.init(clientID: bob.doc.clientID, clock: 1, state: ["user": ["name": "Bob"]])])
                try bob.send(.awareness(presence.encoded()))
                try ann.waitUntil("Ann sees Bob's presence") { ann.awarenessMessages == 1 }

                let table = try HostileCase.table(workflow: project.workflow1, presentClient: bob.doc.clientID)
                for (index, hostile) in table.enumerated() {
                    let connection = try relay.connect()
                    if hostile.joinFirst {
                        try connection.send(.control(.join(workflow: project.workflow1, as: "Mallory")))
                        _ = try connection.receive { message -> Bool? in
                            if case .control(.joined) = message { return true }
                            return nil
                        }
                    }
                    try connection.sendFrame(hostile.bytes)
                    try hostile.check(connection)

                    // The relay is up, the witnesses carry on, and the document holds only their edits.
                    #expect(relay.answersPing(), "the relay answers after \(hostile.name)")
                    let marker = "<after \(index)>"
                    try ann.append(marker, toBodyOf: webhook)
                    try ann.waitForAcks()
                    try bob.waitUntil("Bob sees \(marker)") { bob.workflow.body(of: webhook).contains(marker) }
                    let fresh = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "check")
                    #expect(fresh.contents == ann.contents, "the document after \(hostile.name)")
                    fresh.close()
                }
                try bob.pump()
                #expect(ann.errors.isEmpty, "\(ann.errors)")
                #expect(bob.errors.isEmpty, "\(bob.errors)")
                #expect(bob.contents == ann.contents)
                #expect(ann.awarenessMessages == 1 && bob.awarenessMessages == 0, "no garbage presence was relayed")
            }
        }
    }
}

/// One malformed input and what the relay must answer.
struct HostileCase {
    enum Outcome {
        /// `error` with this code; the connection stays usable (a ping after it is answered).
        case error(ErrorCode)
        /// `error` with this code, then the relay closes the connection.
        case closes(ErrorCode)
        /// The client sends half a frame and hangs up: nothing to answer.
        case hangUp
    }

    var name: String
    var joinFirst = false
    var bytes: [UInt8]
    var outcome: Outcome
    /// Whether the input counts as a document update the relay must ack (settled by refusal).
    var countsAsUpdate = false

    /// Checks the relay's answer on the hostile connection.
    func check(_ connection: RelayConnection, sourceLocation: SourceLocation = #_sourceLocation) throws {
        switch outcome {
        case .hangUp:
            connection.close()
        case .closes(let code):
            var codes: [String] = []
            var closed = false
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                do {
                    if case .control(.error(let got, _)) = try connection.receive(timeout: .seconds(5)) { codes.append(got) }
                } catch RelayConnectionError.closed {
                    closed = true
                    break
                }
            }
            #expect(codes == [code.rawValue], "\(name): errors before the close", sourceLocation: sourceLocation)
            #expect(closed, "\(name): the relay closes the connection", sourceLocation: sourceLocation)
        case .error(let code):
            try connection.send(.control(.ping(id: "after")))
            var codes: [String] = []
            var acked = 0
            _ = try connection.receive(timeout: .seconds(5)) { message -> Bool? in
                switch message {
                case .control(.pong): return true
                case .control(.error(let got, _)): codes.append(got)
                case .control(.ack(let updates)): acked = updates
                default: break
                }
                return nil
            }
            #expect(codes == [code.rawValue], "\(name): the errors it got", sourceLocation: sourceLocation)
            if countsAsUpdate {
                #expect(acked == 1, "\(name): the refused update is settled by an ack", sourceLocation: sourceLocation)
            }
            connection.close()
        }
    }

    static func frame(_ payload: [UInt8]) -> [UInt8] { Frame.encode(payload) }

    static func varUInt(_ value: UInt64) -> [UInt8] {
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(value)
        return encoder.bytes
    }

    static func control(_ text: String) -> [UInt8] {
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(16)
        encoder.writeVarString(text)
        return frame(encoder.bytes)
    }

    static func control(rawBytes: [UInt8]) -> [UInt8] { frame([16] + varUInt(UInt64(rawBytes.count)) + rawBytes) }

    static func update(_ update: [UInt8]) -> [UInt8] { frame(WireMessage.sync(.update(update)).encoded()) }

    /// Updates that depend on what the relay's document does not hold.
    static func unsatisfiableUpdates() throws -> (gap: [UInt8], missingOrigin: [UInt8]) {
        // A client's second insertion without its first: its clock starts past what the relay has.
        let writer = Doc(clientID: 4_242_424)
        var updates: [[UInt8]] = []
        let subscription = writer.observeUpdates { update, _ in updates.append(update) }
        try writer.text("scratch").insert("a", atUTF16: 0)
        try writer.text("scratch").insert("b", atUTF16: 1)
        // Another client's insertion after that first character, which the relay never saw.
        let other = Doc(clientID: 5_353_535)
        try other.applyUpdate(updates[0])
        let before = other.encodeStateVector()
        try other.text("scratch").insert("c", atUTF16: 1)
        let missingOrigin = try other.encodeStateAsUpdate(sinceEncoded: before)
        _ = subscription
        return (updates[1], missingOrigin)
    }

    /// The cases; `presentClient` is the awareness client id of someone present in the workflow.
    static func table(workflow: String, presentClient: ClientID) throws -> [HostileCase] {
        let (gap, missingOrigin) = try unsatisfiableUpdates()
        let limit = Frame.defaultMaximumPayloadSize
        let huge = varUInt(1 << 40)
        return [
            // Frames.
            HostileCase(
                name: "a length above the limit",
                bytes: [UInt8(truncatingIfNeeded: (limit + 1) >> 24), UInt8(truncatingIfNeeded: (limit + 1) >> 16),
                    UInt8(truncatingIfNeeded: (limit + 1) >> 8), UInt8(truncatingIfNeeded: limit + 1), 0, 0],
                outcome: .closes(.frameTooLarge)),
            HostileCase(name: "a length of 2^32 - 1", bytes: [0xFF, 0xFF, 0xFF, 0xFF], outcome: .closes(.frameTooLarge)),
            HostileCase(name: "a zero length", bytes: [0, 0, 0, 0, 16, 0], outcome: .closes(.malformedFrame)),
            HostileCase(name: "a truncated frame, then close", bytes: [0, 0, 0, 100, 0, 2, 5], outcome: .hangUp),
            HostileCase(name: "half a length, then close", bytes: [0, 0], outcome: .hangUp),
            HostileCase(
                name: "a truncated frame from a joined client, then close", joinFirst: true,
                bytes: [0, 0, 1, 0] + WireMessage.sync(.update([1, 1, 7, 0])).encoded(), outcome: .hangUp),

            // Messages.
            HostileCase(name: "an invalid varint (type)", bytes: frame([UInt8](repeating: 0xFF, count: 10) + [1]), outcome: .error(.malformedFrame)),
            HostileCase(name: "a varint cut off", bytes: frame([0x80]), outcome: .error(.malformedFrame)),
            HostileCase(name: "unknown message type 5", bytes: frame([5]), outcome: .error(.unknownMessageType)),
            HostileCase(name: "unknown message type 2^40", bytes: frame(huge), outcome: .error(.unknownMessageType)),
            HostileCase(name: "unknown sync sub-type", joinFirst: true, bytes: frame([0, 7, 1, 0]), outcome: .error(.unknownMessageType)),
            HostileCase(name: "bytes left over", bytes: frame([3, 0]), outcome: .error(.malformedFrame)),
            HostileCase(name: "a sync message cut short", joinFirst: true, bytes: frame([0, 2, 5, 1, 2]), outcome: .error(.malformedFrame)),
            HostileCase(
                name: "a huge claimed length in a sync message", joinFirst: true, bytes: frame([0, 2] + huge + [1, 2, 3]),
                outcome: .error(.malformedFrame)),
            HostileCase(name: "a huge claimed length in a control message", bytes: frame([16] + huge + [0x7B]), outcome: .error(.malformedFrame)),

            // Control messages.
            HostileCase(name: "malformed control JSON", bytes: control("{\"type\": \"join\", "), outcome: .error(.malformedControl)),
            HostileCase(name: "control not UTF-8", bytes: control(rawBytes: [0x7B, 0xC3, 0x28, 0x7D]), outcome: .error(.malformedControl)),
            HostileCase(name: "control not an object", bytes: control("[\"join\"]"), outcome: .error(.malformedControl)),
            HostileCase(name: "control without a type", bytes: control("{\"workflow\":\"\(workflow)\"}"), outcome: .error(.malformedControl)),
            HostileCase(name: "control with a numeric type", bytes: control("{\"type\":16}"), outcome: .error(.malformedControl)),
            HostileCase(name: "a join whose workflow is a number", bytes: control("{\"type\":\"join\",\"workflow\":7}"), outcome: .error(.malformedControl)),
            HostileCase(name: "an unknown control type", bytes: control("{\"type\":\"frobnicate\"}"), outcome: .error(.unknownControlType)),
            HostileCase(
                name: "a message only the relay sends", bytes: control("{\"type\":\"joined\",\"workflow\":{},\"lock_version\":1,\"role\":\"owner\"}"),
                outcome: .error(.unexpectedMessage)),
            HostileCase(name: "a join of no such workflow", bytes: control("{\"type\":\"join\",\"workflow\":\"nope/nothing\"}"), outcome: .error(.workflowNotFound)),
            HostileCase(name: "a save before joining", bytes: control("{\"type\":\"save\",\"lock_version\":1}"), outcome: .error(.notJoined)),
            HostileCase(name: "an update before joining", bytes: update([0, 0]), outcome: .error(.notJoined)),
            HostileCase(name: "a second join", joinFirst: true, bytes: control("{\"type\":\"join\",\"workflow\":\"\(workflow)\"}"), outcome: .error(.alreadyJoined)),

            // Document updates and awareness, from a joined client.
            HostileCase(
                name: "an update of garbage bytes", joinFirst: true, bytes: update([0xFF, 0x13, 0x02, 0x99, 0x00]),
                outcome: .error(.updateRejected), countsAsUpdate: true),
            HostileCase(
                name: "an update claiming 2^40 structs", joinFirst: true, bytes: update([1] + huge + [0x85, 0x02, 0]),
                outcome: .error(.updateRejected), countsAsUpdate: true),
            HostileCase(
                name: "an update claiming a 2^40-byte string", joinFirst: true,
                bytes: update([1, 1, 0x85, 0x02, 0, 0x04, 1] + varUInt(8) + Array("workflow".utf8) + huge + [0x61]),
                outcome: .error(.updateRejected), countsAsUpdate: true),
            HostileCase(
                name: "an update that skips a client's clocks", joinFirst: true, bytes: update(gap),
                outcome: .error(.updateRejected), countsAsUpdate: true),
            HostileCase(
                name: "an update inserting after an item that does not exist", joinFirst: true, bytes: update(missingOrigin),
                outcome: .error(.updateRejected), countsAsUpdate: true),
            HostileCase(
                name: "awareness garbage", joinFirst: true, bytes: frame([1] + varUInt(3) + [0x05, 0xFF, 0xFF]),
                outcome: .error(.malformedFrame)),
            HostileCase(
                name: "awareness with a state that is not JSON", joinFirst: true,
                bytes: frame([1] + varUInt(9) + [1, 0x2A, 1, 5] + Array("{oops".utf8)),
                outcome: .error(.malformedFrame)),
            HostileCase(
                name: "awareness removing someone else's presence", joinFirst: true,
                bytes: frame(WireMessage.awareness(AwarenessUpdate([.init(clientID: presentClient, clock: 2, state: nil)]).encoded()).encoded()),
                outcome: .error(.unexpectedMessage)),
            HostileCase(name: "awareness before joining", bytes: frame([1, 1, 0]), outcome: .error(.notJoined)),
        ]
    }
}
