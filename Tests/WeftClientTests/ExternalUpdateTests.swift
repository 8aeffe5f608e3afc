import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

extension RelaySessionSuite {
    /// External writes while people edit (DESIGN.md behaviour 4): every session is told who and
    /// what, resets its base, and clears its marker unless unsaved edits remain.
    @Suite("external updates")
    struct ExternalUpdates {
        @Test func aDeployWhileEditingResetsTheBaseAndKeepsUnsavedEdits() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.session.base.jobID(named: "webhook job")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let onSuccess = try ann.session.base.jobID(named: "on success")
                let startVersion = ann.session.lockVersion

                // 1. Nobody has unsaved edits: both are told, both bases move, both markers stay clear.
                try project.redeploy(
                    replacing: "console.log('webhook job')", with: "console.log('webhook job, deployed')")
                try pumpUntil([ann, bob], "both hear of the first deploy") {
                    ann.savedNotices.count == 1 && bob.savedNotices.count == 1
                }
                let first = ann.savedNotices[0]
                #expect(first.source == .deploy)
                #expect(first.actor?.kind == .system)
                #expect(first.lockVersion == startVersion + 1)
                #expect(
                    first.summary.changed.contains {
                        $0.kind == .job && $0.id == webhook && $0.fields == ["body"]
                    })
                #expect(first.conflicts.isEmpty)
                #expect(!first.isDirty && !bob.savedNotices[0].isDirty)
                for session in [ann.session, bob.session] {
                    #expect(session.lockVersion == startVersion + 1)
                    #expect(session.base.body(of: webhook).contains("webhook job, deployed"))
                    #expect(session.workflow.body(of: webhook).contains("webhook job, deployed"))
                    #expect(!session.isDirty)
                }
                // The live document changed first, as ordinary updates: a remote change named the job.
                #expect(ann.remoteChanges.contains { $0.entityIDs.contains(webhook) })

                // 2. Ann edits another job's body first: after the deploy her edit is still there
                // (rebased) and her marker stays on, until she undoes it.
                try ann.session.edit { try $0.insertText("// mine\n", intoBodyOf: onSuccess, atUTF16: 0) }
                try pumpUntil([ann, bob], "Ann's edit is acked and Bob has it") {
                    ann.session.unacknowledgedUpdates == 0
                        && bob.session.workflow.body(of: onSuccess).hasPrefix("// mine\n")
                }
                try project.redeploy(
                    replacing: "console.log('on fail')", with: "console.log('on fail, deployed')")
                try pumpUntil([ann, bob], "both hear of the second deploy") {
                    ann.savedNotices.count == 2 && bob.savedNotices.count == 2
                }
                let second = ann.savedNotices[1]
                #expect(second.lockVersion == startVersion + 2)
                #expect(second.summary.changed.contains { $0.id == onFail && $0.fields == ["body"] })
                #expect(!second.summary.changed.contains { $0.id == onSuccess })
                #expect(second.isDirty)
                #expect(ann.session.isDirty)
                #expect(ann.session.base.body(of: onFail).contains("on fail, deployed"))
                #expect(ann.session.workflow.body(of: onFail).contains("on fail, deployed"))
                #expect(ann.session.workflow.body(of: onSuccess).hasPrefix("// mine\n"))
                #expect(ann.session.unsavedChanges.map(\.id) == [onSuccess])
                // The document is shared: Bob's replica holds Ann's unsaved edit too.
                #expect(bob.session.isDirty)

                #expect(ann.session.undo())
                #expect(!ann.session.isDirty)
                try pumpUntil([ann, bob], "Bob's marker clears after Ann's undo") { !bob.session.isDirty }
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
            }
        }

        /// A version made while the connection was down (a deploy straight into the database) is
        /// found on the rejoin: the base and lock_version come from `joined`, a notice without an
        /// actor says what moved, and the healed document arrives through the sync.
        @Test func aVersionMadeWhileAwayResetsTheBaseOnRejoin() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let startVersion = ann.session.lockVersion

                relay.kill9()
                try pumpUntil([ann], "Ann notices the drop") { ann.session.connectionState != .connected }
                try project.redeploy(
                    replacing: "console.log('on fail')", with: "console.log('on fail, while away')")
                try relay.start()
                try pumpUntil([ann], "Ann is back and told") {
                    ann.session.connectionState == .connected && !ann.savedNotices.isEmpty
                }
                let notice = ann.savedNotices[0]
                #expect(notice.actor == nil && notice.source == nil)
                #expect(notice.lockVersion == startVersion + 1)
                #expect(notice.summary.changed.contains { $0.id == onFail && $0.fields == ["body"] })
                #expect(ann.session.lockVersion == startVersion + 1)
                #expect(ann.session.base.body(of: onFail).contains("while away"))
                try pumpUntil([ann], "the healed document arrives") {
                    ann.session.workflow.body(of: onFail).contains("while away")
                }
                #expect(!ann.session.isDirty)
            }
        }
    }
}
