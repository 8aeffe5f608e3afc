import Testing

@testable import WeftTUI

/// The one-line input of the inspector's text fields.
@Suite struct LineInputTests {
    @Test func typingInsertsAtTheCursor() {
        var input = LineInput("fetch")
        #expect(input.cursor == 5)
        input.handle(.home)
        input.insert("pre-")
        #expect(input.text == "pre-fetch")
        #expect(input.cursor == 4)
        input.handle(.end)
        input.handle(.character("!"))
        #expect(input.text == "pre-fetch!")
    }

    @Test func backspaceAndDeleteRemoveAroundTheCursor() {
        var input = LineInput("abcd", cursor: 2)
        input.handle(.backspace)
        #expect((input.text, input.cursor) == ("acd", 1))
        input.handle(.delete)
        #expect((input.text, input.cursor) == ("ad", 1))
        input.handle(.home)
        input.handle(.backspace)
        #expect((input.text, input.cursor) == ("ad", 0), "backspace at the start does nothing")
        input.handle(.end)
        input.handle(.delete)
        #expect((input.text, input.cursor) == ("ad", 2), "delete at the end does nothing")
    }

    @Test func leftAndRightStopAtTheEnds() {
        var input = LineInput("ab")
        input.handle(.right)
        #expect(input.cursor == 2)
        input.handle(.left)
        input.handle(.left)
        input.handle(.left)
        #expect(input.cursor == 0)
    }

    @Test func ctrlUClearsBeforeTheCursorAndCtrlKAfterIt() {
        var input = LineInput("hello world", cursor: 6)
        input.handle(.control("u"))
        #expect((input.text, input.cursor) == ("world", 0))
        input.handle(.right)
        input.handle(.control("k"))
        #expect((input.text, input.cursor) == ("w", 1))
    }

    @Test func theCursorNeverSplitsACharacter() {
        var input = LineInput("né👍🏽x")
        #expect(input.cursor == 4)
        input.handle(.left)
        input.handle(.backspace)
        #expect(input.text == "néx", "the emoji with its skin tone went as one character")
        input.handle(.control("a"))
        input.handle(.control("e"))
        #expect(input.cursor == 3)
    }

    @Test func newlinesAndTabsBecomeSpacesAndOtherKeysAreLeftAlone() {
        var input = LineInput()
        input.insert("a\tb\nc")
        #expect(input.text == "a b c")
        #expect(input.handle(.enter) == false)
        #expect(input.handle(.escape) == false)
        #expect(input.handle(.up) == false)
        #expect(input.text == "a b c")
    }

    @Test func aSuggestionIsReplacedByTypingClearedByBackspaceAndKeptByMoving() {
        var typed = LineInput.suggesting("New job")
        #expect(typed.isSuggestion)
        typed.handle(.character("s"))
        #expect(typed.text == "s" && typed.cursor == 1 && !typed.isSuggestion)

        var cleared = LineInput.suggesting("New job")
        cleared.handle(.backspace)
        #expect(cleared.text.isEmpty && !cleared.isSuggestion)

        var kept = LineInput.suggesting("New job")
        kept.handle(.left)
        kept.handle(.character("!"))
        #expect(kept.text == "New jo!b", "moving first makes the text the person's own to edit")
    }
}

/// A new job's name and `r` open with the old name as a suggestion: typing replaces it.
@Suite struct SuggestedNameTests {
    @Test func typingAfterAddingAJobNamesItWithoutTheDefault() throws {
        var (state, session) = try EditingTests.start()
        state.press(.down)
        session.press(&state, .character("a"))
        session.type(&state, "send report")
        session.press(&state, .enter)
        #expect(state.workflow.jobs.contains { $0.name == "send report" }, "\(state.workflow.jobs.map(\.name))")
        #expect(!state.workflow.jobs.contains { $0.name.hasPrefix("New job") })
    }

    @Test func escapeKeepsTheSuggestedName() throws {
        var (state, session) = try EditingTests.start()
        state.press(.down)
        session.press(&state, .character("a"))
        session.press(&state, .escape)
        #expect(state.workflow.jobs.contains { $0.name == "New job" })
    }
}
