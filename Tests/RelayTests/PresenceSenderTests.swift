import Synchronization
import Testing
import WeftStore
import YCRDT

@testable import WeftRelay

/// A relay sends all its rooms' presence for the other relays in one store call per interval, one call
/// in flight at a time, whatever the number of rooms (issue #9; docs/operations.md "Several relays").
@Suite struct PresenceSenderTests {
    private static func entry(_ client: ClientID, _ clock: UInt64, _ name: String?) -> AwarenessUpdate.Entry {
        .init(clientID: client, clock: clock, state: name.map { ["user": ["name": .string($0)]] })
    }

    private static func update(_ workflowID: String, _ entries: [AwarenessUpdate.Entry]) -> WorkflowPresenceSignal {
        WorkflowPresenceSignal(workflowID: workflowID, signal: .update(AwarenessUpdate(entries).encoded()))
    }

    /// A store standing in for PostgreSQL: records each call, and holds calls while `held` (a slow
    /// database), noting how many were ever in flight at once.
    private final class FakeStore: Sendable {
        private struct State {
            var calls: [[WorkflowPresenceSignal]] = []
            var inFlight = 0
            var mostInFlight = 0
            var held = false
        }

        private let state = Mutex(State())

        var calls: [[WorkflowPresenceSignal]] { state.withLock { $0.calls } }
        var mostInFlight: Int { state.withLock { $0.mostInFlight } }
        func hold(_ held: Bool) { state.withLock { $0.held = held } }

        func sendPresence(_ batch: [WorkflowPresenceSignal]) async {
            state.withLock { state in
                state.calls.append(batch)
                state.inFlight += 1
                state.mostInFlight = max(state.mostInFlight, state.inFlight)
            }
            while state.withLock({ $0.held }) { try? await Task.sleep(for: .milliseconds(2)) }
            state.withLock { $0.inFlight -= 1 }
        }

        /// Waits (10 s at most) until `count` calls were made.
        func waitForCalls(_ count: Int) async throws {
            let until = ContinuousClock.now + .seconds(10)
            while calls.count < count, ContinuousClock.now < until { try await Task.sleep(for: .milliseconds(5)) }
            try #require(calls.count >= count, "only \(calls.count) of \(count) store calls")
        }
    }

    private static func sender(_ store: FakeStore, interval: Duration = .milliseconds(50)) -> PresenceSender {
        let start = ContinuousClock.now
        return PresenceSender(interval: interval, now: { ContinuousClock.now - start }) {
            await store.sendPresence($0)
        }
    }

    /// While one call is in flight (the database is slow), the rooms' presence waits and is merged: once
    /// the call returns, one call carries every workflow's, each client's newest entry, and the queries;
    /// never two calls at once.
    @Test func everyRoomsPresenceGoesInOneCallOneAtATime() async throws {
        let store = FakeStore()
        let sender = Self.sender(store)
        store.hold(true)
        sender.share([Self.entry(1, 1, "Ann")], workflowID: "wf-a")
        try await store.waitForCalls(1)
        #expect(store.calls[0] == [Self.update("wf-a", [Self.entry(1, 1, "Ann")])])

        // Thirty rooms' people move while the call is held, for longer than several intervals.
        for room in 0..<30 {
            for clock in 1...3 {
                let entry = Self.entry(ClientID(100 + room), UInt64(clock), "at \(clock)")
                sender.share([entry], workflowID: "wf-\(room)")
            }
        }
        sender.share([Self.entry(1, 2, "Ann, moved")], workflowID: "wf-a")
        sender.ask(workflowID: "wf-q")
        sender.share([Self.entry(1, 1, "stale")], workflowID: "wf-a")
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.calls.count == 1, "one call in flight for the whole relay")

        store.hold(false)
        try await store.waitForCalls(2)
        let expected =
            (0..<30).map { Self.update("wf-\($0)", [Self.entry(ClientID(100 + $0), 3, "at 3")]) }
            + [Self.update("wf-a", [Self.entry(1, 2, "Ann, moved")]), .init(workflowID: "wf-q", signal: .query)]
        #expect(store.calls[1] == expected)
        try await Task.sleep(for: .milliseconds(200))
        #expect(store.calls.count == 2, "nothing else waited")
        #expect(store.mostInFlight == 1)
        #expect(sender.sentBatches == 2 && sender.sentSignals == 33)
    }

    /// Rooms sharing presence continuously make one call per interval, not one per room.
    @Test func callsAreAtMostOnePerInterval() async throws {
        let store = FakeStore()
        let sender = Self.sender(store, interval: .milliseconds(100))
        let start = ContinuousClock.now
        var clock: UInt64 = 0
        while ContinuousClock.now - start < .milliseconds(1000) {
            clock += 1
            for room in 0..<20 {
                sender.share([Self.entry(ClientID(room), clock, "moving")], workflowID: "wf-\(room)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let calls = store.calls.count
        #expect(calls >= 3 && calls <= 11, "\(calls) calls in a second at one per 100 ms")
        #expect(store.mostInFlight == 1)
    }

    /// On shutdown the waiting presence goes at once, without waiting for the interval, after the call
    /// in flight; with nothing waiting, nothing is sent.
    @Test func sendWaitingSendsAfterTheCallInFlight() async throws {
        let store = FakeStore()
        let sender = Self.sender(store, interval: .seconds(60))
        await sender.sendWaiting()
        #expect(store.calls.isEmpty)

        store.hold(true)
        sender.share([Self.entry(1, 1, "Ann")], workflowID: "wf-a")
        try await store.waitForCalls(1)
        sender.share([Self.entry(1, 1, nil)], workflowID: "wf-a")
        sender.share([Self.entry(2, 4, nil)], workflowID: "wf-b")
        let release = Task {
            try await Task.sleep(for: .milliseconds(100))
            store.hold(false)
        }
        let began = ContinuousClock.now
        await sender.sendWaiting()
        #expect(ContinuousClock.now - began < .seconds(5), "not the minute's interval")
        let leaving = [Self.update("wf-a", [Self.entry(1, 1, nil)]), Self.update("wf-b", [Self.entry(2, 4, nil)])]
        #expect(store.calls.last == leaving)
        #expect(store.calls.count == 2 && store.mostInFlight == 1)
        try await release.value
    }
}
