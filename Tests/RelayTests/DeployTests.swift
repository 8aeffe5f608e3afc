import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// External writes through `weft deploy` (DESIGN.md behaviours 4 and 5).
    @Suite("deploys")
    struct Deploys {
        /// A deploy while two people edit: the live document changes under them, both hear
        /// `workflow_saved` from a system actor, an unsaved edit elsewhere survives (and is all the
        /// marker still shows), and an unsaved edit of the same field gives way and is reported.
        @Test func aDeployWhileBothAreOnlineRebasesTheirUnsavedEdits() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                let onSuccess = try ann.base.jobID(named: "on success")
                let version = ann.lockVersion

                // Unsaved: Bob adds a line to a body the deploy does not touch; Ann renames a job the
                // deploy renames too.
                try bob.append("// Bob's unsaved note\n", toBodyOf: onFail)
                try ann.edit { $0.jobs[$0.jobIndex(onSuccess)].name = "on success (Ann)" }
                try converge([ann, bob])
                try ann.waitForAcks()
                try bob.waitForAcks()

                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('webhook job, deployed')")
                        .replacingOnce("name: on success", with: "name: on success (deployed)")
                }
                try project.file.deploy(to: relay)

                for editor in [ann, bob] {
                    let notice = try editor.takeWorkflowSaved()
                    #expect(notice.source == .deploy)
                    #expect(notice.actor.kind == .system)
                    #expect(notice.lockVersion == version + 1)
                    let conflicts = notice.conflicts.compactMap(\.objectValue)
                    #expect(conflicts.count == 1, "\(editor.name): \(notice.conflicts)")
                    #expect(conflicts.first?["kind"] == "job")
                    #expect(conflicts.first?["id"]?.stringValue == onSuccess)
                    #expect(conflicts.first?["field"] == "name")
                    #expect(conflicts.first?["ours"] == "on success (Ann)")
                }
                try converge([ann, bob])
                for editor in [ann, bob] {
                    let live = editor.workflow
                    #expect(live.body(of: webhook).contains("console.log('webhook job, deployed')"))
                    #expect(live.job(onSuccess)?.name == "on success (deployed)")
                    #expect(live.body(of: onFail).hasSuffix("// Bob's unsaved note\n"))
                    #expect(live.lockVersion == version + 1)
                    #expect(editor.lockVersion == version + 1)
                    let marker = editor.unsavedDifferences
                    #expect(marker.count == 1, "\(editor.name)'s marker: \(marker)")
                    #expect(marker.first?.kind == .job && marker.first?.id == onFail && marker.first?.field == "body")
                }
                let stored = try storedWorkflow(project.workflow1, in: relay)
                #expect(stored.lockVersion == version + 1)
                #expect(!stored.body(of: onFail).contains("Bob"), "unsaved edits are not saved by a deploy")
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)

                // Bob saves; the rebased edit is now the saved version and both markers are clean.
                guard case .saved = try bob.save() else { throw TestSupportError("Bob's save failed") }
                _ = try ann.takeWorkflowSaved()
                try converge([ann, bob])
                #expect(!ann.isDirty && !bob.isDirty)
            }
        }

        /// A deploy while nobody has the workflow open — through a running relay and directly into
        /// the database with no relay — is what the next person to join sees: never the stale
        /// persisted document.
        @Test func aDeployWhileNobodyIsOnlineIsWhatTheNextJoinerSees() throws {
            try withRelay(unloadAfter: 0) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let webhook: String
                do {
                    // Open and close it once, so a persisted document exists at version 1.
                    let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                    webhook = try ann.base.jobID(named: "webhook job")
                    try ann.waitForAcks()
                    ann.close()
                }
                try waitUntilNoRoomIsLoaded(relay)

                try project.file.rewrite { $0.replacingOnce("console.log('webhook job')", with: "console.log('v2')") }
                try project.file.deploy(to: relay)
                let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                try expectDocumentIsTheDatabaseVersion(carol, relay: relay, workflowID: project.workflow1)
                #expect(carol.workflow.body(of: webhook).contains("console.log('v2')"))
                carol.close()
                try waitUntilNoRoomIsLoaded(relay)

                // No relay running: `weft deploy` writes the database itself.
                #expect(relay.stop() == 0)
                try project.file.rewrite { $0.replacingOnce("console.log('v2')", with: "console.log('v3')") }
                let direct = try project.file.deploy(to: relay)
                #expect(direct.standardErrorText.contains("directly"))
                try relay.start()
                let dave = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Dave")
                try expectDocumentIsTheDatabaseVersion(dave, relay: relay, workflowID: project.workflow1)
                #expect(dave.workflow.body(of: webhook).contains("console.log('v3')"))
                #expect(dave.lockVersion == 3)
            }
        }

        /// Two `weft deploy --allow-stale` of different changes at once, three times over (with an
        /// editor online and without): the database, the live document and a fresh joiner's all end at
        /// the last commit, whole.
        @Test func twoConcurrentDeploysEndAtTheLastCommit() throws {
            try withRelay(unloadAfter: 0) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let state = try String(contentsOfFile: project.file.statePath, encoding: .utf8)
                for round in 1...3 {
                    let online = round != 2
                    let ann = online ? try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann") : nil
                    let before = try relay.workflows()[ProjectFile.projectName]!["workflow 1"]!.lockVersion
                    var files: [(ProjectFile, String)] = []
                    for side in ["a", "b"] {
                        let file = try ProjectFile.make(in: relay.folder, name: "\(side)\(round).yaml") {
                            side == "a"
                                ? $0.replacingOnce("console.log('webhook job')", with: "console.log('A\(round)')")
                                : $0.replacingOnce("console.log('webhook job')", with: "console.log('B\(round)')")
                                    .replacingOnce("name: on success", with: "name: on success B\(round)")
                        }
                        let statePath = relay.folder.file("\(side)\(round).state.json")
                        try state.write(toFile: statePath, atomically: true, encoding: .utf8)
                        files.append((file, statePath))
                    }
                    let executable = try WeftExecutable.url()
                    let children = try files.enumerated().map { index, entry in
                        try RunningChild(
                            executable, arguments: entry.0.arguments(relay: relay, state: entry.1, allowStale: true),
                            folder: relay.folder, tag: "deploy\(round)-\(index)")
                    }
                    for child in children {
                        let (status, output) = child.wait()
                        #expect(status == 0, "\(output)")
                    }

                    // `weft ls --json`: both deploys committed, one after the other.
                    let listing = try WeftExecutable.run(["ls", "--json", "--socket", relay.socket])
                    #expect(listing.status == 0)
                    let projects = try JSON.parse(listing.standardOutputText)
                    let after = RelayProcess.parseListing(projects)[ProjectFile.projectName]?["workflow 1"]?.lockVersion
                    #expect(after == before + 2)

                    let stored = try storedWorkflow(project.workflow1, in: relay)
                    #expect(stored.lockVersion == before + 2)
                    let webhook = try stored.jobID(named: "webhook job")
                    let body = stored.body(of: webhook)
                    let lastWasB = body.contains("B\(round)")
                    #expect(lastWasB || body.contains("A\(round)"), "\(body)")
                    #expect(
                        stored.jobs.contains { $0.name == "on success B\(round)" } == lastWasB,
                        "the database holds one deploy whole, not a mix")

                    if let ann {
                        try ann.waitUntil("both deploys arrived") { ann.lockVersion == before + 2 }
                        try ann.pump()
                        #expect(!UnsavedChanges.differ(document: ann.workflow, base: stored), "\(ann.unsavedDifferences)")
                        #expect(ann.workflow.lockVersion == stored.lockVersion)
                        #expect(ann.base == stored)
                    }
                    let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                    try expectDocumentIsTheDatabaseVersion(carol, relay: relay, workflowID: project.workflow1)
                    if let ann { #expect(carol.contents == ann.contents) }
                    carol.close()
                    ann?.close()
                    try waitUntilNoRoomIsLoaded(relay)
                }
            }
        }
    }
}

