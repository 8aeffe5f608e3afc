import Foundation
import WeftTUI
import WorkflowModel

/// The editor's frame costs on a 500-job workflow (issue #6): first layout and frame, a key and its
/// frame, a merge and its frame. Pure values, so they measure the editor, not the terminal.
enum EditorBenchmarks {
    static func run(into report: inout Report) {
        progress("editor: layout and frames of a 500-job workflow")
        let workflow = largeWorkflow(jobCount: 500)
        let size = Size(width: 132, height: 40)
        let first = best(of: 5) {
            let state = EditorState(workflow: workflow, userName: "ann", size: size)
            _ = ScreenRenderer.render(state)
        }
        report.add("editor: layout + first frame, 500 jobs", milliseconds: first, target: "≤ 10 ms")

        var state = EditorState(workflow: workflow, userName: "ann", size: size)
        var keyTimes: [Double] = []
        for index in 0..<200 {
            let key: Key = index % 50 < 25 ? .down : .up
            keyTimes.append(measure {
                _ = state.apply(.key(key))
                _ = ScreenRenderer.render(state)
            })
        }
        keyTimes.sort()
        report.add(
            "editor: key → frame, p99 of 200 keys", milliseconds: keyTimes[keyTimes.count * 99 / 100],
            target: "≤ 16 ms")

        var changed = workflow
        changed.jobs[250].name = "renamed by a merge"
        changed.jobs.append(Job(id: "new-job", name: "added by a merge"))
        changed.edges.append(Edge(id: "new-edge", sourceJobID: "j10", targetJobID: "new-job"))
        let merge = best(of: 5) {
            var editor = state
            _ = editor.apply(
                .remoteChange(.init(workflow: changed, isDirty: false, changedIDs: ["j250", "new-job"], author: "bob")))
            _ = ScreenRenderer.render(editor)
        }
        report.add("editor: merge arrives → frame, 500 jobs", milliseconds: merge, target: "-")
    }

    /// Two triggers and `jobCount` jobs in a random tree with some back edges (seeded).
    static func largeWorkflow(jobCount: Int) -> Workflow {
        var random = SplitMix64(seed: 7)
        var workflow = Workflow(id: "large", name: "large workflow", lockVersion: 12)
        workflow.triggers = [
            Trigger(id: "t0", type: .webhook), Trigger(id: "t1", type: .cron, cronExpression: "*/5 * * * *"),
        ]
        for index in 0..<jobCount {
            workflow.jobs.append(Job(id: "j\(index)", name: "job \(index)", body: "fn(state => state)\n"))
        }
        workflow.edges.append(Edge(id: "e-t0", sourceTriggerID: "t0", targetJobID: "j0", conditionType: .always))
        workflow.edges.append(Edge(id: "e-t1", sourceTriggerID: "t1", targetJobID: "j1", conditionType: .always))
        let conditions: [Edge.Condition] = [.onJobSuccess, .onJobFailure, .always, .jsExpression]
        for index in 1..<jobCount {
            let parent = Int(random.next() % UInt64(index))
            let condition = conditions[Int(random.next() % 4)]
            workflow.edges.append(
                Edge(
                    id: "e\(index)", sourceJobID: "j\(parent)", targetJobID: "j\(index)", conditionType: condition,
                    conditionExpression: condition == .jsExpression ? "state.ok" : nil))
        }
        return workflow
    }
}
