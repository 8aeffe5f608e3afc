import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// A project file that no longer names a workflow deletes it (a version like any other), tells
    /// whoever has it open, and drops it from the state file; the other workflow is untouched.
    @Suite("deploy deletions")
    struct DeployDeletions {
        @Test func aWorkflowRemovedFromTheProjectFileIsDeletedAndItsEditorsAreTold() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "Ann")
                let before = try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.lockVersion

                try project.file.rewrite { text in
                    String(text[..<text.range(of: "  workflow-2:")!.lowerBound])
                }
                let result = try project.file.deploy(to: relay)
                #expect(result.standardOutputText.contains("workflow 2  deleted"))

                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .deploy)
                #expect(notice.lockVersion == 2)
                #expect(WorkflowDocument.read(ann.doc).deletedAt != nil)

                let listed = try relay.workflows()[ProjectFile.projectName] ?? [:]
                #expect(listed["workflow 2"] == nil)
                #expect(listed["workflow 1"]?.lockVersion == before)
                let state = try String(contentsOfFile: project.file.statePath, encoding: .utf8)
                #expect(!state.contains(project.workflow2))
                #expect(state.contains(project.workflow1))
                ann.close()
            }
        }
    }
}