/// The joiner's document is the saved workflow: the marker is clean against the database's row,
/// its lock_version is the row's, and `joined` named the same version.
func expectDocumentIsTheDatabaseVersion(
    _ editor: TestEditor, relay: RelayProcess, workflowID: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let stored = try storedWorkflow(workflowID, in: relay)
    let document = editor.workflow
    #expect(
        !UnsavedChanges.differ(document: document, base: stored),
        "\(UnsavedChanges.differences(document: document, base: stored))", sourceLocation: sourceLocation)
    #expect(document.lockVersion == stored.lockVersion, sourceLocation: sourceLocation)
    #expect(editor.lockVersion == stored.lockVersion, sourceLocation: sourceLocation)
    #expect(editor.base == stored, sourceLocation: sourceLocation)
    let listed = try relay.workflows().values.compactMap { $0.values.first { $0.id == workflowID } }.first
    #expect(listed?.lockVersion == stored.lockVersion, sourceLocation: sourceLocation)
}

/// Waits until the relay has unloaded every room (its status lists none).
func waitUntilNoRoomIsLoaded(_ relay: RelayProcess, timeout: Duration = .seconds(10)) throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        guard case .statusReply(let status) = try relay.request(.status) else { throw TestSupportError("no status") }
        if status.objectValue?["rooms"]?.arrayValue?.isEmpty ?? false { return }
        guard ContinuousClock.now < deadline else {
            throw TestSupportError("rooms are still loaded after \(timeout): \(JSON.stringify(status))")
        }
        usleep(10_000)
    }
}
