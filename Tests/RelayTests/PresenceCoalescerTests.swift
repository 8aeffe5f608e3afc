import Testing
import YCRDT

@testable import WeftRelay

/// A room's presence for the other relays goes out at most once per interval, merged: the newest entry
/// of each client wins, as awareness applies them (docs/operations.md "Several relays").
@Suite struct PresenceCoalescerTests {
    private static func entry(_ client: ClientID, _ clock: UInt64, _ name: String?) -> AwarenessUpdate.Entry {
        .init(clientID: client, clock: clock, state: name.map { ["user": ["name": .string($0)]] })
    }

    /// The first update goes at once; those that follow within the interval wait for its end and go
    /// together, each client's newest entry only, in the order the clients first came.
    @Test func updatesWithinTheIntervalAreMergedNewestWinning() {
        var coalescer = PresenceCoalescer(interval: .milliseconds(50))
        #expect(coalescer.add([Self.entry(1, 1, "Ann")], now: .seconds(10)) == .zero)
        #expect(coalescer.add([Self.entry(1, 2, "Ann, moved")], now: .seconds(10)) == nil, "already scheduled")
        #expect(coalescer.flush(now: .seconds(10)) == AwarenessUpdate([Self.entry(1, 2, "Ann, moved")]))
        #expect(coalescer.sent(now: .seconds(10)) == nil, "nothing came meanwhile")

        let later = Duration.seconds(10) + .milliseconds(20)
        #expect(coalescer.add([Self.entry(2, 1, "Bob")], now: later) == .milliseconds(30), "the rest of the interval")
        #expect(coalescer.add([Self.entry(1, 3, "Ann, again"), Self.entry(2, 5, "Bob, moved")], now: later) == nil)
        #expect(coalescer.add([Self.entry(2, 4, "Bob, stale")], now: later) == nil)
        // Offline wins a tie, as awareness has it.
        #expect(coalescer.add([Self.entry(1, 3, nil)], now: later) == nil)
        let merged = coalescer.flush(now: .seconds(10) + .milliseconds(50))
        #expect(merged == AwarenessUpdate([Self.entry(2, 5, "Bob, moved"), Self.entry(1, 3, nil)]))
        #expect(coalescer.isEmpty && !coalescer.isFlushScheduled)
        #expect(coalescer.sent(now: .seconds(10) + .milliseconds(60)) == nil)

        // Long after the last flush, a new update goes at once again; a flush with nothing waiting sends nothing.
        #expect(coalescer.add([Self.entry(3, 1, "Carol")], now: .seconds(11)) == .zero)
        #expect(coalescer.flush(now: .seconds(11))?.entries.count == 1)
        #expect(coalescer.sent(now: .seconds(11)) == nil)
        #expect(coalescer.flush(now: .seconds(12)) == nil)
        #expect(coalescer.add([], now: .seconds(13)) == nil, "nothing to send, nothing scheduled")
    }

    /// While an update is being sent (a slow database), nothing more is scheduled: what comes meanwhile
    /// is merged and scheduled once the send is over, never sooner than the interval after the last.
    @Test func oneSendAtATime() {
        var coalescer = PresenceCoalescer(interval: .milliseconds(50))
        #expect(coalescer.add([Self.entry(1, 1, "Ann")], now: .seconds(1)) == .zero)
        #expect(coalescer.flush(now: .seconds(1)) != nil)
        #expect(coalescer.isSending)
        // The send takes two seconds; updates arrive meanwhile, long after the interval.
        #expect(coalescer.add([Self.entry(1, 2, "Ann, moved")], now: .seconds(2)) == nil, "one send at a time")
        #expect(coalescer.add([Self.entry(1, 3, "Ann, moved again")], now: .seconds(2)) == nil)
        #expect(!coalescer.isFlushScheduled)
        #expect(coalescer.sent(now: .seconds(3)) == .zero, "long after the interval: flush now")
        #expect(coalescer.flush(now: .seconds(3)) == AwarenessUpdate([Self.entry(1, 3, "Ann, moved again")]))
        // A quick send: what came during it waits for the rest of the interval.
        #expect(coalescer.add([Self.entry(1, 4, "Ann, once more")], now: .seconds(3)) == nil)
        #expect(coalescer.sent(now: .seconds(3) + .milliseconds(10)) == .milliseconds(40))
    }
}
