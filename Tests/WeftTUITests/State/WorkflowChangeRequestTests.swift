import Testing
import WorkflowModel

@testable import WeftTUI

/// The edits the editor asks for, applied to a workflow value as the driver applies them to the
/// document as it is then (which may have moved since the editor asked).
@Suite struct WorkflowChangeRequestTests {
    @Test func deletingANodeTakesItsEdgesPositionAndACronCursorOnIt() throws {
        var workflow = try SampleWorkflows.canonical()
        workflow.triggers[0] = Trigger(
            id: "webhook", type: .cron, cronExpression: "0 * * * *", cronCursorJobID: "webhook-job")
        workflow.positions["webhook-job"] = Position(x: 10, y: 20)
        try WorkflowChangeRequest.delete("webhook-job").apply(to: &workflow)
        #expect(workflow.jobs.map(\.id) == ["on-fail", "on-success"])
        #expect(workflow.edges.isEmpty)
        #expect(workflow.positions["webhook-job"] == nil)
        #expect(workflow.triggers[0].cronCursorJobID == nil)
    }

    @Test func whatSomeoneElseDeletedMeanwhileIsRefusedAndNothingChanges() throws {
        var workflow = try SampleWorkflows.canonical()
        let before = workflow
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.setField(.jobName, value: .text("x"), of: "gone").apply(to: &workflow)
        }
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.delete("gone").apply(to: &workflow)
        }
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.addEdge(Edge(id: "e9", sourceJobID: "gone", targetJobID: "on-fail"))
                .apply(to: &workflow)
        }
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.addJob(
                Job(id: "j9", name: "x"), edge: Edge(id: "e9", sourceJobID: "gone", targetJobID: "j9")
            ).apply(to: &workflow)
        }
        #expect(workflow == before)
    }

    @Test func anAddedIdThatIsTakenIsRefused() throws {
        var workflow = try SampleWorkflows.canonical()
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.addTrigger(Trigger(id: "on-fail", type: .webhook)).apply(to: &workflow)
        }
        #expect(workflow.triggers.count == 1)
    }

    @Test func aChoiceOutsideItsListIsRefused() throws {
        var workflow = try SampleWorkflows.canonical()
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.setField(.triggerType, value: .text("carrier pigeon"), of: "webhook")
                .apply(to: &workflow)
        }
        #expect(throws: WorkflowChangeRequest.Failure.self) {
            try WorkflowChangeRequest.setField(.edgeEnabled, value: .text("yes"), of: "webhook->webhook-job")
                .apply(to: &workflow)
        }
    }

    @Test func idsAreVersion4UUIDsAndTheSameSeedGivesTheSameOnes() {
        var first = IDSource(seed: 9)
        var second = IDSource(seed: 9)
        let ids = (0..<50).map { _ in first.next() }
        #expect(ids == (0..<50).map { _ in second.next() })
        #expect(Set(ids).count == 50)
        for id in ids {
            let parts = id.split(separator: "-")
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
            #expect(parts[2].first == "4")
            #expect("89ab".contains(parts[3].first!))
        }
    }
}
