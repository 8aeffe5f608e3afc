import Testing
import WorkflowModel

@testable import WeftTUI

/// A body whose lines end in `\r\n` (written on Windows, pasted from one): the `\r` belongs to the line
/// break. End stops before it, the cursor never stands between it and the `\n`, one step or one
/// Backspace crosses the pair, the line's length leaves it out, and it is never drawn.
@Suite struct BodyLineEndingTests {
    @Test func endStopsBeforeTheCarriageReturnAndAStepCrossesTheWholeLineBreak() throws {
        var state = try BodyEditing.open("let a = 1;\r\nfn(a)\r\n")
        state.press(.end)
        #expect(state.bodyWithCursor == "let a = 1;|\r\nfn(a)\r\n")
        #expect(state.body?.buffer.contentLength(ofLine: 0) == 10)
        state.press(.right)
        #expect(state.bodyWithCursor == "let a = 1;\r\n|fn(a)\r\n", "Right crosses `\\r\\n` in one step")
        state.press(.left)
        #expect(state.bodyWithCursor == "let a = 1;|\r\nfn(a)\r\n")
        state.press(.down, .end)
        #expect(state.bodyWithCursor == "let a = 1;\r\nfn(a)|\r\n", "Down keeps to the line's content")
        state.press(.up)
        #expect(state.bodyWithCursor == "let a| = 1;\r\nfn(a)\r\n")
        state.press(.controlRight, .controlRight)
        #expect(state.bodyWithCursor == "let a = 1;\r\nfn|(a)\r\n", "a word move crosses the line break")
    }

    @Test func backspaceAndDeleteTakeTheLineBreakWhole() throws {
        var state = try BodyEditing.open("ab\r\ncd")
        state.press(.down, .home)
        #expect(
            state.press(.backspace) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 2, deleteCount: 2, insert: "")
            ])
        #expect(state.bodyWithCursor == "ab|cd")

        var forward = try BodyEditing.open("ab\r\ncd")
        forward.press(.end)
        #expect(
            forward.press(.delete) == [
                .editBody(jobID: forward.bodyJobID, utf16Offset: 2, deleteCount: 2, insert: "")
            ])
        #expect(forward.bodyWithCursor == "ab|cd")
    }

    @Test func enterKeepsTheBodysLineEnds() throws {
        var state = try BodyEditing.open("ab\r\ncd")
        state.press(.right)
        #expect(
            state.press(.enter) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 1, deleteCount: 0, insert: "\r\n")
            ])
        #expect(state.bodyWithCursor == "a\r\n|b\r\ncd")
        state.press(.controlEnd, .enter)
        #expect(state.bodyText == "a\r\nb\r\ncd\r\n", "on the last line too, after a `\\r\\n`")

        var plain = try BodyEditing.open("ab\ncd")
        plain.press(.end, .enter)
        #expect(plain.bodyText == "ab\n\ncd", "a body with `\\n` line ends gets `\\n`")
    }

    @Test func aPasteTakesTheBodysLineEnds() throws {
        var state = try BodyEditing.open("ab\r\ncd")
        state.press(.end)
        state.send(.paste("x\ny\r\nz"))
        #expect(state.bodyWithCursor == "abx\r\ny\r\nz|\r\ncd")
    }

    @Test func aCursorPlacedInsideTheLineBreakStandsBeforeIt() throws {
        var state = try BodyEditing.open("ab\r\ncd")
        state.send(.bodyCursorMoved(jobID: state.bodyJobID, utf16Offset: 3, anchor: nil))
        #expect(state.bodyWithCursor == "ab|\r\ncd")
    }

    @Test func theCarriageReturnIsNeverDrawnAndTheColumnLeavesItOut() throws {
        var state = try BodyEditing.open("ab\r\ncd\r\n")
        state.press(.end)
        let screen = ScreenRenderer.render(state)
        let cells = (0..<screen.height).flatMap { y in (0..<screen.width).map { screen[$0, y] } }
        #expect(!cells.contains { $0.character == "\r" }, "no cell holds a `\\r`")
        let row = try #require((0..<screen.height).first { screen.line($0).contains("1   │ab") })
        let x = try #require((0..<screen.width).first { screen[$0, row].character == "b" }) + 1
        #expect(screen[x, row].role == .codeCursor, "the cursor stands right after `ab`")
        #expect(screen.line(screen.height - 3).contains("Ln 1, Col 3"))
    }
}
