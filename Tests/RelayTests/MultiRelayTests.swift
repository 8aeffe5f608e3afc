import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

/// Runs `body` with `count` relay processes serving one fresh PostgreSQL schema, each on its own socket
/// (`a.sock`, `b.sock`, …) in one scratch folder, with `arguments` added to each relay's; stops them all
/// and drops the schema afterwards.
func withSharedRelays<Result>(
    _ count: Int, unloadAfter: Double = 30, arguments: [String] = [],
    _ body: ([RelayProcess], SharedPostgres) throws -> Result
) throws -> Result {
    let postgres = try SharedPostgres.make()
    let folder = try ScratchFolder()
    let relays = (0..<count).map { index in
        RelayProcess(
            folder: folder, unloadAfter: unloadAfter, arguments: ["--log-level", "info"] + arguments,
            socketName: "\(Character(UnicodeScalar(UInt8(97 + index)))).sock", database: postgres.url)
    }
    defer {
        for relay in relays { relay.stop(grace: .seconds(5)) }
        postgres.drop()
        folder.remove()
    }
    for relay in relays { try relay.start(timeout: .seconds(30)) }
    do {
        return try body(relays, postgres)
    } catch {
        // What the relays said is what explains a failure here.
        let logs = relays.map { relay in
            var status = "not answering"
            if relay.isRunning, case .statusReply(let value)? = try? relay.request(.status, timeout: .seconds(2)) {
                status = JSON.stringify(value)
            }
            return "--- relay \((relay.socket as NSString).lastPathComponent): status \(status)\n\(relay.log)"
        }
        throw TestSupportError("\(error)\n" + logs.joined(separator: "\n"))
    }
}

extension RelaySuite {
    /// Several relays serving one PostgreSQL database behave as one relay (issue #9): whatever a client
    /// of one does reaches the clients of the others, and a relay that dies loses nothing it acknowledged.
    @Suite("several relays on one PostgreSQL")
    struct MultiRelay {
        /// A PostgreSQL URL's password never reaches a message: a relay, a direct deploy and `weft users`
        /// that cannot connect name the URL with `***` for it (this needs no server: nothing listens on
        /// port 1).
        @Test func messagesNameTheDatabaseWithoutItsPassword() throws {
            let folder = try ScratchFolder()
            defer { folder.remove() }
            let url = "postgres://weft:hunter2@127.0.0.1:1/weft"
            let project = try ProjectFile.make(in: folder)
            for arguments in [
                ["relay", "--socket", folder.file("r.sock"), "--db", url],
                ["deploy", project.path, "--socket", folder.file("r.sock"), "--db", url],
                ["users", "list", "--db", url],
                ["relay", "--socket", folder.file("r.sock"), "--db", url + "?sslmode=sometimes"],
            ] {
                let result = try WeftExecutable.run(arguments, timeout: 30)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.standardErrorText.contains("postgres://weft:***@127.0.0.1"), "\(result.standardErrorText)")
                #expect(!result.standardErrorText.contains("hunter2"), "\(result.standardErrorText)")
            }
        }

