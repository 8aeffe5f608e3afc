import Testing
import WeftTestSupport
import WorkflowModel

@testable import WeftTUI

/// The graph alone, drawn through windows of the canvas.
@Suite struct GraphRendererTests {
    static func draw(
        _ workflow: Workflow, glyphs: GlyphSet, decorations: GraphDecorations = .init(), width: Int? = nil,
        height: Int? = nil, scroll: Point = .zero
    ) -> CellGrid {
        let layout = GraphLayout.make(for: workflow)
        let area = Rect(x: 0, y: 0, width: width ?? layout.width, height: height ?? layout.height)
        var grid = CellGrid(width: area.width, height: area.height)
        GraphRenderer(layout: layout, workflow: workflow, glyphs: glyphs, decorations: decorations)
            .draw(into: &grid, area: area, scroll: scroll)
        return grid
    }

    @Test func theCanonicalWorkflowInUTF8AndASCII() throws {
        let workflow = try SampleWorkflows.canonical()
        let decorations = GraphDecorations(
            selectedID: "webhook-job", changedBy: ["on-fail": "BO"],
            presence: ["on-success": [PresenceMark(initials: "AL", colourIndex: 0)]])

        Golden.assertMatches(
            Self.draw(workflow, glyphs: .unicode, decorations: decorations).text, goldenFile: "graph-canonical-utf8.txt")
        Golden.assertMatches(
            Self.draw(workflow, glyphs: .ascii, decorations: decorations).text, goldenFile: "graph-canonical-ascii.txt")
    }

    @Test func conditionsDifferWithoutColour() {
        var workflow = Workflow(id: "w", name: "conditions")
        workflow.jobs = [Job(id: "a", name: "source")] + Edge.Condition.allCases.map { Job(id: $0.rawValue, name: $0.rawValue) }
        workflow.edges = Edge.Condition.allCases.map {
            Edge(
                id: "to-\($0.rawValue)", sourceJobID: "a", targetJobID: $0.rawValue, conditionType: $0,
                conditionExpression: $0 == .jsExpression ? "state.data.length > 0" : nil)
        }
        Golden.assertMatches(Self.draw(workflow, glyphs: .unicode).text, goldenFile: "graph-conditions-utf8.txt")
        Golden.assertMatches(Self.draw(workflow, glyphs: .ascii).text, goldenFile: "graph-conditions-ascii.txt")
    }

    @Test func aLargeWorkflowDrawnThroughAScrolledWindow() {
        let grid = Self.draw(
            SampleWorkflows.large(jobCount: 40), glyphs: .unicode, width: 70, height: 20, scroll: Point(x: 30, y: 12))
        Golden.assertMatches(grid.text, goldenFile: "graph-large-scrolled.txt")
    }
}
