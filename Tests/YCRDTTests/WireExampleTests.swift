import Testing
@testable import YCRDT

/// The annotated example of the reference (§1.6, §3.3, §3.4): bytes Yjs 13.6 and yrs both write.
@Suite struct WireExampleTests {
    let fullUpdate = "010401000701046a6f627301280001000269640177016128000100046e616d6501770178040104626f647902686900"

    func makeDocument() throws -> (Doc, [[UInt8]]) {
        let doc = Doc(clientID: 1)
        var updates: [[UInt8]] = []
        doc.observeUpdates { update, _ in updates.append(update) }
        try doc.array("jobs").insert([.map(["id": "a", "name": "x"])], at: 0)
        try doc.text("body").insert("hi", atUTF16: 0)
        return (doc, updates)
    }

    @Test func fullUpdateMatchesYjsBytes() throws {
        let (doc, updates) = try makeDocument()
        #expect(hex(doc.encodeStateAsUpdate()) == fullUpdate)
        #expect(hex(doc.encodeStateVector()) == "010105")
        #expect(updates.map(hex) == [
            "010301000701046a6f627301280001000269640177016128000100046e616d650177017800",
            "01010103040104626f647902686900",
        ])
    }

    @Test func deletingACharacterEmitsOnlyADeleteSetAndGarbageCollects() throws {
        let (doc, _) = try makeDocument()
        var updates: [[UInt8]] = []
        doc.observeUpdates { update, _ in updates.append(update) }
        try doc.text("body").delete(atUTF16: 0, count: 1)
        #expect(updates.map(hex) == ["000101010301"])
        #expect(hex(doc.encodeStateAsUpdate()) ==
            "010501000701046a6f627301280001000269640177016128000100046e616d6501770178010104626f64790184010301690101010301")
        #expect(doc.text("body").string == "i")
    }

    @Test func decodingTheExampleReadsItBack() throws {
        let doc = Doc(clientID: 99)
        try doc.applyUpdate(bytes(hex: fullUpdate))
        #expect(doc.array("jobs").json == [["id": "a", "name": "x"]])
        #expect(doc.text("body").string == "hi")
        #expect(hex(doc.encodeStateAsUpdate()) == fullUpdate)
    }

    @Test func appendingTextMakesTheUpdateYjsMakes() throws {
        let (doc, _) = try makeDocument()
        try doc.text("body").delete(atUTF16: 0, count: 1)
        var updates: [[UInt8]] = []
        doc.observeUpdates { update, _ in updates.append(update) }
        try doc.text("body").insert("!", atUTF16: 1)
        // The reference's update message is 00 02 0a + this update.
        #expect(updates.map(hex) == ["01010105840104012100"])
    }
}