        /// Two editors of one workflow on two relays type into one job body; a third relay's editor
        /// joins later. All three end with the same document holding both texts.
        @Test func editorsOnDifferentRelaysConverge() throws {
            try withSharedRelays(3) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.append("// from ann on relay a\n", toBodyOf: webhook)
                try bob.append("// from bob on relay b\n", toBodyOf: webhook)
                try ann.waitForAcks()
                try bob.waitForAcks()
                try converge([ann, bob]) {
                    ann.workflow.body(of: webhook).contains("from bob") && bob.workflow.body(of: webhook).contains("from ann")
                }
                let carol = try TestEditor(socket: relays[2].socket, workflow: project.workflow1, as: "carol")
                try carol.append("// from carol on relay c\n", toBodyOf: webhook)
                try converge([ann, bob, carol]) {
                    ann.workflow.body(of: webhook).contains("from carol")
                        && bob.workflow.body(of: webhook).contains("from carol")
                }
                let body = carol.workflow.body(of: webhook)
                for text in ["from ann", "from bob", "from carol"] {
                    #expect(body.components(separatedBy: text).count == 2, "each edit once: \(body)")
                }
            }
        }

        /// A deploy through relay A reaches an editor on relay B: the new content, and `workflow_saved`
        /// with the new version, after which B's editor has no unsaved changes.
        @Test func aDeployThroughOneRelayReachesTheOthersClients() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try bob.base.jobID(named: "webhook job")
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('deployed through a')")
                }
                try project.file.deploy(to: relays[0])
                let notice = try bob.takeWorkflowSaved(timeout: .seconds(15))
                #expect(notice.lockVersion == 2)
                #expect(notice.source == .deploy)
                #expect(notice.conflicts.isEmpty)
                try bob.waitUntil(timeout: .seconds(15), "the deployed body arrives and the marker clears") {
                    bob.workflow.body(of: webhook).contains("deployed through a") && !bob.isDirty
                }
                #expect(bob.lockVersion == 2)
                #expect(bob.workflow.body(of: webhook).components(separatedBy: "deployed through a").count == 2)
            }
        }

        /// `weft restore` through relay A brings an old version back for relay B's editor too: content,
        /// `workflow_saved` with source restore, no marker left.
        @Test func aRestoreThroughOneRelayReachesTheOthersClients() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try bob.base.jobID(named: "webhook job")
                try project.file.rewrite { $0.replacingOnce("console.log('webhook job')", with: "console.log('v2')") }
                try project.file.deploy(to: relays[0])
                try bob.waitUntil(timeout: .seconds(15), "v2 arrives") {
                    bob.lockVersion == 2 && bob.workflow.body(of: webhook).contains("console.log('v2')")
                }
                let restore = try WeftExecutable.run([
                    "restore", project.workflow1, "--version", "1", "--socket", relays[0].socket,
                ])
                #expect(restore.status == 0, "\(restore.standardErrorText)")
                let notice = try bob.take(timeout: .seconds(15)) { control -> Int? in
                    if case .workflowSaved(let version, _, _, let source, _, _) = control, source == .restore {
                        return version
                    }
                    return nil
                }
                #expect(notice == 3)
                try bob.waitUntil(timeout: .seconds(15), "v1's body is back and the marker clears") {
                    bob.workflow.body(of: webhook).contains("console.log('webhook job')") && !bob.isDirty
                }
                #expect(!bob.workflow.body(of: webhook).contains("v2"))
            }
        }

        /// An editor on relay B with unsaved edits when a deploy goes through relay A keeps them, rebased
        /// once (by A, the relay that wrote the version) onto the deployed content: B's editor ends with
        /// both, its marker showing only its own edit, and nothing written twice.
        @Test func unsavedEditsOnAnotherRelayAreRebasedOnce() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try bob.base.jobID(named: "webhook job")
                let onFail = try bob.base.jobID(named: "on fail")
                try bob.append("// bob's unsaved note\n", toBodyOf: onFail)
                try bob.waitForAcks()
                try converge([ann, bob]) { ann.workflow.body(of: onFail).contains("bob's unsaved note") }
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('deployed through a')")
                }
                try project.file.deploy(to: relays[0])
                _ = try bob.takeWorkflowSaved(timeout: .seconds(15))
                try converge([ann, bob], timeout: .seconds(15)) {
                    bob.workflow.body(of: webhook).contains("deployed through a") && bob.lockVersion == 2
                        && ann.lockVersion == 2
                }
                for editor in [ann, bob] {
                    let body = editor.workflow.body(of: onFail)
                    #expect(body.components(separatedBy: "bob's unsaved note").count == 2, "\(editor.name): \(body)")
                    #expect(
                        editor.workflow.body(of: webhook).components(separatedBy: "deployed through a").count == 2)
                    let marker = editor.unsavedDifferences
                    #expect(marker.count == 1 && marker.first?.id == onFail, "\(editor.name): \(marker)")
                }
            }
        }

        /// A direct `weft deploy --db postgres://…` (no relay on its socket) writes while the relays go
        /// on serving (they hold no deploy lock on a shared database), and their editors get it.
        @Test func aDirectDeployWritesWhileTheRelaysServe() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                try project.file.rewrite {
                    $0.replacingOnce("console.log('webhook job')", with: "console.log('deployed directly')")
                }
                let result = try WeftExecutable.run([
                    "deploy", project.file.path, "--socket", relays[0].folder.file("nobody.sock"), "--db",
                    relays[0].database,
                ])
                #expect(result.status == 0, "\(result.standardErrorText)")
                #expect(!result.standardErrorText.contains("secret"))
                let notice = try ann.takeWorkflowSaved(timeout: .seconds(15))
                #expect(notice.lockVersion == 2)
                try ann.waitUntil(timeout: .seconds(15), "the deployed body arrives and the marker clears") {
                    ann.workflow.body(of: webhook).contains("deployed directly") && !ann.isDirty
                }
                #expect(relays.allSatisfy { $0.answersPing() })
            }
        }

        /// A save through relay A gives relay B's editor `workflow_saved` (actor and source from the
        /// stored version) and the saved content, with no unsaved changes left.
        @Test func aSaveThroughOneRelayReachesTheOthersClients() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.append("// saved by ann\n", toBodyOf: webhook)
                guard case .saved(let version, _) = try ann.save() else {
                    Issue.record("ann's save failed: \(ann.inbox)")
                    return
                }
                let notice = try bob.takeWorkflowSaved(timeout: .seconds(15))
                #expect(notice.lockVersion == version)
                #expect(notice.actor.name == "ann")
                #expect(notice.source == .editor)
                try bob.waitUntil(timeout: .seconds(15), "the saved body arrives and the marker clears") {
                    bob.workflow.body(of: webhook).contains("saved by ann") && !bob.isDirty
                }
                // Bob saves on top through relay B, at the version he was told of.
                try bob.append("// saved by bob\n", toBodyOf: webhook)
                guard case .saved(let next, _) = try bob.save() else {
                    Issue.record("bob's save failed: \(bob.inbox)")
                    return
                }
                #expect(next == version + 1)
                try ann.waitUntil(timeout: .seconds(15), "bob's save reaches ann") {
                    ann.lockVersion == next && ann.workflow.body(of: webhook).contains("saved by bob") && !ann.isDirty
                }
            }
        }

        /// A relay whose editors leave unloads the document, compacting it, while another relay's editor
        /// goes on typing; an editor joining the first relay again loads the snapshot and the log after it
        /// and ends with the same document, every edit in it once.
        @Test func aRelayThatUnloadsAndCompactsStaysInStep() throws {
            try withSharedRelays(2, unloadAfter: 0.3) { relays, postgres in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                for line in 0..<10 {
                    try ann.append("// ann \(line)\n", toBodyOf: webhook)
                    try bob.append("// bob \(line)\n", toBodyOf: webhook)
                }
                try ann.waitForAcks()
                try converge([ann, bob]) { bob.workflow.body(of: webhook).contains("// ann 9\n") }
                ann.close()
                // Relay A unloads (and compacts) after 0.3 s; Bob types on through relay B meanwhile.
                for line in 10..<20 {
                    try bob.append("// bob \(line)\n", toBodyOf: webhook)
                    try bob.pump(for: .milliseconds(100))
                }
                try bob.waitForAcks()
                #expect(try postgres.snapshotThroughSeq(project.workflow1) > 0, "relay A compacted as it unloaded")
                let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
                try carol.append("// carol\n", toBodyOf: webhook)
                try converge([carol, bob]) { bob.workflow.body(of: webhook).contains("// carol\n") }
                let body = carol.workflow.body(of: webhook)
                for text in (0..<10).map({ "// ann \($0)\n" }) + (0..<20).map({ "// bob \($0)\n" }) + ["// carol\n"] {
                    #expect(body.components(separatedBy: text).count == 2, "\(text) once: \(body)")
                }
            }
        }

        /// Every database session drops at once (a server restart, a lost network): the relays reconnect,
        /// and what their editors type afterwards still reaches the other relay, acknowledged and whole.
        @Test func droppedDatabaseSessionsCostLatencyOnly() throws {
            try withSharedRelays(2) { relays, postgres in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.append("// before\n", toBodyOf: webhook)
                try converge([ann, bob]) { bob.workflow.body(of: webhook).contains("before") }
                // Each relay's pool and change listener, at least.
                #expect(try postgres.terminateSessions() >= 4)
                try ann.append("// ann after\n", toBodyOf: webhook)
                try bob.append("// bob after\n", toBodyOf: webhook)
                // A commit the database never answers is given up after 30 s and retried (StoreWatchdog).
                try ann.waitForAcks(timeout: .seconds(60))
                try bob.waitForAcks(timeout: .seconds(60))
                try converge([ann, bob], timeout: .seconds(60)) {
                    ann.workflow.body(of: webhook).contains("bob after") && bob.workflow.body(of: webhook).contains("ann after")
                }
                // And a newcomer on either relay reads the same from the database.
                let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
                try converge([carol, bob])
            }
        }

        /// Relay A is SIGKILLed: every edit it acknowledged is in the database, and A's editor, reconnecting
        /// to relay B with the document it holds, resyncs with B's editors.
        @Test func killingOneRelayLosesNothingItAcknowledged() throws {
            try withSharedRelays(2) { relays, _ in
                let project = try DeployedProject.deploy(to: relays[0])
                let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
                let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                for line in 0..<20 { try ann.append("// ann \(line)\n", toBodyOf: webhook) }
                try ann.waitForAcks()
                relays[0].kill9()
                // Ann's editor reconnects to relay B with its own replica and one more edit made offline.
                let offline = try ann.bodyText(of: webhook)
                try offline.insert("// ann offline\n", atUTF16: offline.utf16Count)
                let annAgain = try TestEditor(
                    socket: relays[1].socket, workflow: project.workflow1, as: "ann", replica: ann.doc)
                try annAgain.append("// ann after the reconnect\n", toBodyOf: webhook)
                try converge([annAgain, bob]) { bob.workflow.body(of: webhook).contains("ann after the reconnect") }
                let body = bob.workflow.body(of: webhook)
                for line in 0..<20 { #expect(body.contains("// ann \(line)\n"), "acknowledged edit \(line): \(body)") }
                #expect(body.contains("// ann offline\n"))
                // And a newcomer reads it all from the database through B.
                let carol = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "carol")
                try converge([carol, bob])
            }
        }
    }
}
