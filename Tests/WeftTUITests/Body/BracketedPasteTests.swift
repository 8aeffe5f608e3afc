import Testing
import WorkflowModel

@testable import WeftTUI

/// Bracketed paste: what the terminal sends between `Esc [ 200 ~` and `Esc [ 201 ~` is one paste,
/// and a paste is one edit wherever text is typed.
@Suite struct BracketedPasteTests {
    static let start: [Key] = [.escape] + "[200~".map(Key.character)
    static let end: [Key] = [.escape] + "[201~".map(Key.character)

    static func keys(_ text: String) -> [Key] { text.map(Key.character) }

    // MARK: The decoder

    @Test func aPasteBetweenItsMarkersIsOneEvent() {
        var decoder = BracketedPaste()
        let input = [.character("a")] + Self.start + Self.keys("x") + [.enter, .tab] + Self.keys("y") + Self.end
            + [.character("b")]
        #expect(decoder.decode(input) == [.key(.character("a")), .paste("x\n\ty"), .key(.character("b"))])
        #expect(!decoder.isWaiting)
    }

    @Test func keysOutsideAPasteAreFoldedAsBefore() {
        var decoder = BracketedPaste()
        #expect(decoder.decode([.escape, .character("b")]) == [.key(.alt("b"))])
        #expect(decoder.decode([.escape]) == [.key(.escape)], "a lone Esc is never held back")
        #expect(!decoder.isWaiting)
        let shiftLeft: [Key] = [.escape] + Self.keys("[1;2D")
        #expect(decoder.decode(shiftLeft) == [.key(.shiftLeft)])
    }

    /// A long paste comes in several reads, and a marker may be cut between two. (Not right after the
    /// Esc or `Esc [` of the start: curses waits for the rest of an escape sequence, and holding those
    /// back would delay a real Esc or Alt-[ until the next key.)
    @Test func aPasteSplitOverReadsIsPutTogether() {
        var decoder = BracketedPaste()
        let whole = Self.start + Self.keys("hello world") + Self.end
        for cut in 3..<whole.count {
            var events = decoder.decode(Array(whole[..<cut]))
            events += decoder.decode(Array(whole[cut...]))
            #expect(events == [.paste("hello world")], "cut after \(cut) keys")
            #expect(!decoder.isWaiting)
        }
    }

    @Test func keysThatAreNotTextAreDroppedFromAPaste() {
        var decoder = BracketedPaste()
        let input = Self.start + [.character("a"), .control("c"), .escape, .backspace, .up, .character("b")] + Self.end
        #expect(decoder.decode(input) == [.paste("ab")])
    }

    // MARK: The state machine

    @Test func aPasteInABodyIsOneEditWithItsLineBreaks() throws {
        var state = try BodyEditing.open("")
        let text = String(repeating: "fn(state => state);\n", count: 50)
        let effects = state.apply(.paste(text))
        #expect(effects.count == 3, "one edit, an undo step of its own")
        guard case .editBody(let jobID, let offset, let deleteCount, let insert) = effects.dropFirst().first else {
            Issue.record("not a body edit: \(effects)")
            return
        }
        #expect(jobID == state.bodyJobID)
        #expect(offset == 0 && deleteCount == 0)
        #expect(insert == text)
        #expect(state.bodyText == text)
        #expect(state.mode == .body)
    }

    /// Tabs become the spaces a typed Tab inserts at that column; `\r\n` and `\r` are line breaks.
    @Test func tabsAndCarriageReturnsInAPasteAreTypedAsTheEditorTypesThem() throws {
        var typed = try BodyEditing.open("")
        typed.type("a")
        typed.press(.tab)
        typed.type("b")
        typed.press(.enter, .tab)
        typed.type("c")

        var pasted = try BodyEditing.open("")
        let effects = pasted.apply(.paste("a\tb\r\n\tc"))
        #expect(effects.filter { if case .editBody = $0 { true } else { false } }.count == 1)
        #expect(pasted.bodyText == typed.bodyText)
        #expect(pasted.bodyText == "a b\n  c")
        #expect(pasted.apply(.paste("\rd")).count == 3)
        #expect(pasted.bodyText == "a b\n  c\nd")
    }

    @Test func aPasteReplacesTheSelection() throws {
        var state = try BodyEditing.open("hello world")
        state.press(.shiftRight, .shiftRight, .shiftRight, .shiftRight, .shiftRight)
        #expect(state.apply(.paste("HOWDY")).count == 3)
        #expect(state.bodyWithCursor == "HOWDY| world")
    }

    @Test func aTextFieldTakesTheFirstLineOfAPaste() throws {
        var state = try Editors.canonical()
        state.press(.down)
        state.press(.character("r"))
        state.press(.control("u"))
        #expect(state.apply(.paste("fetch patients\nsecond line")).isEmpty, "nothing is written while typing")
        #expect(state.mode.inspector?.editing?.text == "fetch patients")
    }

    /// Outside a body or a field, pasted text is not taken for commands: `dd` pasted deletes nothing.
    @Test func aPasteElsewhereRunsNoCommand() throws {
        var state = try Editors.canonical()
        state.press(.down)
        let before = state.workflow
        #expect(state.apply(.paste("dd:q\n")).isEmpty)
        #expect(state.mode == .normal)
        #expect(state.workflow == before)
        #expect(state.toasts.current?.text.contains("Pasting works in a body") == true)
    }
}
