import Testing

@testable import WeftTUI

/// The body as lines in the document's units: splices agree with doing the same edit to the string.
@Suite struct BodyBufferTests {
    @Test func offsetsAndLinesAgreeInUTF16Units() {
        let buffer = BodyBuffer("a👍\r\n\nz")
        #expect(buffer.lines == ["a👍\r", "", "z"], "split at line feeds only: \\r\\n keeps its \\r")
        #expect(buffer.utf16Count == 7)
        #expect(buffer.location(ofUTF16: 3) == (0, 3))
        #expect(buffer.location(ofUTF16: 5) == (1, 0))
        #expect(buffer.location(ofUTF16: 99) == (2, 1))
        #expect(buffer.utf16Offset(line: 2, column: 1) == 7)
        #expect(buffer.text(from: 1, to: 6) == "👍\r\n\n")
        #expect(BodyBuffer("").lines == [""])
        #expect(BodyBuffer("x\n").lines == ["x", ""])
    }

    @Test func aSpliceEqualsTheSameEditOfTheWholeString() {
        var generator = SeededGenerator(seed: 11)
        let alphabet: [String] = ["a", "b", "\n", "é", "👍🏽", "漢", "\t", " "]
        var text = "start\n"
        var buffer = BodyBuffer(text)
        for _ in 0..<500 {
            var units = Array(text.utf16)
            // Edits at grapheme boundaries, as the editor and the document make them.
            let boundaries =
                text.indices.map { text.utf16.distance(from: text.utf16.startIndex, to: $0) } + [units.count]
            let start = boundaries.randomElement(using: &generator)!
            let end = boundaries.filter { $0 >= start }.prefix(4).randomElement(using: &generator)!
            let insert = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }.joined()
            units.replaceSubrange(start..<end, with: Array(insert.utf16))
            text = String(decoding: units, as: UTF16.self)
            buffer.replace(utf16Offset: start, count: end - start, with: insert)
            #expect(buffer.text == text)
            #expect(buffer.utf16Count == units.count)
            #expect(buffer.matches(text))
        }
        #expect(buffer == BodyBuffer(text), "the same lines as splitting the result afresh")
    }

    @Test func matchingComparesWithoutBeingFooledByPrefixes() {
        let buffer = BodyBuffer("ab\ncd")
        #expect(buffer.matches("ab\ncd"))
        #expect(!buffer.matches("ab\ncde"))
        #expect(!buffer.matches("ab\nc"))
        #expect(!buffer.matches("abcd"))
        #expect(!buffer.matches("ab\ncd\n"))
    }
}

/// A seeded generator (SplitMix64), so a failing sequence of edits repeats.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
