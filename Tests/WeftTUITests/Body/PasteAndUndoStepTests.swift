import Testing
import WorkflowModel

@testable import WeftTUI

/// A paste with Windows line ends gets one line break per line, however the terminal sends them; and
/// what the undo steps are: a paste is one of its own, and opening a body starts a new one.
@Suite struct PasteAndUndoStepTests {
    static let start: [Key] = [.escape] + "[200~".map(Key.character)
    static let end: [Key] = [.escape] + "[201~".map(Key.character)
    static func keys(_ text: String) -> [Key] { text.map(Key.character) }

    /// The terminal reads a carriage return as Enter and a line feed as Ctrl-J (the byte it is).
    @Test func aCarriageReturnAndLineFeedInAPasteAreOneLineBreak() {
        var decoder = BracketedPaste()
        let input =
            Self.start + Self.keys("one") + [.enter, .control("j")] + Self.keys("two") + [.enter]
            + Self.keys("three") + [.control("j")] + Self.keys("four") + [.enter, .control("j")] + Self.end
        #expect(decoder.decode(input) == [.paste("one\ntwo\nthree\nfour\n")])

        var split = BracketedPaste()
        let cut = Self.start.count + 4
        let events = split.decode(Array(input[..<cut])) + split.decode(Array(input[cut...]))
        #expect(events == [.paste("one\ntwo\nthree\nfour\n")], "a `\\r\\n` split over two reads")
    }

    @Test func typedLineFeedsAndCarriageReturnsAreBothEnter() {
        var decoder = BracketedPaste()
        #expect(
            decoder.decode([.character("a"), .enter, .control("j"), .escape])
                == [.key(.character("a")), .key(.enter), .key(.enter), .key(.escape)])
        #expect(BracketedPaste.typed(.control("j")) == .enter)
        #expect(BracketedPaste.typed(.control("k")) == .control("k"))
    }

    @Test func aPasteIntoABodyIsAnUndoStepOfItsOwn() throws {
        var state = try BodyEditing.open("ab")
        state.press(.end)
        let effects = state.apply(.paste("x\r\ny"))
        #expect(
            effects == [
                .endUndoStep,
                .editBody(jobID: state.bodyJobID, utf16Offset: 2, deleteCount: 0, insert: "x\ny"),
                .endUndoStep,
            ])
        state.press(.shiftHome, .control("c"), .end)
        let pasted = state.press(.control("v"))
        #expect(
            pasted == [
                .endUndoStep, .editBody(jobID: state.bodyJobID, utf16Offset: 5, deleteCount: 0, insert: "y"),
                .endUndoStep,
            ], "Ctrl-V too")
        #expect(state.type("z").count == 1, "typing is not split")
    }

    @Test func openingABodyStartsANewUndoStep() throws {
        var state = try BodyEditing.open("ab")
        state.type("x")
        state.press(.escape)
        state.press(.down)
        #expect(state.press(.character("b")) == [.endUndoStep])
        #expect(state.mode == .body)
    }
}
