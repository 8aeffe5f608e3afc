import Foundation
import Testing
import WeftTestSupport

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
