import Foundation
import Testing
import WeftProtocol
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `weft history`, `show` and `restore` against the real relay (issue #8, part 2).
    @Suite("history")
    struct HistoryCommands {
        /// Every write is a version, CLI deploys and a restore included, each with who made it and how;
        /// `weft show` prints an old one as it was.
        @Test func historyListsEveryWriteAndShowPrintsAnOldVersion() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let workflow = "\(ProjectFile.projectName)/workflow 1"
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                // Ann moves a node and saves (a layout a deploy keeps), then a deploy changes a body.
                try ann.edit { $0.positions[webhook] = Position(x: 300, y: 40) }
                guard case .saved = try ann.save() else { throw TestSupportError("Ann's save failed") }
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('v3')")
                }
                try project.file.deploy(to: relay, allowStale: true)
                _ = try ann.takeWorkflowSaved()

                let restore = try weft(["restore", workflow, "--version", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                #expect(restore.standardOutputText.contains("version 1 restored as version 4"))

                let listed = try weft(["history", workflow, "--json"], relay)
                #expect(listed.status == 0, "\(listed.standardErrorText)")
                let versions =
                    try JSON.parse(listed.standardOutputText).objectValue?["versions"]?.arrayValue ?? []
                let rows = versions.compactMap(\.objectValue)
                #expect(rows.map { $0["lock_version"]?.integerValue } == [1, 2, 3, 4])
                #expect(rows.map { $0["source"]?.stringValue } == ["deploy", "editor", "deploy", "restore"])
                #expect(rows[1]["actor"] == ["name": "Ann", "kind": "person"])
                #expect(rows[0]["actor"]?.objectValue?["kind"] == "system")
                #expect(rows.allSatisfy { $0["created_at"]?.stringValue?.hasPrefix("20") == true })
                let table = try weft(["history", workflow], relay).standardOutputText
                #expect(table.contains("4 version(s)") && table.contains("restore") && table.contains("Ann"))

                // Version 3 as the deploy wrote it, in both forms.
                let human = try weft(["show", workflow, "--version", "3"], relay)
                #expect(human.status == 0)
                #expect(human.standardOutputText.contains("| console.log('v3')"))
                let third = try TestEditor.workflow(
                    from: JSON.parse(
                        weft(["show", workflow, "--version", "3", "--json"], relay).standardOutputText))
                #expect(third.positions[webhook] == Position(x: 300, y: 40))
                let json = try weft(["show", project.workflow1, "--version", "1", "--json"], relay)
                let first = try TestEditor.workflow(from: JSON.parse(json.standardOutputText))
                let stored = try WeftStore(path: relay.database).version(
                    of: project.workflow1, lockVersion: 1)
                #expect(first == stored?.workflow)
                #expect(
                    first.positions[webhook] == nil
                        && first.body(of: webhook).contains("console.log('webhook job')"))

                // The restore is what the database and Ann's editor now hold.
                let current = try storedWorkflow(project.workflow1, in: relay)
                #expect(current.lockVersion == 4 && current.positions[webhook] == nil)
                #expect(current.body(of: webhook).contains("console.log('webhook job')"))
                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .restore && notice.lockVersion == 4)
            }
        }

        /// Unknown workflows and versions are refused plainly, and nothing is written.
        @Test func unknownWorkflowsAndVersionsAreClearErrors() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let missing = try weft(["history", "nope/nothing"], relay)
                #expect(missing.status == 1)
                #expect(missing.standardErrorText.contains("no workflow \"nope/nothing\""))
                let badVersion = try weft(["restore", project.workflow1, "--version", "9"], relay)
                #expect(badVersion.status == 1)
                #expect(badVersion.standardErrorText.contains("has no version 9; its versions are 1 to 1"))
                let show = try weft(["show", project.workflow1, "--version", "2"], relay)
                #expect(show.status == 1 && show.standardErrorText.contains("no version 2"))
                let zero = try weft(["restore", project.workflow1, "--version", "0"], relay)
                #expect(zero.status != 0 && zero.standardErrorText.contains("--version must be 1 or more"))
                #expect(try storedWorkflow(project.workflow1, in: relay).lockVersion == 1)
            }
        }

        /// A restore while people edit arrives as any external version does: `workflow_saved` with source
        /// `restore` from the person who ran it; an editor with nothing unsaved is clean afterwards, and
        /// one with an unsaved edit elsewhere keeps it (the marker shows only that).
        @Test func aRestoreReachesOpenEditorsAndKeepsTheirUnsavedEdits() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('v2')")
                }
                try project.file.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                try ann.append("// Ann's unsaved note\n", toBodyOf: onFail)
                try converge([ann, bob])
                try ann.waitForAcks()

                let restore = try weft(["restore", project.workflow1, "--version", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                for editor in [ann, bob] {
                    let notice = try editor.takeWorkflowSaved()
                    #expect(notice.source == .restore)
                    #expect(
                        notice.actor.kind == .person && notice.actor.name == ProcessInfo.processInfo.userName)
                    #expect(notice.lockVersion == 3)
                    #expect(notice.conflicts.isEmpty)
                }
                try converge([ann, bob])
                for editor in [ann, bob] {
                    #expect(editor.workflow.body(of: webhook).contains("console.log('webhook job')"))
                    #expect(editor.workflow.body(of: onFail).hasSuffix("// Ann's unsaved note\n"))
                    #expect(editor.lockVersion == 3)
                    let marker = editor.unsavedDifferences
                    #expect(marker.count == 1 && marker.first?.id == onFail, "\(editor.name): \(marker)")
                }
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)

                // With the note saved, a restore of the version that has it leaves every marker clean.
                guard case .saved = try ann.save() else { throw TestSupportError("Ann's save failed") }
                _ = try bob.takeWorkflowSaved()
                try converge([ann, bob])
                _ = try weft(["restore", project.workflow1, "--version", "2"], relay)
                for editor in [ann, bob] { _ = try editor.takeWorkflowSaved() }
                try converge([ann, bob])
                #expect(!ann.isDirty && !bob.isDirty)
                #expect(!ann.workflow.body(of: onFail).contains("Ann's unsaved note"))
                #expect(ann.workflow.body(of: webhook).contains("console.log('v2')"))
            }
        }

        /// With no relay running, `weft restore` writes the database itself (under the deploy lock) and
        /// brings the persisted document along: the next joiner sees the restored version.
        @Test func aRestoreWithNoRelayRunning() throws {
            try withRelay(unloadAfter: 0) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let webhook: String
                do {
                    let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                    webhook = try ann.base.jobID(named: "webhook job")
                    try ann.waitForAcks()
                    ann.close()
                }
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('v2')")
                }
                try project.file.deploy(to: relay)
                try waitUntilNoRoomIsLoaded(relay)
                #expect(relay.stop() == 0)

                let history = try weft(["history", project.workflow1], relay)
                #expect(history.status == 0 && history.standardOutputText.contains("2 version(s)"))
                let restore = try weft(["restore", project.workflow1, "--version", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                #expect(restore.standardErrorText.contains("directly"))
                let store = try WeftStore(path: relay.database)
                #expect(try store.deployLockHolder() == nil, "the lock is released")
                #expect(try store.versions(of: project.workflow1).last?.source == .restore)

                try relay.start()
                let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                try expectDocumentIsTheDatabaseVersion(carol, relay: relay, workflowID: project.workflow1)
                #expect(carol.lockVersion == 3)
                #expect(carol.workflow.body(of: webhook).contains("console.log('webhook job')"))
            }
        }

        /// A workflow a deploy deleted keeps its history under its old name, and restoring a version from
        /// before the deletion brings it back.
        @Test func aDeletedWorkflowCanBeRestored() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                try project.file.rewrite { text in
                    String(text[..<text.range(of: "  workflow-2:")!.lowerBound])
                }
                try project.file.deploy(to: relay)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 2"] == nil)

                let workflow = "\(ProjectFile.projectName)/workflow 2"
                let history = try weft(["history", workflow, "--json"], relay)
                #expect(history.status == 0, "\(history.standardErrorText)")
                let versions = try JSON.parse(history.standardOutputText).objectValue?["versions"]?.arrayValue
                #expect(versions?.count == 2)
                let restore = try weft(["restore", workflow, "--version", "1"], relay)
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 2"]?.lockVersion == 3)
                #expect(try storedWorkflow(project.workflow2, in: relay).deletedAt == nil)
            }
        }

        /// A viewer may read the history but not restore.
        @Test func aViewerReadsHistoryButCannotRestore() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                try grant(
                    ProcessInfo.processInfo.userName, role: "viewer", project: ProjectFile.projectName,
                    relay: relay)
                let history = try weft(["history", project.workflow1], relay)
                #expect(history.status == 0, "\(history.standardErrorText)")
                let restore = try weft(["restore", project.workflow1, "--version", "1"], relay)
                #expect(restore.status == 1)
                #expect(restore.standardErrorText.contains("is a viewer of this project and may not restore"))
            }
        }
    }
}

/// Runs `weft` against `relay`'s socket, and its database when it is not running.
func weft(_ arguments: [String], _ relay: RelayProcess) throws -> ChildProcess.Result {
    try relay.weft(arguments + ["--socket", relay.socket, "--db", relay.database])
}
