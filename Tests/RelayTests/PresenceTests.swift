import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import YCRDT

extension RelaySuite {
    /// Presence that nobody renews goes away (an editor suspended with Ctrl-Z stops renewing), and
    /// everyone is told it went offline — while presence that is renewed stays.
    @Suite("presence")
    struct Presence {
        @Test func presenceNobodyRenewsIsDroppedForEveryone() throws {
            try withRelay(arguments: ["--presence-timeout", "1"]) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let annClient = ann.doc.clientID
                try ann.send(
                    .awareness(AwarenessUpdate([.init(clientID: annClient, clock: 1, state: ["user": ["name": "Ann"]])]).encoded()))
                try bob.waitUntil("Bob sees Ann's presence") { bob.awarenessMessages >= 1 }
                #expect(try AwarenessUpdate(decoding: bob.awarenessUpdates[0]).entries.first?.state != nil)

                // Ann stays connected but never renews: within the timeout and a sweep, Bob hears she is offline.
                try bob.waitUntil(timeout: .seconds(5), "Bob hears Ann went offline") {
                    bob.awarenessUpdates.contains { update in
                        (try? AwarenessUpdate(decoding: update))?.entries.contains {
                            $0.clientID == annClient && $0.state == nil
                        } ?? false
                    }
                }
                // A joiner now sees nobody present.
                let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                _ = try carol.pumpOne(timeout: .milliseconds(300))
                #expect(carol.awarenessMessages == 0, "a joiner was sent presence that had expired")
                ann.close()
                bob.close()
                carol.close()
            }
        }
    }
}
