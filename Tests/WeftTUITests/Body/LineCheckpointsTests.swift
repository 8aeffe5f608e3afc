import Testing

@testable import WeftTUI

/// A long line that is not plain ASCII reads the same through its checkpoints as from its start —
/// display columns, where a column lands, what a window shows — and after edits anywhere in it the
/// checkpoints kept and made again are those a fresh reading makes.
@Suite struct LineCheckpointsTests {
    /// About 4,000 UTF-16 units of code with tabs, CJK, combining accents, emoji with modifiers and
    /// flags, ending in `\r\n`.
    static let text: String = {
        let piece = "\tconst café = '患者 e\u{301} 👍🏽 🇫🇷';\tx += 1; "
        return "// head\r\n" + String(repeating: piece, count: 4_000 / piece.utf16.count) + "\r\nfn(x)\r\n"
    }()

    /// Line `index` of `buffer` read from its start, without checkpoints.
    static func unindexed(_ buffer: BodyBuffer, _ index: Int) -> BodyLine {
        BodyLine(buffer.lines[index], endsInLineBreak: index + 1 < buffer.lineCount)
    }

    static func expectSameReading(_ buffer: BodyBuffer, _ context: String) {
        for index in 0..<buffer.lineCount {
            let line = buffer.line(index)
            let reference = unindexed(buffer, index)
            for column in Swift.stride(from: 0, through: line.contentLength + 2, by: 11) {
                #expect(
                    line.displayColumn(ofUTF16: column) == reference.displayColumn(ofUTF16: column),
                    "\(context): display column of \(column)")
            }
            let width = reference.width
            for display in Swift.stride(from: 0, through: width + 3, by: 17) {
                #expect(
                    line.utf16Column(atDisplay: display) == reference.utf16Column(atDisplay: display),
                    "\(context): UTF-16 column at \(display)")
            }
            for start in Swift.stride(from: 0, through: width, by: 263) {
                var seen: [[Int]] = []
                var expected: [[Int]] = []
                let got = line.forEachGlyph(from: start, to: start + 80) {
                    seen.append([$0.utf16, $0.column])
                }
                let want = reference.forEachGlyph(from: start, to: start + 80) {
                    expected.append([$0.utf16, $0.column])
                }
                #expect(seen == expected && got == want, "\(context): the window at \(start)")
            }
        }
    }

    @Test func aLongLineReadsTheSameThroughItsCheckpoints() throws {
        let buffer = BodyBuffer(Self.text)
        #expect(buffer.line(1).checkpoints != nil, "the long line has checkpoints")
        #expect(buffer.line(0).checkpoints == nil, "a short one has none")
        Self.expectSameReading(buffer, "as made")
    }

    @Test func editsKeepTheCheckpointsAFreshReadingMakes() throws {
        var buffer = BodyBuffer(Self.text)
        let lineStart = buffer.utf16Offset(line: 1, column: 0)
        let length = buffer.length(ofLine: 1)
        let edits: [(offset: Int, count: Int, insert: String)] = [
            (lineStart + length - 5, 0, "\t患"),  // near the end
            (lineStart + length / 2, 0, "x"),  // in the middle
            (lineStart + 3, 0, "\t"),  // near the start: every tab after it moves
            (lineStart + 1_000, 40, ""),  // a deletion across checkpoints
            (lineStart + 700, 0, "\u{301}"),  // a combining accent joining the character before
            (lineStart + length / 3, 0, "a\nb"),  // splitting the line
        ]
        for (number, edit) in edits.enumerated() {
            buffer.replace(utf16Offset: edit.offset, count: edit.count, with: edit.insert)
            #expect(buffer == BodyBuffer(buffer.text), "edit \(number): the same as a fresh reading")
            Self.expectSameReading(buffer, "after edit \(number)")
        }
    }
}
