import Testing
import WeftTestSupport
import WorkflowModel

@testable import WeftTUI

/// The body editor as golden screens (`__Goldens__/screen-body-*.txt`): our cursor and selection,
/// collaborators' cursors and selections in their colours with their initials, tabs as spaces and a
/// long line scrolled sideways.
@Suite struct BodyPaneGoldenTests {
    static let body = """
        // Fetch the patients registered since the last run, then hand them on to the next job in line.
        fn(state => {
        \tconst since = state.cursor ?? '2024-01-01';
        \treturn { ...state, since, note: 'café ☕ 患者' };
        });
        get('https://example.org/api/patients', { query: { since: state => state.since } });

        """

    static func withCollaborators() throws -> EditorState {
        var state = try BodyEditing.open(body)
        let jobID = state.bodyJobID
        // Bob's cursor after `const`, selecting `since`; carol's at the start of line 5.
        let line3 = BodyBuffer(body).utf16Offset(line: 2, column: 7)
        let line5 = BodyBuffer(body).utf16Offset(line: 4, column: 0)
        state.send(
            .presence([
                Participant(
                    id: "7", name: "Bob Stone", colourIndex: 1, selectedID: jobID,
                    bodyCursor: BodyPresence(jobID: jobID, utf16Offset: line3 + 5, anchor: line3)),
                Participant(
                    id: "9", name: "carol", colourIndex: 2, selectedID: jobID,
                    bodyCursor: BodyPresence(jobID: jobID, utf16Offset: line5)),
                Participant(
                    id: "11", name: "dan", colourIndex: 3,
                    bodyCursor: BodyPresence(jobID: "elsewhere", utf16Offset: 0)),
            ]))
        // Our cursor on line 4, selecting `return`.
        state.press(
            .down, .down, .down, .home, .shiftRight, .shiftRight, .shiftRight, .shiftRight, .shiftRight,
            .shiftRight)
        return state
    }

    @Test func theBodyEditorWithCollaboratorsCursors() throws {
        let state = try Self.withCollaborators()
        Golden.assertMatches(
            ScreenGoldenTests.screen(state, ScreenGoldenTests.utf8, styledRows: [1, 3, 4, 5]),
            goldenFile: "screen-body-collaborators-utf8.txt")
        Golden.assertMatches(
            ScreenGoldenTests.screen(state, ScreenGoldenTests.ascii),
            goldenFile: "screen-body-collaborators-ascii.txt")
    }

    @Test func aLongLineScrolledSideways() throws {
        var state = try Self.withCollaborators()
        state.press(.controlHome, .end)
        Golden.assertMatches(
            ScreenGoldenTests.screen(state, ScreenGoldenTests.utf8, styledRows: [1]),
            goldenFile: "screen-body-scrolled.txt")
    }
}
