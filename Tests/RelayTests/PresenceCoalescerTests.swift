import Testing
import WeftStore
import YCRDT

@testable import WeftRelay

/// A relay's presence for the other relays goes out at most once per interval, merged: the newest entry
/// of each client of each workflow wins, as awareness applies them (docs/operations.md "Several relays").
@Suite struct PresenceCoalescerTests {
    private static func entry(_ client: ClientID, _ clock: UInt64, _ name: String?) -> AwarenessUpdate.Entry {
        .init(clientID: client, clock: clock, state: name.map { ["user": ["name": .string($0)]] })
    }

    private static func update(_ workflowID: String, _ entries: [AwarenessUpdate.Entry]) -> WorkflowPresenceSignal {
        WorkflowPresenceSignal(workflowID: workflowID, signal: .update(AwarenessUpdate(entries).encoded()))
    }

    /// The first update goes at once; those that follow within the interval wait for its end and go
    /// together, each client's newest entry only, in the order the clients first came.
    @Test func updatesWithinTheIntervalAreMergedNewestWinning() {
        var coalescer = PresenceCoalescer(interval: .milliseconds(50))
        #expect(coalescer.add([Self.entry(1, 1, "Ann")], workflowID: "wf", now: .seconds(10)) == .zero)
        #expect(
            coalescer.add([Self.entry(1, 2, "Ann, moved")], workflowID: "wf", now: .seconds(10)) == nil,
            "already scheduled")
        #expect(coalescer.flush(now: .seconds(10)) == [Self.update("wf", [Self.entry(1, 2, "Ann, moved")])])
        #expect(coalescer.sent(now: .seconds(10)) == nil, "nothing came meanwhile")

        let later = Duration.seconds(10) + .milliseconds(20)
        #expect(
            coalescer.add([Self.entry(2, 1, "Bob")], workflowID: "wf", now: later) == .milliseconds(30),
            "the rest of the interval")
        let both = [Self.entry(1, 3, "Ann, again"), Self.entry(2, 5, "Bob, moved")]
        #expect(coalescer.add(both, workflowID: "wf", now: later) == nil)
        #expect(coalescer.add([Self.entry(2, 4, "Bob, stale")], workflowID: "wf", now: later) == nil)
        // Offline wins a tie, as awareness has it.
        #expect(coalescer.add([Self.entry(1, 3, nil)], workflowID: "wf", now: later) == nil)
        let merged = coalescer.flush(now: .seconds(10) + .milliseconds(50))
        #expect(merged == [Self.update("wf", [Self.entry(2, 5, "Bob, moved"), Self.entry(1, 3, nil)])])
        #expect(coalescer.isEmpty && !coalescer.isFlushScheduled)
        #expect(coalescer.sent(now: .seconds(10) + .milliseconds(60)) == nil)

        // Long after the last flush, a new update goes at once again; a flush with nothing waiting sends nothing.
        #expect(coalescer.add([Self.entry(3, 1, "Carol")], workflowID: "wf", now: .seconds(11)) == .zero)
        #expect(coalescer.flush(now: .seconds(11)).count == 1)
        #expect(coalescer.sent(now: .seconds(11)) == nil)
        #expect(coalescer.flush(now: .seconds(12)).isEmpty)
        #expect(coalescer.add([], workflowID: "wf", now: .seconds(13)) == nil, "nothing to send, nothing scheduled")
    }

    /// Every workflow's presence goes in the same flush, each as its own update (its clients only), then
    /// its query, the workflows in the order they came; a client id shared by two workflows stays apart.
    @Test func workflowsShareOneFlush() {
        var coalescer = PresenceCoalescer(interval: .milliseconds(50))
        #expect(coalescer.add([Self.entry(1, 1, "Ann")], workflowID: "wf-b", now: .seconds(1)) == .zero)
        #expect(coalescer.addQuery(workflowID: "wf-c", now: .seconds(1)) == nil, "already scheduled")
        #expect(coalescer.add([Self.entry(1, 7, nil)], workflowID: "wf-a", now: .seconds(1)) == nil)
        #expect(coalescer.add([Self.entry(1, 2, "Ann, moved")], workflowID: "wf-b", now: .seconds(1)) == nil)
        #expect(coalescer.addQuery(workflowID: "wf-b", now: .seconds(1)) == nil)
        #expect(coalescer.addQuery(workflowID: "wf-c", now: .seconds(1)) == nil, "asked once")
        #expect(
            coalescer.flush(now: .seconds(1)) == [
                Self.update("wf-b", [Self.entry(1, 2, "Ann, moved")]),
                WorkflowPresenceSignal(workflowID: "wf-b", signal: .query),
                WorkflowPresenceSignal(workflowID: "wf-c", signal: .query),
                Self.update("wf-a", [Self.entry(1, 7, nil)]),
            ])
        #expect(coalescer.isEmpty)
    }

    /// While a batch is being sent (a slow database), nothing more is scheduled nor flushed: what comes
    /// meanwhile is merged and scheduled once the send is over, never sooner than the interval after
    /// the last.
    @Test func oneSendAtATime() {
        var coalescer = PresenceCoalescer(interval: .milliseconds(50))
        #expect(coalescer.add([Self.entry(1, 1, "Ann")], workflowID: "wf", now: .seconds(1)) == .zero)
        #expect(!coalescer.flush(now: .seconds(1)).isEmpty)
        #expect(coalescer.isSending)
        // The send takes two seconds; updates arrive meanwhile, long after the interval.
        #expect(
            coalescer.add([Self.entry(1, 2, "Ann, moved")], workflowID: "wf", now: .seconds(2)) == nil,
            "one send at a time")
        #expect(coalescer.add([Self.entry(1, 3, "Ann, moved again")], workflowID: "wf", now: .seconds(2)) == nil)
        #expect(coalescer.addQuery(workflowID: "wf-2", now: .seconds(2)) == nil)
        #expect(!coalescer.isFlushScheduled)
        #expect(coalescer.flush(now: .seconds(2)).isEmpty, "nothing is taken while a batch is being sent")
        #expect(coalescer.sent(now: .seconds(3)) == .zero, "long after the interval: flush now")
        #expect(
            coalescer.flush(now: .seconds(3)) == [
                Self.update("wf", [Self.entry(1, 3, "Ann, moved again")]),
                WorkflowPresenceSignal(workflowID: "wf-2", signal: .query),
            ])
        // A quick send: what came during it waits for the rest of the interval.
        #expect(coalescer.add([Self.entry(1, 4, "Ann, once more")], workflowID: "wf", now: .seconds(3)) == nil)
        #expect(coalescer.sent(now: .seconds(3) + .milliseconds(10)) == .milliseconds(40))
    }
}
