import Foundation
import Testing
import WeftStore
import WorkflowModel

/// The drafts table: unsaved edits a reset discarded, kept until restored once.
@Suite struct DraftTests {
    @Test func aDraftIsKeptListedAndRestoredOnce() throws {
        let store = try WeftStore.temporary()
        _ = try store.createProject(id: "p", name: "acme")
        let saved = try store.createWorkflow(
            Samples.richWorkflow(), in: "p", actor: Samples.deployer, source: .deploy)
        var edited = saved.workflow
        edited.jobs[0].body += "// unsaved\n"

        let id = try store.saveDraft(edited, basedOn: 1, displacedBy: 2, people: ["bob", "ann"])
        let second = try store.saveDraft(edited, basedOn: 2, displacedBy: 3, people: [])
        #expect(second == id + 1)
        let draft = try #require(try store.draft(id: id))
        #expect(draft.workflow == edited)
        #expect(draft.workflowID == "wf-rich" && draft.basedOn == 1 && draft.displacedBy == 2)
        #expect(draft.people == ["ann", "bob"])
        #expect(!draft.isRestored)

        #expect(try store.markDraftRestored(id: id, by: "carol"))
        #expect(try !store.markDraftRestored(id: id, by: "dave"), "a draft is claimed once")
        #expect(try store.draft(id: id)?.restoredBy == "carol")
        #expect(try store.drafts().map(\.id) == [id, second])
        #expect(try store.drafts(includeRestored: false).map(\.id) == [second])
        #expect(try !store.markDraftRestored(id: 99, by: "carol"))

        try store.unmarkDraftRestored(id: id)
        #expect(try store.draft(id: id)?.isRestored == false)
        #expect(try store.auditTrail(subject: "wf-rich").contains { $0.action == "draft.kept" })
    }
}
