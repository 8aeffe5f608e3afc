import Testing
@testable import YCRDT

@Suite struct RelativePositionTests {
    @Test func cursorStaysOnItsCharacterUnderRemoteEditsBeforeAtAndAfter() throws {
        let ours = Doc(clientID: 1)
        let theirs = Doc(clientID: 2)
        try ours.text("body").insert("hello world", atUTF16: 0)
        try theirs.applyUpdate(ours.encodeStateAsUpdate())
        // Our cursor sits before "w" (offset 6).
        let cursor = ours.text("body").relativePosition(atUTF16: 6)
        // They insert before the cursor, delete a character before it and append after it.
        try theirs.text("body").insert(">> ", atUTF16: 0)
        try theirs.text("body").delete(atUTF16: 3, count: 1)  // the "h"
        try theirs.text("body").insert("!", atUTF16: theirs.text("body").utf16Count)
        try ours.applyUpdate(theirs.encodeStateAsUpdate(since: ours.stateVector))
        let text = ours.text("body")
        #expect(text.string == ">> ello world!")
        let offset = try #require(text.utf16Offset(of: cursor))
        #expect(Array(text.string.utf16)[offset] == UInt16(UInt8(ascii: "w")))
    }

    @Test func cursorOnADeletedCharacterFallsToWhereItWas() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        try text.insert("abcdef", atUTF16: 0)
        let cursor = text.relativePosition(atUTF16: 3)
        try text.delete(atUTF16: 2, count: 2)
        #expect(text.utf16Offset(of: cursor) == 2)
    }

    @Test func associationDecidesWhichSideOfAnInsertTheCursorKeeps() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        try text.insert("ab", atUTF16: 0)
        let before = text.relativePosition(atUTF16: 1, association: .before)
        let after = text.relativePosition(atUTF16: 1, association: .after)
        try text.insert("X", atUTF16: 1)
        #expect(text.utf16Offset(of: before) == 2)
        #expect(text.utf16Offset(of: after) == 1)
        let end = text.relativePosition(atUTF16: 3)
        try text.insert("Z", atUTF16: 3)
        #expect(text.utf16Offset(of: end) == 4)
    }

    @Test func encodingRoundTripsAndMatchesYjsLayout() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        try text.insert("hi", atUTF16: 0)
        let position = text.relativePosition(atUTF16: 1)
        // kind 0 (item), client 1, clock 1, assoc 0.
        #expect(position.encoded() == [0, 1, 1, 0])
        #expect(try RelativePosition(decoding: position.encoded()) == position)
        let atEnd = text.relativePosition(atUTF16: 2)
        // kind 1 (root by name) "body", assoc 0.
        #expect(atEnd.encoded() == [1, 4] + Array("body".utf8) + [0])
        #expect(text.utf16Offset(of: atEnd) == 2)
        #expect(throws: DecodingError.self) { try RelativePosition(decoding: [9, 1]) }
    }
}
