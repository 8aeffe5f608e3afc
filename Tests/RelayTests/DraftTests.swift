import Foundation
import Testing
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `weft drafts` (issue #8, part 5): a `reset`-mode relay keeps the unsaved edits it discards, and
    /// they come back as unsaved edits.
    @Suite("drafts")
    struct Drafts {
        @Test func aResetKeepsTheDiscardedEditsAndRestoreBringsThemBack() throws {
            try withRelay(arguments: ["--external-update", "reset"]) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                try ann.append("// Ann's unsaved note\n", toBodyOf: onFail)
                try ann.waitForAcks()
                #expect(try weft(["drafts"], relay).standardOutputText.contains("no drafts"))

                // The deploy resets the document: Ann's note is gone from it, kept as draft 1.
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('v2')")
                }
                try project.file.deploy(to: relay)
                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .deploy)
                try ann.waitUntil("the reset reaches Ann") {
                    !ann.workflow.body(of: onFail).contains("Ann's")
                }
                #expect(!ann.isDirty)

                let listed = try weft(["drafts", "--json"], relay)
                #expect(listed.status == 0, "\(listed.standardErrorText)")
                let drafts =
                    try JSON.parse(listed.standardOutputText).arrayValue?.compactMap(\.objectValue) ?? []
                #expect(drafts.count == 1)
                let draft = try #require(drafts.first)
                #expect(draft["id"]?.integerValue == 1)
                #expect(draft["workflow_id"]?.stringValue == project.workflow1)
                #expect(draft["based_on"]?.integerValue == 1 && draft["displaced_by"]?.integerValue == 2)
                #expect(draft["people"] == ["Ann"])
                #expect(draft["changes"] == ["job \"on fail\": body changed"])
                #expect(draft["restored_at"] == nil)
                let table = try weft(["drafts"], relay).standardOutputText
                #expect(
                    table.contains("#1") && table.contains("workflow 1") && table.contains("Ann")
                        && table.contains("waiting"))

                // Restored: the note comes back into the live document as an unsaved edit, on top of v2.
                let restore = try weft(["drafts", "restore", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                try ann.waitUntil("the note comes back") {
                    ann.workflow.body(of: onFail).hasSuffix("// Ann's unsaved note\n")
                }
                #expect(ann.workflow.body(of: webhook).contains("console.log('v2')"))
                #expect(ann.isDirty)
                #expect(ann.unsavedDifferences.map(\.id) == [onFail])
                let stored = try storedWorkflow(project.workflow1, in: relay)
                #expect(
                    stored.lockVersion == 2 && !stored.body(of: onFail).contains("Ann's"), "nothing was saved"
                )

                // Someone joining now sees the edit too.
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                try converge([ann, bob])
                #expect(bob.isDirty && bob.workflow.body(of: onFail).hasSuffix("// Ann's unsaved note\n"))

                // A draft comes back once; an unknown one is an error.
                let again = try weft(["drafts", "restore", "1"], relay)
                #expect(again.status == 1 && again.standardErrorText.contains("restored already"))
                let unknown = try weft(["drafts", "restore", "99"], relay)
                #expect(unknown.status == 1 && unknown.standardErrorText.contains("no draft 99"))
                let after = try JSON.parse(weft(["drafts", "--json"], relay).standardOutputText).arrayValue?
                    .first
                #expect(after?.objectValue?["restored_at"] != nil)
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
            }
        }

        /// With nobody online and no relay running, a draft is merged into the persisted document: the
        /// next joiner finds the edits unsaved, and where the draft and the current version clash the
        /// current content stays.
        @Test func aDraftRestoredWithNoRelayRunningWaitsInTheDocument() throws {
            try withRelay(unloadAfter: 0, arguments: ["--external-update", "reset"]) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let onFail: String
                let onSuccess: String
                do {
                    let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                    onFail = try ann.base.jobID(named: "on fail")
                    onSuccess = try ann.base.jobID(named: "on success")
                    try ann.append("// kept\n", toBodyOf: onFail)
                    try ann.edit { $0.jobs[$0.jobIndex(onSuccess)].name = "on success (Ann)" }
                    try ann.waitForAcks()
                    try project.file.rewrite {
                        $0.replacingOnce("name: on success", with: "name: on success (deployed)")
                    }
                    try project.file.deploy(to: relay)
                    _ = try ann.takeWorkflowSaved()
                    ann.close()
                }
                try waitUntilNoRoomIsLoaded(relay)
                #expect(relay.stop() == 0)

                let restore = try weft(["drafts", "restore", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                #expect(restore.standardOutputText.contains("1 of its edits clashed"))
                #expect(try WeftStore(path: relay.database).deployLockHolder() == nil)

                try relay.start()
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                #expect(bob.workflow.body(of: onFail).hasSuffix("// kept\n"))
                #expect(bob.workflow.job(onSuccess)?.name == "on success (deployed)")
                #expect(bob.unsavedDifferences.map(\.id) == [onFail])
                #expect(bob.lockVersion == 2)
            }
        }
    }
}
