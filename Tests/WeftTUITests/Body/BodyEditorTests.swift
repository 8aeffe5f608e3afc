import Testing
import WorkflowModel

@testable import WeftTUI

/// Every editing action of the body editor, driven by keys through ``EditorState/apply(_:)``: what
/// the body reads afterwards, where the cursor is (`|`, and `[…]` the selection), and the edit each
/// key hands to the document.
@Suite struct BodyEditorTests {
    @Test func bOpensTheSelectedJobsBodyAndEscGoesBack() throws {
        var state = try BodyEditing.open("fn(state => state)\n")
        #expect(state.mode == .body)
        #expect(state.bodyWithCursor == "|fn(state => state)\n")
        state.press(.escape)
        #expect(state.mode == .normal)
        #expect(state.body == nil)

        var onTrigger = try Editors.canonical()
        onTrigger.select(onTrigger.workflow.triggers[0].id)
        onTrigger.press(.character("b"))
        #expect(onTrigger.mode == .normal, "a trigger has no body")
        #expect(onTrigger.toasts.current?.text.contains("Select a job") == true)
    }

    @Test func typingInsertsAtTheCursorAndHandsTheEditToTheDocument() throws {
        var state = try BodyEditing.open("fn()")
        let jobID = state.bodyJobID
        state.press(.end, .left)
        let effects = state.type("x, y")
        #expect(state.bodyWithCursor == "fn(x, y|)")
        #expect(
            effects == [
                .editBody(jobID: jobID, utf16Offset: 3, deleteCount: 0, insert: "x"),
                .editBody(jobID: jobID, utf16Offset: 4, deleteCount: 0, insert: ","),
                .editBody(jobID: jobID, utf16Offset: 5, deleteCount: 0, insert: " "),
                .editBody(jobID: jobID, utf16Offset: 6, deleteCount: 0, insert: "y"),
            ])
    }

    @Test func enterBreaksTheLineAndTabIndentsWithSpacesToTheNextStop() throws {
        var state = try BodyEditing.open("ab")
        state.press(.right)
        #expect(
            state.press(.enter) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 1, deleteCount: 0, insert: "\n")
            ])
        #expect(state.bodyWithCursor == "a\n|b")
        state.press(.tab)
        #expect(state.bodyWithCursor == "a\n  |b")
        state.type("x")
        #expect(
            state.press(.tab) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 5, deleteCount: 0, insert: " ")
            ])
        #expect(state.bodyWithCursor == "a\n  x |b", "to the next multiple of two columns")
    }

    @Test func backspaceAndDeleteRemoveACharacterOrALineBreak() throws {
        var state = try BodyEditing.open("ab\ncd")
        #expect(state.press(.backspace).isEmpty, "nothing before the start")
        state.press(.down)
        #expect(
            state.press(.backspace) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 2, deleteCount: 1, insert: "")
            ])
        #expect(state.bodyWithCursor == "ab|cd")
        #expect(
            state.press(.delete) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 2, deleteCount: 1, insert: "")
            ])
        #expect(state.bodyWithCursor == "ab|d")
        state.press(.control("d"), .control("d"))
        #expect(state.bodyWithCursor == "ab|", "Ctrl-D deletes forward too; nothing after the end")
        state.press(.backspace, .backspace)
        #expect(state.bodyWithCursor == "|")
    }

    @Test func aCharacterIsWhatAPersonSeesInUTF16UnitsForTheDocument() throws {
        // e + combining acute (2 units), a thumbs-up with a skin tone (4 units), two CJK ideographs.
        var state = try BodyEditing.open("e\u{301}👍🏽漢字")
        state.press(.right)
        #expect(state.bodyCursor == 2, "é made of two scalars is one step")
        state.press(.right)
        #expect(state.bodyCursor == 6, "the emoji and its modifier are one step")
        #expect(state.body?.cursorDisplayColumn == 3, "é takes one column, the emoji two")
        state.press(.right)
        #expect(state.body?.cursorDisplayColumn == 5, "漢 takes two columns")
        #expect(
            state.press(.backspace) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 6, deleteCount: 1, insert: "")
            ])
        #expect(
            state.press(.backspace) == [
                .editBody(jobID: state.bodyJobID, utf16Offset: 2, deleteCount: 4, insert: "")
            ],
            "the emoji goes whole: four UTF-16 units")
        #expect(state.bodyWithCursor == "e\u{301}|字")
        state.press(.home, .delete)
        #expect(state.bodyWithCursor == "|字", "delete takes é and its accent together")
        state.type("ü")
        #expect(state.bodyWithCursor == "ü|字")
    }

    @Test func upAndDownKeepTheColumnAcrossShortLinesTabsAndWideCharacters() throws {
        var state = try BodyEditing.open("abcdef\nab\n\tx\n漢字漢字\nabcdef")
        state.press(.end, .left)
        #expect(state.body?.cursorDisplayColumn == 5)
        state.press(.down)
        #expect(state.bodyWithCursor.hasPrefix("abcdef\nab|"), "a short line: its end")
        state.press(.down)
        #expect(state.body?.cursorLocation.line == 2)
        #expect(state.body?.cursorLocation.column == 2, "after the tab (columns 0-3) and x: column 5")
        state.press(.down)
        #expect(state.body?.cursorLocation.column == 2, "漢字 ends at column 4; 漢 at 4 would pass 5")
        state.press(.down)
        #expect(state.body?.cursorDisplayColumn == 5, "back to the column it aimed for")
        state.press(.down)
        #expect(state.bodyCursor == state.body?.buffer.utf16Count, "down on the last line: the end")
        state.press(.controlHome, .up)
        #expect(state.bodyCursor == 0)
    }

    @Test func wordMovesWithCtrlArrowsAndAltBF() throws {
        var state = try BodyEditing.open("const since = state.cursor;\nreturn since")
        state.press(.controlRight)
        #expect(state.bodyWithCursor.hasPrefix("const| since"))
        state.press(.alt("f"), .alt("f"))
        #expect(state.bodyWithCursor.hasPrefix("const since = state|.cursor"))
        state.press(.controlRight, .controlRight)
        #expect(state.bodyWithCursor.hasSuffix("\nreturn| since"), "across the line break")
        state.press(.controlLeft)
        #expect(state.bodyWithCursor.hasSuffix("\n|return since"))
        state.press(.alt("b"))
        #expect(state.bodyWithCursor.hasPrefix("const since = state.|cursor"))
    }

    @Test func homeEndAndTheWholeBody() throws {
        var state = try BodyEditing.open("a\n    return x;\nz")
        state.press(.down, .end)
        #expect(state.bodyWithCursor == "a\n    return x;|\nz")
        state.press(.home)
        #expect(state.bodyWithCursor == "a\n    |return x;\nz", "Home: the first non-blank character")
        state.press(.home)
        #expect(state.bodyWithCursor == "a\n|    return x;\nz", "again: column 1")
        state.press(.control("e"))
        #expect(state.bodyWithCursor == "a\n    return x;|\nz", "Ctrl-E")
        state.press(.control("a"))
        #expect(state.bodyWithCursor == "a\n    |return x;\nz", "Ctrl-A")
        state.press(.controlEnd)
        #expect(state.bodyWithCursor == "a\n    return x;\nz|")
        state.press(.alt("<"))
        #expect(state.bodyWithCursor == "|a\n    return x;\nz")
        state.press(.alt(">"))
        #expect(state.bodyWithCursor.hasSuffix("z|"))
    }

    @Test func pageDownAndUpMoveAWindowAndScrollWithIt() throws {
        let text = (1...200).map { "line \($0)" }.joined(separator: "\n")
        var state = try BodyEditing.open(text)
        let window = state.bodyTextSize(lineCount: 200).height
        #expect(window == 20, "24 rows less the status and message lines and the frame")
        state.press(.right, .right)
        state.press(.pageDown)
        #expect(state.body?.cursorLocation.line == window)
        #expect(state.body?.cursorLocation.column == 2, "the column is kept")
        #expect(state.body?.scroll.y == window)
        state.press(.pageDown, .pageDown)
        #expect(state.body?.cursorLocation.line == 3 * window)
        state.press(.pageUp)
        #expect(state.body?.cursorLocation.line == 2 * window)
        #expect(state.body.map { $0.scroll.y <= 2 * window && 2 * window < $0.scroll.y + window } == true)
        state.press(.controlEnd)
        #expect(state.body?.scroll.y == 200 - window, "the last line at the bottom of the window")
    }

    @Test func shiftArrowsSelectAndTypingReplacesTheSelection() throws {
        var state = try BodyEditing.open("hello world")
        state.press(.shiftRight, .shiftRight, .shiftRight)
        #expect(state.bodyWithCursor == "[hel|]lo world")
        state.press(.shiftLeft)
        #expect(state.bodyWithCursor == "[he|]llo world")
        let effects = state.type("J")
        #expect(effects == [.editBody(jobID: state.bodyJobID, utf16Offset: 0, deleteCount: 2, insert: "J")])
        #expect(state.bodyWithCursor == "J|llo world")
        state.press(.shiftEnd)
        #expect(state.bodyWithCursor == "J[llo world|]")
        state.press(.escape)
        #expect(state.mode == .body, "Esc drops the selection first")
        #expect(state.bodyWithCursor == "Jllo world|")
        state.press(.shiftHome, .backspace)
        #expect(state.bodyWithCursor == "|", "Shift-Home selects to the line's start; Backspace deletes it")
    }

    @Test func shiftUpAndDownSelectWholeLines() throws {
        var state = try BodyEditing.open("one\ntwo\nthree")
        state.press(.shiftDown, .shiftDown)
        #expect(state.bodyWithCursor == "[one\ntwo\n|]three")
        state.press(.delete)
        #expect(state.bodyWithCursor == "|three")
        state.press(.end, .shiftUp)
        #expect(state.bodyWithCursor == "[|three]", "nothing above: to the start")
    }

    @Test func theMarkSelectsWithPlainMovesUntilAnEditOrEsc() throws {
        var state = try BodyEditing.open("let a = 1;\nlet b = 2;")
        state.press(.control(" "), .controlRight, .controlRight)
        #expect(state.bodyWithCursor == "[let a|] = 1;\nlet b = 2;")
        #expect(state.body?.isMarking == true)
        state.press(.control("c"))
        #expect(state.bodyClipboard == "let a")
        #expect(state.body?.selection == nil, "copying drops the selection")
        state.press(.control(" "), .down, .control(" "))
        #expect(state.body?.selection == nil, "Ctrl-Space again drops the mark")
        state.press(.control(" "), .home)
        state.press(.escape)
        #expect(state.mode == .body)
        #expect(state.body?.isMarking == false)
    }

    @Test func cutCopyAndPasteUseTheEditorsOwnClipboard() throws {
        var state = try BodyEditing.open("alpha beta\n")
        state.press(.control("v"))
        #expect(state.toasts.current?.text.contains("Nothing to paste") == true)
        state.press(.control("x"))
        #expect(state.toasts.current?.text.contains("Nothing selected") == true)
        state.press(.controlRight, .shiftRight, .shiftRight, .shiftRight, .shiftRight, .shiftRight)
        let cut = state.press(.control("x"))
        #expect(cut == [.editBody(jobID: state.bodyJobID, utf16Offset: 5, deleteCount: 5, insert: "")])
        #expect(state.bodyWithCursor == "alpha|\n")
        #expect(state.bodyClipboard == " beta")
        state.press(.controlEnd)
        let pasted = state.press(.control("v"))
        #expect(
            pasted == [
                .endUndoStep, .editBody(jobID: state.bodyJobID, utf16Offset: 6, deleteCount: 0, insert: " beta"),
                .endUndoStep,
            ])
        #expect(state.bodyWithCursor == "alpha\n beta|")
        state.press(.shiftHome, .shiftHome, .control("c"), .controlHome, .control("v"))
        #expect(state.bodyWithCursor == " beta|alpha\n beta")

        var other = try BodyEditing.open("x")
        other.press(.escape)
        other.select(other.workflow.jobs[1].id)
        other.press(.character("b"))
        #expect(other.bodyJobID == other.workflow.jobs[1].id)
    }

    @Test func ctrlSSavesAndCtrlZYUndoAndRedo() throws {
        var state = try BodyEditing.open("x")
        #expect(state.press(.control("s")) == [.save])
        #expect(state.press(.control("z")) == [.undo])
        #expect(state.press(.control("y")) == [.redo])
        #expect(state.press(.control("l")) == [.redraw])
        #expect(state.mode == .body)
        state.type("qj")
        #expect(state.bodyWithCursor == "qj|x", "q and j type in a body; they do not quit or move")
    }

    @Test func aLongLineScrollsSideways() throws {
        let long = String(repeating: "abcdefghij", count: 20)
        var state = try BodyEditing.open(long + "\nshort")
        let width = state.bodyTextSize(lineCount: 2).width
        state.press(.end)
        let scroll = try #require(state.body?.scroll.x)
        #expect(scroll > 0)
        #expect(200 >= scroll && 200 < scroll + width, "the cursor is in the window")
        state.press(.down)
        #expect(state.body?.scroll.x == 0, "the short line's end is in view again")
        state.press(.up, .home, .home)
        #expect(state.body?.scroll.x == 0)
    }

    @Test func aRemoteEditReloadsTheTextAndTheDriverPlacesTheCursor() throws {
        var state = try BodyEditing.open("let a = 1;")
        state.press(.end)
        var workflow = state.workflow
        workflow.jobs[0].body = "// bob\nlet a = 1;"
        state.send(
            .remoteChange(
                .init(workflow: workflow, isDirty: true, changedIDs: [workflow.jobs[0].id], author: "bob")))
        #expect(state.bodyText == "// bob\nlet a = 1;")
        #expect(state.toasts.toasts.isEmpty, "bob's typing shows in the body, without a message per key")
        state.send(.bodyCursorMoved(jobID: state.bodyJobID, utf16Offset: 17, anchor: nil))
        #expect(state.bodyWithCursor == "// bob\nlet a = 1;|")
        state.send(.bodyCursorMoved(jobID: "another-job", utf16Offset: 0, anchor: nil))
        #expect(state.bodyCursor == 17, "a cursor of another job's body is not ours")

        workflow.jobs[0].body = "x"
        state.send(
            .localChange(LocalChange(workflow: workflow, isDirty: true, canUndo: true, canRedo: false)))
        #expect(state.bodyWithCursor == "x|", "an undo's text, the cursor clamped until the driver places it")
    }

    @Test func theBodyClosesWhenItsJobIsRemoved() throws {
        var state = try BodyEditing.open("x")
        var workflow = state.workflow
        let jobID = state.bodyJobID
        workflow.edges.removeAll { $0.targetJobID == jobID || $0.sourceJobID == jobID }
        workflow.jobs.removeAll { $0.id == jobID }
        state.send(
            .remoteChange(.init(workflow: workflow, isDirty: true, changedIDs: [jobID], author: "bob")))
        #expect(state.mode == .normal)
        #expect(state.body == nil)
        #expect(state.toasts.toasts.contains { $0.text.contains("body you were editing was removed") })
    }

    @Test func anAltTheTableDoesNotKnowIsEscThenTheKeyInTheGraphButNothingInABody() throws {
        var graph = try Editors.canonical()
        #expect(graph.press(.alt("q")) == [.quit], "Esc then q, typed quickly, in the graph")

        var state = try BodyEditing.open("x")
        state.press(.shiftRight)
        #expect(state.press(.alt("j")).isEmpty)
        #expect(state.mode == .body)
        #expect(state.bodyWithCursor == "[x|]", "the selection stays and nothing was typed")
        state.press(.alt("?"))
        #expect(state.mode == .body, "it neither closed the body nor opened the help")
    }
}
