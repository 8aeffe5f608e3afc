import Foundation
import Testing

@testable import WorkflowModel
@testable import YCRDT

/// An edge without a condition runs as in Lightning: `always` from a trigger (Lightning refuses any
/// condition there but `always` and `js_expression`), `on_job_success` from a job (what Lightning's
/// editor gives a new edge). The rule is the same whether the edge is made in code, decoded, or read
/// from a document or a provisioning file.
@Suite struct EdgeDefaultConditionTests {
    static let trigger = "00000000-0000-4000-8000-000000000003"
    static let first = "00000000-0000-4000-8000-000000000004"
    static let second = "00000000-0000-4000-8000-000000000005"

    @Test func madeInCode() {
        #expect(Edge(id: "e1", sourceTriggerID: "t", targetJobID: "a").conditionType == .always)
        #expect(Edge(id: "e2", sourceJobID: "a", targetJobID: "b").conditionType == .onJobSuccess)
        #expect(
            Edge(id: "e3", sourceTriggerID: "t", targetJobID: "a", conditionType: .jsExpression).conditionType
                == .jsExpression)
    }

    @Test func decoded() throws {
        let fromTrigger = #"{"id": "e1", "source_trigger_id": "t", "target_job_id": "a"}"#
        let fromJob = #"{"id": "e2", "source_job_id": "a", "target_job_id": "b"}"#
        #expect(try JSONDecoder().decode(Edge.self, from: Data(fromTrigger.utf8)).conditionType == .always)
        #expect(try JSONDecoder().decode(Edge.self, from: Data(fromJob.utf8)).conditionType == .onJobSuccess)
    }

    @Test func readFromADocument() throws {
        let doc = Doc(clientID: 1)
        try doc.array("edges").append([
            .map(["id": "e1", "source_trigger_id": "t", "target_job_id": "a"]),
            .map(["id": "e2", "source_job_id": "a", "target_job_id": "b"]),
            .map(["id": "e3", "source_job_id": "a", "target_job_id": "b", "condition_type": "no_such_condition"]),
        ])
        let edges = WorkflowDocument.read(doc).edges
        #expect(edges.map(\.conditionType) == [.always, .onJobSuccess, .onJobSuccess])
    }

    @Test func readFromProvisioningJSON() throws {
        let json = """
            {"id": "00000000-0000-4000-8000-000000000001", "name": "p", "workflows": [
              {"id": "00000000-0000-4000-8000-000000000002", "name": "w",
               "triggers": [{"id": "\(Self.trigger)", "type": "webhook"}],
               "jobs": [{"id": "\(Self.first)", "name": "a", "adaptor": "x", "body": ""},
                        {"id": "\(Self.second)", "name": "b", "adaptor": "x", "body": ""}],
               "edges": [
                 {"id": "00000000-0000-4000-8000-000000000006", "source_trigger_id": "\(Self.trigger)",
                  "target_job_id": "\(Self.first)"},
                 {"id": "00000000-0000-4000-8000-000000000007", "source_job_id": "\(Self.first)",
                  "target_job_id": "\(Self.second)"}]}]}
            """
        let edges = try ProvisioningJSON.parse(json, file: "p.json").project.workflows[0].edges
        #expect(edges.map(\.conditionType) == [.always, .onJobSuccess])
        // Both are what Lightning accepts.
        let workflow = try ProvisioningJSON.parse(json, file: "p.json").project.workflows[0]
        #expect(WorkflowValidator.validate(workflow).filter { $0.field == "condition_type" }.isEmpty)
    }
}
