import Testing
import WorkflowModel

@testable import WeftTUI

/// Rough guards against a layout or render that grows worse than linear-ish. Debug builds are about
/// ten times slower than release; the release numbers are in docs/editor.md.
@Suite struct LayoutCostTests {
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test func aFiveHundredJobWorkflowLaysOutAndRendersWithinASecondInADebugBuild() {
        let workflow = SampleWorkflows.large(jobCount: 500)
        let clock = ContinuousClock()
        var state: EditorState?
        let first = clock.measure {
            state = EditorState(workflow: workflow, userName: "ann", size: Size(width: 132, height: 40))
            _ = ScreenRenderer.render(state!)
        }
        var editor = state!
        var changed = workflow
        changed.jobs[250].name = "renamed"
        let relayout = clock.measure {
            editor.send(.remoteChange(.init(workflow: changed, isDirty: true, changedIDs: ["j250"], author: "bob")))
            _ = ScreenRenderer.render(editor)
        }
        let keyToFrame = clock.measure {
            editor.press(.down)
            _ = ScreenRenderer.render(editor)
        }
        print(
            "500 jobs: first layout + frame \(Self.milliseconds(first)) ms, merge + frame \(Self.milliseconds(relayout)) ms, key + frame \(Self.milliseconds(keyToFrame)) ms"
        )
        #expect(first < .seconds(2))
        #expect(relayout < .seconds(2))
        #expect(keyToFrame < .seconds(1))
    }
}
