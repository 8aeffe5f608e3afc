import Foundation
import WeftTestSupport
import WorkflowModel

/// Workflows the tests draw: the OpenFn canonical project's, and made-up ones of any size.
enum SampleWorkflows {
    /// `workflow-1` of Lightning's canonical project (webhook → webhook job → on fail / on success),
    /// with readable ids (`webhook-job`, `webhook->webhook-job`) and lock_version 3.
    static func canonical() throws -> Workflow {
        try workflow("workflow-1", lockVersion: 3)
    }

    /// The canonical project's workflow `key` with ids named after the keys.
    static func workflow(_ key: String, lockVersion: Int = 1) throws -> Workflow {
        let text = String(decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        let spec = try ProjectYAML.parse(text, file: "lightning-canonical_project.yaml")
        var counter = 0
        let (project, state) = ProjectState.resolve(spec: spec, state: nil) {
            counter += 1
            return "id-\(counter)"
        }
        guard let entry = state.workflow(key), let value = entry.value, var workflow = project.workflow(entry.id) else {
            throw SampleError("no workflow \(key) in the canonical project")
        }
        // Ids after the keys, so that tests read like the file.
        let jobKeys = Dictionary(uniqueKeysWithValues: value.jobs.map { ($0.id, $0.key) })
        let triggerKeys = Dictionary(uniqueKeysWithValues: value.triggers.map { ($0.id, $0.key) })
        let edgeKeys = Dictionary(uniqueKeysWithValues: value.edges.map { ($0.id, $0.key) })
        workflow.id = key
        workflow.lockVersion = lockVersion
        workflow.jobs = workflow.jobs.map { job in
            var job = job
            job.id = jobKeys[job.id] ?? job.id
            return job
        }
        workflow.triggers = workflow.triggers.map { trigger in
            var trigger = trigger
            trigger.id = triggerKeys[trigger.id] ?? trigger.id
            return trigger
        }
        workflow.edges = workflow.edges.map { edge in
            var edge = edge
            edge.id = edgeKeys[edge.id] ?? edge.id
            edge.sourceJobID = edge.sourceJobID.map { jobKeys[$0] ?? $0 }
            edge.sourceTriggerID = edge.sourceTriggerID.map { triggerKeys[$0] ?? $0 }
            edge.targetJobID = jobKeys[edge.targetJobID] ?? edge.targetJobID
            return edge
        }
        return workflow
    }

    /// A workflow of `jobCount` jobs in a deterministic tangle: one webhook, a spine, and branches
    /// of every condition, some of them long and some closing cycles.
    static func large(jobCount: Int, seed: UInt64 = 7) -> Workflow {
        var random = SplitMix(seed: seed)
        var workflow = Workflow(id: "large", name: "large workflow", lockVersion: 12)
        workflow.triggers = [Trigger(id: "t0", type: .webhook), Trigger(id: "t1", type: .cron, cronExpression: "*/5 * * * *")]
        for index in 0..<jobCount {
            workflow.jobs.append(Job(id: "j\(index)", name: "job \(index)", body: "fn(state => state)\n"))
        }
        workflow.edges.append(Edge(id: "e-t0", sourceTriggerID: "t0", targetJobID: "j0", conditionType: .always))
        if jobCount > 1 {
            workflow.edges.append(Edge(id: "e-t1", sourceTriggerID: "t1", targetJobID: "j1", conditionType: .always))
        }
        let conditions: [Edge.Condition] = [.onJobSuccess, .onJobFailure, .always, .jsExpression]
        for index in 1..<max(1, jobCount) {
            let parent = Int(random.next() % UInt64(index))
            let condition = conditions[Int(random.next() % 4)]
            workflow.edges.append(
                Edge(
                    id: "e\(index)", sourceJobID: "j\(parent)", targetJobID: "j\(index)", conditionType: condition,
                    conditionExpression: condition == .jsExpression ? "state.ok" : nil))
        }
        for index in stride(from: 5, to: jobCount, by: 9) {
            workflow.edges.append(
                Edge(id: "x\(index)", sourceJobID: "j\(index)", targetJobID: "j\(index / 3)", conditionType: .onJobFailure))
        }
        return workflow
    }
}

struct SampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small deterministic random number generator, so "random" workflows are the same every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
