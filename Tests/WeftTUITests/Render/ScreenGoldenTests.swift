import Testing
import WeftTestSupport
import WorkflowModel

@testable import WeftTUI

/// Whole screens as golden files (`__Goldens__/screen-*.txt`), re-recorded with
/// `WEFT_RECORD_GOLDENS=1` and reviewed as diffs.
@Suite struct ScreenGoldenTests {
    static let utf8 = RenderOptions(glyphs: .unicode, isMonochrome: false)
    static let ascii = RenderOptions(glyphs: .ascii, isMonochrome: true)
    static let mono = RenderOptions(glyphs: .unicode, isMonochrome: true)

    /// The screen's text; with `styledRows`, the style runs of those rows below it.
    static func screen(_ state: EditorState, _ options: RenderOptions, styledRows: [Int] = []) -> String {
        let grid = ScreenRenderer.render(state, options: options)
        guard !styledRows.isEmpty else { return grid.text }
        let runs = grid.styleRuns.split(separator: "\n").filter { line in
            styledRows.contains { line.hasPrefix("row \($0),") }
        }
        return grid.text + "\n-- roles of rows \(styledRows.map(String.init).joined(separator: ", ")) --\n"
            + runs.joined(separator: "\n") + "\n"
    }

    static func collaborating() throws -> EditorState {
        var state = EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "ann", size: Size(width: 80, height: 24),
            participants: [
                Participant(id: "7", name: "Bob Stone", colourIndex: 1, selectedID: "on-fail"),
                Participant(id: "9", name: "carol", colourIndex: 2, selectedID: "webhook-job"),
            ])
        state.press(.down)
        return state
    }

    @Test func theCanonicalWorkflow() throws {
        let state = try Self.collaborating()
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-canonical-80x24-utf8.txt")
        Golden.assertMatches(Self.screen(state, Self.ascii), goldenFile: "screen-canonical-80x24-ascii.txt")

        var large = state
        large.send(.resize(width: 132, height: 40))
        Golden.assertMatches(Self.screen(large, Self.utf8), goldenFile: "screen-canonical-132x40-utf8.txt")
    }

    @Test func theDetailPaneOfAJobATriggerAndAnEdge() throws {
        var workflow = try SampleWorkflows.canonical()
        workflow.jobs[0].body = """
            // Fetch the patients registered since the last run, then hand them on.
            fn(state => {
            \tconst since = state.cursor ?? '2024-01-01';
            \treturn { ...state, since };
            });
            get('https://example.org/api/patients', { query: { since: state => state.since } });

            """
        workflow.triggers = [Trigger(id: "webhook", type: .cron, cronExpression: "0 23 * * *", cronCursorJobID: "webhook-job")]
        workflow.edges[2].conditionType = .jsExpression
        workflow.edges[2].conditionExpression = "state.data.length > 0 && !state.errors"
        workflow.edges[2].conditionLabel = "has data"
        var state = EditorState(workflow: workflow, userName: "ann", size: Size(width: 100, height: 30))

        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-detail-trigger.txt")
        state.press(.down)
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-detail-job.txt")
        state.press(.tab, .tab)
        #expect(state.selectedID == "webhook-job->on-success")
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-detail-edge.txt")
    }

    @Test func theUnsavedMarkerDirtyAndCleanInUTF8ASCIIAndMonochrome() throws {
        let dirty = try Editors.canonical(isDirty: true)
        let clean = try Editors.canonical(isDirty: false)
        let row = dirty.screen.statusRow

        Golden.assertMatches(Self.screen(dirty, Self.utf8, styledRows: [row]), goldenFile: "screen-marker-dirty-utf8.txt")
        Golden.assertMatches(Self.screen(clean, Self.utf8, styledRows: [row]), goldenFile: "screen-marker-clean-utf8.txt")
        Golden.assertMatches(Self.screen(dirty, Self.ascii, styledRows: [row]), goldenFile: "screen-marker-dirty-ascii.txt")
        Golden.assertMatches(Self.screen(clean, Self.ascii, styledRows: [row]), goldenFile: "screen-marker-clean-ascii.txt")
        Golden.assertMatches(Self.screen(dirty, Self.mono, styledRows: [row]), goldenFile: "screen-marker-dirty-mono.txt")

        let utf8Status = ScreenRenderer.render(dirty, options: Self.utf8).line(row)
        #expect(utf8Status.contains("●"))
        #expect(ScreenRenderer.render(dirty, options: Self.ascii).line(row).contains("[+]"))
        #expect(ScreenRenderer.render(dirty, options: Self.mono).line(row).contains("[+]"))
        #expect(!ScreenRenderer.render(clean, options: Self.utf8).line(row).contains("●"))
    }

    @Test func aToastAfterADeployAndTheMessageThatStays() throws {
        var state = try Self.collaborating()
        var changed = state.workflow
        changed.jobs[0].name = "receive webhook"
        changed.jobs[1].body = "console.log('failed')\n"
        state.send(
            .workflowSaved(
                .init(
                    lockVersion: 4, workflow: changed, isDirty: false, author: "deploy", source: "deploy",
                    changedIDs: ["webhook-job", "on-fail"])))
        let messageRow = state.screen.messageRow

        Golden.assertMatches(Self.screen(state, Self.utf8, styledRows: [messageRow]), goldenFile: "screen-toast-sticky.txt")
        state.press(.escape)
        Golden.assertMatches(Self.screen(state, Self.utf8, styledRows: [messageRow]), goldenFile: "screen-toast-info.txt")
        state.send(.tick(.seconds(10)))
        #expect(ScreenRenderer.render(state).line(messageRow).hasPrefix("? help"))
    }

    @Test func aLargeGraphScrolledToTheSelection() {
        var state = EditorState(
            workflow: SampleWorkflows.large(jobCount: 60), userName: "ann", size: Size(width: 80, height: 24))
        state.press(.character("G"))
        #expect(state.graphScroll != .zero)

        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-large-scrolled.txt")
        state.press(.character("H"), .character("K"))
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-large-scrolled-back.txt")
    }

    @Test func theHelpOverlayAndTheQuitQuestion() throws {
        var state = try Editors.canonical(isDirty: true)
        state.press(.character("?"))
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-help.txt")
        state.press(.escape, .character("q"))
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-quit-question.txt")
    }

    /// Scrolled down to the body editor's keys (from the body's own key table).
    @Test func theHelpOverlayListsTheBodyKeys() throws {
        var state = try Editors.canonical()
        state.press(.character("?"))
        let lines = HelpOverlay.lines(state.keymap).map { $0.spans.map(\.text).joined() }
        let title = try #require(lines.firstIndex(of: HelpOverlay.bodyGroup))
        for _ in 0..<title { state.press(.character("j")) }
        Golden.assertMatches(Self.screen(state, Self.utf8), goldenFile: "screen-help-body-keys.txt")
    }

    @Test func aTerminalTooSmallSaysSo() throws {
        var state = try Editors.canonical()
        state.send(.resize(width: 15, height: 4))
        #expect(ScreenRenderer.render(state).line(0) == "Weft needs 20×6")
    }
}
