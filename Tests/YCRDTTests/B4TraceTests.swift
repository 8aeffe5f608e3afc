import Foundation
import Testing
import WeftTestSupport
@testable import YCRDT

/// The B4 editing trace (259,778 single-character edits of a LaTeX paper) replayed into root Text
/// "text" with client id 1, one transaction per op, must give the bytes Yjs 13.6 gives.
@Suite struct B4TraceTests {
    struct Trace {
        var endContent: String
        var ops: [(position: Int, deleteCount: Int, insert: String)]
    }

    static func loadTrace() throws -> Trace {
        let data = try Fixtures.gunzippedData("yjs/b4-ops.json.gz")
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let rawOps = json["ops"] as! [[Any]]
        let ops = rawOps.map { op in
            ((op[0] as! NSNumber).intValue, (op[1] as! NSNumber).intValue, op[2] as! String)
        }
        return Trace(endContent: json["endContent"] as! String, ops: ops)
    }

    @Test func replayGivesYjsBytesForTheDocumentAndEveryUpdate() throws {
        let trace = try Self.loadTrace()
        let expectedUpdates = try readUpdateStream([UInt8](try Fixtures.gunzippedData("yjs/b4-updates-v1.stream.gz")))
        #expect(trace.ops.count == 259_778)
        #expect(expectedUpdates.count == trace.ops.count)

        let doc = Doc(clientID: 1)
        let text = doc.text("text")
        var updates: [[UInt8]] = []
        updates.reserveCapacity(trace.ops.count)
        doc.observeUpdates { update, _ in updates.append(update) }
        for op in trace.ops {
            try doc.transact { transaction in
                if op.deleteCount > 0 { try text.delete(atUTF16: op.position, count: op.deleteCount, in: transaction) }
                if !op.insert.isEmpty { try text.insert(op.insert, atUTF16: op.position, in: transaction) }
            }
        }
        #expect(text.string == trace.endContent)
        var firstDifference: Int?
        for index in 0..<min(updates.count, expectedUpdates.count) where updates[index] != expectedUpdates[index] {
            firstDifference = index
            break
        }
        #expect(firstDifference == nil, "update \(firstDifference ?? -1) differs")
        let expectedDocument = [UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin"))
        let encoded = doc.encodeStateAsUpdate()
        #expect(encoded.count == expectedDocument.count)
        #expect(encoded == expectedDocument)
    }

    @Test func remoteReplayOfEveryUpdateGivesTheSameDocument() throws {
        let updates = try readUpdateStream([UInt8](try Fixtures.gunzippedData("yjs/b4-updates-v1.stream.gz")))
        let doc = Doc(clientID: 7)
        for update in updates { try doc.applyUpdate(update) }
        let expectedDocument = [UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin"))
        #expect(doc.encodeStateAsUpdate() == expectedDocument)
    }

    @Test func parsingTheFinishedDocumentGivesTheEndContent() throws {
        let trace = try Self.loadTrace()
        let doc = Doc(clientID: 7)
        let expectedDocument = [UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin"))
        try doc.applyUpdate(expectedDocument)
        #expect(doc.text("text").string == trace.endContent)
        #expect(doc.encodeStateAsUpdate() == expectedDocument)
    }
}
