import Foundation
import Testing
import WeftClient
import WeftStore
import WeftTestSupport

extension RelaySuite.Deploys {
    /// A `weft deploy` with no relay running writes the database itself under the store's deploy
    /// lock; a relay started meanwhile must not serve (and load documents the deploy is halfway
    /// through reconciling) until the lock is released (issue #5, item 7).
    @Test func aRelayStartedDuringADirectDeployWaitsForIt() throws {
        try withRelay(start: false) { relay in
            let store = try WeftStore(path: relay.database)
            let me = ProcessInfo.processInfo.processIdentifier
            #expect(try store.acquireDeployLock(owner: "a direct deploy (test)", pid: me))
            try relay.launch()
            usleep(500_000)
            #expect(relay.isRunning)
            #expect(!RelayConnection.isRelayListening(at: relay.socket), "the relay serves while a direct deploy holds the lock")
            #expect(try store.releaseDeployLock(pid: me))
            try relay.waitUntilListening(timeout: .seconds(5))
            #expect(relay.answersPing())
        }
    }
}
