import Foundation
import Testing
import WeftProtocol
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `weft sandbox` against a real relay (issue #8, part 1): a sandbox is a copy of a project edited
    /// like any other, and its merge arrives in the parent's open editors as a deploy does.
    @Suite("sandboxes")
    struct Sandboxes {
        static let sandbox = "a-test-sandbox"

        /// Deploys the fixture and copies it into a sandbox with the real CLI.
        static func setUp(_ relay: RelayProcess) throws -> DeployedProject {
            let project = try DeployedProject.deploy(to: relay)
            let created = try relay.weftCommand([
                "sandbox", "create", ProjectFile.projectName, "--name", sandbox,
            ])
            #expect(
                created.standardOutputText.contains(
                    "created sandbox \(sandbox) of \(ProjectFile.projectName)"))
            return project
        }

        /// A sandbox change merged while Ann has the parent open with an unsaved edit elsewhere: it arrives
        /// live as a `merge` by the sandbox, her marker shows only her own edit, which is rebased on top.
        @Test func aMergeArrivesLiveInTheParentsEditorWithHerUnsavedEditRebased() throws {
            try withRelay { relay in
                let project = try Self.setUp(relay)
                let listing = try relay.workflows()
                let copies = try #require(listing[Self.sandbox])
                #expect(Set(copies.keys) == ["workflow 1", "workflow 2"])
                #expect(copies["workflow 1"]?.id != project.workflow1, "a sandbox has its own ids")
                let ls = try relay.weft(["ls", "--socket", relay.socket]).standardOutputText
                #expect(ls.contains("sandbox of \(ProjectFile.projectName)"), "\(ls)")

                let sam = try TestEditor(
                    socket: relay.socket, workflow: "\(Self.sandbox)/workflow 1", as: "Sam")
                let samWebhook = try sam.base.jobID(named: "webhook job")
                #expect(
                    samWebhook
                        != (try storedWorkflow(project.workflow1, in: relay).jobID(named: "webhook job")))
                try sam.append("// from the sandbox\n", toBodyOf: samWebhook)
                guard case .saved = try sam.save() else { throw TestSupportError("Sam's save failed") }

                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                let version = ann.lockVersion
                try ann.append("// Ann's unsaved note\n", toBodyOf: onFail)
                try ann.waitForAcks()

                let diff = try relay.weftCommand(["sandbox", "diff", Self.sandbox]).standardOutputText
                #expect(diff.contains("workflow 1: updated"), "\(diff)")
                #expect(diff.contains("~ job \"webhook job\": body"), "\(diff)")
                #expect(diff.contains("workflow 2: unchanged"), "\(diff)")

                let merged = try relay.weftCommand(["sandbox", "merge", Self.sandbox]).standardOutputText
                #expect(merged.contains("workflow 1  updated → v\(version + 1)"), "\(merged)")

                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .merge)
                #expect(notice.actor.kind == .system)
                #expect(notice.actor.name.contains(Self.sandbox))
                #expect(notice.lockVersion == version + 1)
                #expect(notice.conflicts.isEmpty)
                try ann.waitUntil("the merge is in Ann's document") {
                    ann.workflow.body(of: webhook).contains("// from the sandbox")
                }
                #expect(ann.workflow.body(of: onFail).hasSuffix("// Ann's unsaved note\n"))
                #expect(ann.lockVersion == version + 1)
                let marker = ann.unsavedDifferences
                #expect(marker.count == 1, "Ann's marker: \(marker)")
                #expect(marker.first?.id == onFail && marker.first?.field == "body")

                let stored = try storedWorkflow(project.workflow1, in: relay)
                #expect(stored.body(of: webhook).contains("// from the sandbox"))
                #expect(!stored.body(of: onFail).contains("Ann"), "a merge does not save unsaved edits")
                let last = try #require(try relay.versions(of: project.workflow1).last)
                #expect(
                    last.source == .merge && last.actor.kind == .system && last.lockVersion == version + 1)
                #expect(last.actor.name.contains(Self.sandbox))

                // The fork point advanced: merging again brings nothing.
                let again = try relay.weftCommand(["sandbox", "merge", Self.sandbox]).standardOutputText
                #expect(again.contains("nothing to merge"), "\(again)")
                #expect(try storedWorkflow(project.workflow1, in: relay).lockVersion == version + 1)
                #expect(ann.errors.isEmpty && sam.errors.isEmpty)
            }
        }

        /// A merge that changes workflow 1 sends nothing to Bob on workflow 2: no notice, his unsaved edit
        /// and its lock_version stay as they were.
        @Test func aMergeOfOneWorkflowLeavesTheOthersEditorsAndVersionAlone() throws {
            try withRelay { relay in
                let project = try Self.setUp(relay)
                let sam = try TestEditor(
                    socket: relay.socket, workflow: "\(Self.sandbox)/workflow 1", as: "Sam")
                try sam.edit {
                    $0.jobs[$0.jobIndex(try! $0.jobID(named: "on success"))].name = "on success (sandbox)"
                }
                guard case .saved = try sam.save() else { throw TestSupportError("Sam's save failed") }

                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "Bob")
                let cronJob = try bob.base.jobID(named: "some cronjob")
                let version2 = bob.lockVersion
                try bob.append("// Bob's unsaved line\n", toBodyOf: cronJob)
                try bob.waitForAcks()
                let before = bob.contents

                try relay.weftCommand(["sandbox", "merge", Self.sandbox])
                #expect(
                    try storedWorkflow(project.workflow1, in: relay).jobs.contains {
                        $0.name == "on success (sandbox)"
                    })

                try bob.pump(for: .milliseconds(700))
                #expect(!bob.inbox.contains { $0.type == "workflow_saved" }, "\(bob.inbox.map(\.type))")
                #expect(bob.contents == before)
                #expect(bob.lockVersion == version2)
                #expect(try storedWorkflow(project.workflow2, in: relay).lockVersion == version2)
                #expect(try relay.versions(of: project.workflow2).count == 1)
                #expect(bob.isDirty)
            }
        }

        /// Both sides renamed the same job since the fork: the merge is refused naming the conflict, and
        /// writes nothing; --force merges with the sandbox's name, keeping what only the parent changed.
        @Test func aDivergentMergeIsRefusedThenForced() throws {
            try withRelay { relay in
                let project = try Self.setUp(relay)
                let sam = try TestEditor(
                    socket: relay.socket, workflow: "\(Self.sandbox)/workflow 1", as: "Sam")
                try sam.edit {
                    $0.jobs[$0.jobIndex(try! $0.jobID(named: "on success"))].name = "on success (sandbox)"
                }
                guard case .saved = try sam.save() else { throw TestSupportError("Sam's save failed") }

                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let onSuccess = try ann.base.jobID(named: "on success")
                let onFail = try ann.base.jobID(named: "on fail")
                try ann.edit { $0.jobs[$0.jobIndex(onSuccess)].name = "on success (parent)" }
                try ann.append("// the parent's line\n", toBodyOf: onFail)
                guard case .saved(let parentVersion, _) = try ann.save() else {
                    throw TestSupportError("Ann's save failed")
                }

                let diff = try relay.weftCommand(["sandbox", "diff", Self.sandbox]).standardOutputText
                #expect(diff.contains("the parent changed too"), "\(diff)")
                #expect(diff.contains("! conflict:"), "\(diff)")

                let refused = try relay.weftCommand(["sandbox", "merge", Self.sandbox], expectSuccess: false)
                #expect(refused.status == 1)
                #expect(
                    refused.standardErrorText.contains("refused (conflicts)"), "\(refused.standardErrorText)")
                #expect(
                    refused.standardErrorText.contains(
                        "workflow 1: job \"on success (sandbox)\": name changed in both"),
                    "\(refused.standardErrorText)")
                #expect(try storedWorkflow(project.workflow1, in: relay).lockVersion == parentVersion)
                try ann.pump(for: .milliseconds(300))
                #expect(!ann.inbox.contains { $0.type == "workflow_saved" })

                let forced = try relay.weftCommand(["sandbox", "merge", Self.sandbox, "--force"])
                    .standardOutputText
                #expect(forced.contains("the sandbox's side kept"), "\(forced)")
                let stored = try storedWorkflow(project.workflow1, in: relay)
                #expect(stored.lockVersion == parentVersion + 1)
                #expect(stored.job(onSuccess)?.name == "on success (sandbox)")
                #expect(
                    stored.body(of: onFail).hasSuffix("// the parent's line\n"),
                    "what only the parent changed stays")
                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .merge && notice.lockVersion == parentVersion + 1)
                try ann.waitUntil("the forced merge is in Ann's document") {
                    ann.workflow.job(onSuccess)?.name == "on success (sandbox)"
                }
                #expect(!ann.isDirty)
            }
        }

        /// With no relay running the commands work on the database directly (under the deploy lock), and
        /// the parent's persisted document is reconciled: the next editor sees the merge. A workflow added
        /// in the sandbox is created in the parent (once, with an id of its own); one deleted in the sandbox
        /// and untouched in the parent is deleted there.
        @Test func withNoRelayTheMergeReachesThePersistedDocument() throws {
            try withRelay { relay in
                let project = try Self.setUp(relay)
                // Load the parent's document once, so a persisted document exists to be reconciled.
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                ann.close()
                relay.stop()

                let store = try WeftStore(path: relay.database)
                let sandbox = try #require(try store.sandbox(Self.sandbox))
                #expect(sandbox.parent.name == ProjectFile.projectName)
                let copy = try #require(try store.workflow(project: Self.sandbox, named: "workflow 1"))
                var changed = copy
                changed.jobs[changed.jobIndex(try copy.jobID(named: "webhook job"))].body += "// offline\n"
                _ = try store.saveWorkflow(
                    changed, expectedLockVersion: copy.lockVersion, actor: .person("Sam"), source: .editor)
                let added = try store.createWorkflow(
                    Workflow(
                        id: "added-in-sandbox", name: "workflow 3", jobs: [Job(id: "j3", name: "third job")]),
                    in: sandbox.project.id, actor: .person("Sam"), source: .editor)
                let doomed = try #require(try store.workflow(project: Self.sandbox, named: "workflow 2"))
                _ = try store.deleteWorkflow(
                    id: doomed.id, expectedLockVersion: doomed.lockVersion, actor: .person("Sam"),
                    source: .editor)

                let listed = try relay.weftCommand(["sandbox", "list"]).standardOutputText
                #expect(listed.contains("\(Self.sandbox)  of \(ProjectFile.projectName)"), "\(listed)")
                let merged = try relay.weftCommand(["sandbox", "merge", Self.sandbox])
                #expect(merged.standardErrorText.contains("no relay is running"))
                #expect(merged.standardOutputText.contains("workflow 1  updated"))
                #expect(
                    merged.standardOutputText.contains("workflow 3  created → v1"),
                    "\(merged.standardOutputText)")
                #expect(
                    merged.standardOutputText.contains("workflow 2  deleted"), "\(merged.standardOutputText)")
                let again = try relay.weftCommand(["sandbox", "merge", Self.sandbox]).standardOutputText
                #expect(again.contains("nothing to merge"), "\(again)")
                let parent = try #require(try store.project(named: ProjectFile.projectName))
                #expect(parent.workflows.map(\.name) == ["workflow 1", "workflow 3"])
                #expect(
                    parent.workflows.allSatisfy { $0.id != added.workflow.id },
                    "a merged workflow gets its own id")
                #expect(try store.workflow(id: project.workflow2)?.deletedAt != nil)

                try relay.start()
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                #expect(bob.workflow.body(of: webhook).hasSuffix("// offline\n"))
                #expect(bob.base.body(of: webhook).hasSuffix("// offline\n"))
                #expect(!bob.isDirty)
            }
        }

        /// Shared mode: names come from the OS, and only roles count. Without a role in the parent nobody
        /// may copy it; an editor may make a sandbox but not merge it; an admin may.
        @Test func inSharedModeOnlyOwnersAndAdminsOfTheParentMayMerge() throws {
            try withRelay(arguments: ["--group", "root"]) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let me = ProcessInfo.processInfo.userName
                // Deploying the new project made us its owner; start from no role at all.
                let revoked = try WeftExecutable.run(
                    ["users", "revoke", me, "--project", ProjectFile.projectName, "--db", relay.database])
                #expect(revoked.status == 0, "\(revoked.standardErrorText)")
                let noRole = try relay.weftCommand(
                    ["sandbox", "create", ProjectFile.projectName, "--name", Self.sandbox],
                    expectSuccess: false)
                #expect(noRole.status == 1)
                #expect(
                    noRole.standardErrorText.contains("refused (forbidden)"), "\(noRole.standardErrorText)")

                try grant(me, role: "editor", project: ProjectFile.projectName, relay: relay)
                try relay.weftCommand(["sandbox", "create", ProjectFile.projectName, "--name", Self.sandbox])
                let sam = try TestEditor(
                    socket: relay.socket, workflow: "\(Self.sandbox)/workflow 1", as: "ignored")
                #expect(sam.role == "owner", "the creator owns the sandbox")
                try sam.edit { $0.name = "workflow 1 (sandbox)" }
                guard case .saved = try sam.save() else { throw TestSupportError("the sandbox save failed") }

                // Without a role in the parent, its sandboxes are neither listed nor compared.
                let revokedAgain = try WeftExecutable.run(
                    ["users", "revoke", me, "--project", ProjectFile.projectName, "--db", relay.database])
                #expect(revokedAgain.status == 0, "\(revokedAgain.standardErrorText)")
                let hiddenDiff = try relay.weftCommand(["sandbox", "diff", Self.sandbox], expectSuccess: false)
                #expect(hiddenDiff.status == 1)
                #expect(hiddenDiff.standardErrorText.contains("no role in"), "\(hiddenDiff.standardErrorText)")
                let hiddenList = try relay.weftCommand(["sandbox", "list"])
                #expect(!hiddenList.standardOutputText.contains(Self.sandbox), "\(hiddenList.standardOutputText)")
                try grant(me, role: "editor", project: ProjectFile.projectName, relay: relay)

                let editor = try relay.weftCommand(["sandbox", "merge", Self.sandbox], expectSuccess: false)
                #expect(editor.status == 1)
                #expect(
                    editor.standardErrorText.contains("only owners and admins"), "\(editor.standardErrorText)"
                )
                #expect(try storedWorkflow(project.workflow1, in: relay).name == "workflow 1")

                try grant(me, role: "admin", project: ProjectFile.projectName, relay: relay)
                try relay.weftCommand(["sandbox", "merge", Self.sandbox])
                let stored = try storedWorkflow(project.workflow1, in: relay)
                #expect(stored.name == "workflow 1 (sandbox)")
                #expect(
                    try relay.versions(of: project.workflow1).last?.actor.name.contains("merged by \(me)")
                        == true)
            }
        }

        /// Unknown names and a second sandbox with a taken name are refused plainly, exit 1.
        @Test func badNamesAreRefusedPlainly() throws {
            try withRelay { relay in
                _ = try Self.setUp(relay)
                let unknownProject = try relay.weftCommand(
                    ["sandbox", "create", "no-such-project", "--name", "x"], expectSuccess: false)
                #expect(unknownProject.status == 1)
                #expect(unknownProject.standardErrorText.contains("no project \"no-such-project\""))
                let taken = try relay.weftCommand(
                    ["sandbox", "create", ProjectFile.projectName, "--name", Self.sandbox],
                    expectSuccess: false)
                #expect(taken.status == 1)
                #expect(taken.standardErrorText.contains("already exists"))
                let unknownSandbox = try relay.weftCommand(
                    ["sandbox", "merge", "nope"], expectSuccess: false)
                #expect(unknownSandbox.status == 1)
                #expect(unknownSandbox.standardErrorText.contains("no sandbox \"nope\""))
            }
        }
    }
}
