import Foundation
import Synchronization
import Testing
import WeftStorePostgres
import WeftTestSupport
import YCRDT

extension RelaySuite.MultiRelay {
    /// Relay B is paused (SIGSTOP, as a long stall or a swapped-out machine would) while relay A's editor
    /// types and leaves, and A unloads the document, compacting away the updates B never applied. Resumed,
    /// B catches up through A's snapshot: its editor gets every edit once, and what it types afterwards
    /// reaches an editor joining A.
    @Test func aRelayThatMissedACompactionCatchesUpThroughTheSnapshot() throws {
        try withSharedRelays(2, unloadAfter: 0.3) { relays, postgres in
            let project = try DeployedProject.deploy(to: relays[0])
            let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
            let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
            let webhook = try ann.base.jobID(named: "webhook job")
            try ann.append("// ann before\n", toBodyOf: webhook)
            try ann.waitForAcks()
            try converge([ann, bob]) { bob.workflow.body(of: webhook).contains("// ann before\n") }
            let compactedBefore = try postgres.snapshotThroughSeq(project.workflow1)

            guard let pausedPID = relays[1].pid else { throw TestSupportError("relay B has no process") }
            kill(pausedPID, SIGSTOP)
            var paused = true
            defer { if paused { kill(pausedPID, SIGCONT) } }
            for line in 0..<20 { try ann.append("// ann \(line)\n", toBodyOf: webhook) }
            try ann.waitForAcks()
            ann.close()
            try waitUntilNoRoomIsLoaded(relays[0])
            #expect(
                try postgres.snapshotThroughSeq(project.workflow1) > compactedBefore,
                "relay A compacted the updates relay B lacks as it unloaded")
            kill(pausedPID, SIGCONT)
            paused = false

            try bob.waitUntil(timeout: .seconds(15), "relay B catches up after its pause") {
                bob.workflow.body(of: webhook).contains("// ann 19\n")
            }
            let body = bob.workflow.body(of: webhook)
            for text in ["// ann before\n"] + (0..<20).map({ "// ann \($0)\n" }) {
                #expect(body.components(separatedBy: text).count == 2, "\(text) once: \(body)")
            }
            try bob.append("// bob after the pause\n", toBodyOf: webhook)
            try bob.waitForAcks()
            let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
            try converge([carol, bob]) { carol.workflow.body(of: webhook).contains("// bob after the pause\n") }
        }
    }
}

extension RelaySuite.MultiRelay {
    /// Relay A commits a deploy and dies before it rebases the live document (here: while it waits for
    /// the document lock, which the test holds). Relay B, whose editor has the document open, takes the
    /// abandoned version over after ``versionTakeoverDelay`` (10 s): its editor gets the deployed content
    /// and `workflow_saved`, and its unsaved-changes marker clears.
    @Test func aVersionWhoseWriterDiedIsRebasedByAnotherRelay() throws {
        try withSharedRelays(2) { relays, postgres in
            let project = try DeployedProject.deploy(to: relays[0])
            let workflow = project.workflow1
            let bob = try TestEditor(socket: relays[1].socket, workflow: workflow, as: "bob")
            let webhook = try bob.base.jobID(named: "webhook job")
            #expect(try postgres.lockVersion(of: workflow) == 1)

            let lock = DocumentLockHolder(url: postgres.url, documentID: workflow)
            defer { lock.release() }
            try lock.waitUntilHeld()
            try project.file.rewrite {
                $0.replacingOnce("console.log('webhook job')", with: "console.log('abandoned by a')")
            }
            // The deploy commits through relay A, whose rebase then waits for the lock; A dies there.
            let arguments = project.file.arguments(relay: relays[0])
            let deploy = Thread { _ = try? WeftExecutable.run(arguments) }
            deploy.start()
            let deadline = ContinuousClock.now + .seconds(30)
            while try postgres.lockVersion(of: workflow) < 2 {
                guard ContinuousClock.now < deadline else { throw TestSupportError("the deploy never committed") }
                usleep(20_000)
            }
            relays[0].kill9()
            lock.release()
            #expect(!bob.workflow.body(of: webhook).contains("abandoned by a"))

            let notice = try bob.takeWorkflowSaved(timeout: .seconds(30))
            #expect(notice.lockVersion == 2)
            try bob.waitUntil(timeout: .seconds(15), "the abandoned version reaches bob and the marker clears") {
                bob.workflow.body(of: webhook).contains("abandoned by a") && !bob.isDirty
            }
            #expect(bob.workflow.body(of: webhook).components(separatedBy: "abandoned by a").count == 2)
        }
    }
}

/// Holds a document's lock on a PostgreSQL database from the test process, as a relay rebasing it would,
/// until ``release()``.
private final class DocumentLockHolder: Sendable {
    private let state = Mutex((held: false, released: false, failure: String?.none))

    init(url: String, documentID: String) {
        Task.detached { [self] in
            do {
                let store = try await PostgresStore.connect(url)
                try await store.withDocumentLock(documentID) {
                    self.state.withLock { $0.held = true }
                    while !self.state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(20)) }
                }
                await store.close()
            } catch {
                self.state.withLock { $0.failure = "\(error)" }
            }
        }
    }

    func waitUntilHeld(timeout: Duration = .seconds(15)) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (held, failure) = state.withLock { ($0.held, $0.failure) }
            if held { return }
            if let failure { throw TestSupportError("could not take the document lock: \(failure)") }
            guard ContinuousClock.now < deadline else { throw TestSupportError("the document lock was not granted") }
            usleep(10_000)
        }
    }

    func release() { state.withLock { $0.released = true } }
}

extension RelaySuite.MultiRelay {
    /// An update reaches the log without its notification (lost on the way, or written by a tool that
    /// does not notify): the relay's periodic look at the database (every 2 s) finds it, and its editors
    /// get it without anyone reconnecting.
    @Test func anUpdateWhoseNotificationWasLostArrivesByThePeriodicCheck() throws {
        try withSharedRelays(1) { relays, postgres in
            let project = try DeployedProject.deploy(to: relays[0])
            let bob = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "bob")
            let webhook = try bob.base.jobID(named: "webhook job")
            try bob.append("// bob\n", toBodyOf: webhook)
            try bob.waitForAcks()

            // Another writer's edit, made on a replica of the same document.
            let writer = Doc(clientID: 4_242)
            try writer.applyUpdate(bob.doc.encodeStateAsUpdate())
            let before = writer.encodeStateVector()
            guard
                let body = writer.array("jobs").values.compactMap(\.mapValue)
                    .first(where: { $0["id"]?.anyValue?.stringValue == webhook })?["body"]?.textValue
            else { throw TestSupportError("the replica has no webhook job body") }
            try body.insert("// written without a notification\n", atUTF16: body.utf16Count)
            try postgres.appendWithoutNotifying(project.workflow1, update: writer.encodeStateAsUpdate(sinceEncoded: before))

            try bob.waitUntil(timeout: .seconds(10), "the unannounced update reaches bob") {
                bob.workflow.body(of: webhook).contains("// written without a notification\n")
            }
            try bob.append("// bob after\n", toBodyOf: webhook)
            try bob.waitForAcks()
            let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
            try converge([carol, bob])
        }
    }
}
