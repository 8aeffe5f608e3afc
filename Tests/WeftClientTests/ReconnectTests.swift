import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

#if canImport(Glibc)
import Glibc
#endif

extension RelaySessionSuite {
    /// The relay dies and comes back: sessions reconnect with backoff, resync, and nothing typed
    /// while it was down is lost.
    @Suite("reconnect")
    struct Reconnect {
        @Test func anEditMadeWhileTheRelayIsDownReachesTheOtherSession() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.session.base.jobID(named: "webhook job")
                try pumpUntil([ann, bob], "the joins are acked") {
                    ann.session.unacknowledgedUpdates == 0 && bob.session.unacknowledgedUpdates == 0
                }

                relay.kill9()
                try pumpUntil([ann, bob], "both notice the drop") {
                    ann.connectionStates.contains(.reconnecting(attempt: 1, nextIn: .milliseconds(50)))
                        && bob.connectionStates.contains(.reconnecting(attempt: 1, nextIn: .milliseconds(50)))
                }
                #expect(ann.session.fileDescriptor == nil)
                #expect(throws: EditorSessionError.notConnected) { try ann.session.save() }

                // Offline: the edit stays in Ann's replica and is counted as not yet durable.
                try ann.session.edit {
                    try $0.insertText("// typed offline\n", intoBodyOf: webhook, atUTF16: 0)
                }
                #expect(ann.session.unacknowledgedUpdates == 1)
                #expect(ann.session.isDirty)
                // A few failed attempts while the relay is down.
                try pumpUntil([ann, bob], "a later attempt") {
                    ann.connectionStates.contains {
                        if case .reconnecting(let attempt, _) = $0 { attempt >= 3 } else { false }
                    }
                }

                try relay.start()
                try pumpUntil([ann, bob], "both reconnect and Bob has the offline edit") {
                    ann.session.connectionState == .connected && bob.session.connectionState == .connected
                        && bob.session.workflow.body(of: webhook).hasPrefix("// typed offline\n")
                }
                try pumpUntil([ann, bob], "the offline edit is durable") {
                    ann.session.unacknowledgedUpdates == 0
                }
                #expect(ann.session.workflow == bob.session.workflow)
                #expect(ann.events.contains(.synced))
                #expect(bob.remoteChanges.contains { $0.entityIDs.contains(webhook) })
                #expect(bob.session.isDirty)

                // The edit is in the relay's store: a fresh session sees it.
                let carol = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Carol")
                #expect(carol.session.workflow.body(of: webhook).hasPrefix("// typed offline\n"))
            }
        }

        /// Only Ann's connection breaks (the relay lives on): she rejoins, Bob sees her again (her
        /// presence outbids the clock the relay cleared), she sees Bob again, a save cut off by the
        /// drop is reported, and her edit made meanwhile reaches Bob.
        @Test func aDroppedConnectionRejoinsALiveRelay() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let startVersion = ann.session.lockVersion
                ann.session.select(nodeID: onFail)
                try pumpUntil([ann, bob], "each sees the other") {
                    ann.session.collaborators.count == 1
                        && bob.session.collaborators.first?.selectedNodeID == onFail
                }

                try ann.session.edit { try $0.renameJob(onFail, to: "on fail!") }
                try ann.session.save()
                let descriptor = try #require(ann.session.fileDescriptor)
                shutdown(descriptor, Int32(SHUT_RDWR))
                try pumpUntil([ann, bob], "Ann notices the drop") {
                    ann.session.connectionState != .connected
                }
                #expect(
                    ann.events.contains(
                        .saveFailed(
                            SaveFailure(
                                reason: .disconnected,
                                message: "the connection to the relay dropped before the save was answered")))
                )
                #expect(ann.session.collaborators.isEmpty)
                try ann.session.edit { try $0.insertText("// meanwhile\n", intoBodyOf: onFail, atUTF16: 0) }

                // Well within the 15 s presence renewal: the rejoin itself must bring her back.
                try pumpUntil(
                    [ann, bob], timeout: .seconds(5), "Ann is back, sees Bob, Bob sees her and her edit"
                ) {
                    ann.session.connectionState == .connected
                        && ann.session.collaborators.map(\.name) == ["Bob"]
                        && bob.session.collaborators.first?.selectedNodeID == onFail
                        && bob.session.workflow.body(of: onFail).hasPrefix("// meanwhile\n")
                }
                #expect(bob.events.contains(.presence([])))  // the relay said Ann left, then she came back
                // The save was sent before the drop; whether the relay wrote it, the base says now.
                if ann.session.lockVersion == startVersion + 1 {
                    #expect(ann.savedNotices.last?.actor == nil)
                    #expect(ann.session.base.job(onFail)?.name == "on fail!")
                } else {
                    #expect(ann.session.lockVersion == startVersion)
                }
                #expect(ann.session.isDirty)  // the edit made meanwhile is unsaved either way
                try pumpUntil([ann, bob], "converged") { ann.session.workflow == bob.session.workflow }
            }
        }

        /// Backoff runs on the injected clock: nothing is attempted before the delay has passed, and
        /// each failed attempt doubles it up to the maximum.
        @Test func backoffFollowsTheInjectedClock() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let clock = ManualClock()
                let ann = try RecordingSession(
                    relay: relay, workflow: project.workflow1, as: "Ann", clock: { clock.now },
                    backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(300)))
                relay.kill9()
                try pumpUntil([ann], "the drop") { ann.session.connectionState != .connected }
                #expect(ann.session.connectionState == .reconnecting(attempt: 1, nextIn: .milliseconds(100)))
                #expect(ann.session.timeUntilNextTimer == .milliseconds(100))

                ann.clearEvents()
                ann.pump(timeout: .zero)
                #expect(ann.connectionStates.isEmpty)  // not due yet
                clock.advance(by: .milliseconds(100))
                ann.pump(timeout: .zero)
                #expect(ann.connectionStates == [.reconnecting(attempt: 2, nextIn: .milliseconds(200))])
                clock.advance(by: .milliseconds(200))
                ann.pump(timeout: .zero)
                clock.advance(by: .milliseconds(400))
                ann.pump(timeout: .zero)
                #expect(
                    ann.connectionStates == [
                        .reconnecting(attempt: 2, nextIn: .milliseconds(200)),
                        .reconnecting(attempt: 3, nextIn: .milliseconds(300)),
                        .reconnecting(attempt: 4, nextIn: .milliseconds(300)),
                    ])

                try relay.start()
                clock.advance(by: .milliseconds(300))
                try pumpUntil([ann], "reconnected") { ann.session.connectionState == .connected }
                #expect(ann.connectionStates.last == .connected)
            }
        }
    }
}

/// A clock tests move by hand.
final class ManualClock {
    var now: Duration = .zero

    func advance(by duration: Duration) { now += duration }
}
