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

extension RelaySuite.Deploys {
    /// While a relay serves a database, a `weft deploy` pointed at another socket is refused instead
    /// of writing behind the relay's back, and a second relay on the same database will not start.
    @Test func aRunningRelayHoldsItsDatabase() throws {
        try withRelay { relay in
            let folder = try ScratchFolder()
            defer { folder.remove() }
            let file = try ProjectFile.make(in: folder)
            let wrongSocket = folder.file("nobody.sock")
            let deploy = try WeftExecutable.run(["deploy", file.path, "--socket", wrongSocket, "--db", relay.database])
            #expect(deploy.status == 1)
            #expect(deploy.standardErrorText.contains("pass its --socket"), "\(deploy.standardErrorText)")
            #expect(try relay.workflows().isEmpty, "the refused deploy wrote the database")

            let second = try WeftExecutable.run(
                ["relay", "serve", "--socket", folder.file("second.sock"), "--db", relay.database], timeout: 20)
            #expect(second.status != 0)
            #expect(second.standardErrorText.contains("another relay is serving the database"), "\(second.standardErrorText)")
            #expect(relay.answersPing())
        }
    }
}
