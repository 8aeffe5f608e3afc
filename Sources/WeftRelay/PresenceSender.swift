import Synchronization
import WeftStore
import YCRDT

/// Sends every room's presence for the other relays sharing the database (issue #9) in one store call per
/// ``interval`` at most, with at most one call in flight for the whole relay (a ``PresenceCoalescer``
/// merges what waits): however many rooms have people moving their cursors, presence holds at most one
/// connection of the store's pool, which the document log's commits also need.
///
/// Rooms hand it their clients' entries with ``share(_:workflowID:)`` and their "who is here" question
/// with ``ask(workflowID:)``, without waiting; ``sendWaiting()`` sends what waits now (shutdown).
final class PresenceSender: Sendable {
    /// How long ``sendWaiting()`` waits for the batch in flight before giving up.
    static let shutdownPatience = Duration.seconds(1)

    private let state: Mutex<PresenceCoalescer>
    private let send: @Sendable ([WorkflowPresenceSignal]) async -> Void
    private let now: @Sendable () -> Duration
    /// How many batches were sent (each one store call), and how many workflows' signals they held.
    private let sends = Atomic<Int>(0)
    private let signals = Atomic<Int>(0)

    /// A sender passing each batch to `send`, at most once per `interval` of `now`'s clock.
    init(
        interval: Duration, now: @escaping @Sendable () -> Duration,
        send: @escaping @Sendable ([WorkflowPresenceSignal]) async -> Void
    ) {
        self.state = Mutex(PresenceCoalescer(interval: interval))
        self.now = now
        self.send = send
    }

    /// How many batches were sent so far (each one store call).
    var sentBatches: Int { sends.load(ordering: .relaxed) }
    /// How many workflows' signals (updates and queries) those batches held.
    var sentSignals: Int { signals.load(ordering: .relaxed) }

    /// Passes these entries of workflow `workflowID`'s clients on with the next batch.
    func share(_ entries: [AwarenessUpdate.Entry], workflowID: String) {
        guard !entries.isEmpty else { return }
        let delay = state.withLock { $0.add(entries, workflowID: workflowID, now: now()) }
        if let delay { flush(after: delay) }
    }

    /// Asks the other relays who is present on workflow `workflowID`, with the next batch.
    func ask(workflowID: String) {
        let delay = state.withLock { $0.addQuery(workflowID: workflowID, now: now()) }
        if let delay { flush(after: delay) }
    }

    private func flush(after delay: Duration) {
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            let batch = state.withLock { $0.flush(now: now()) }
            guard !batch.isEmpty else { return }
            await deliver(batch)
        }
    }

    /// Sends a batch the coalescer gave, then schedules what came meanwhile.
    private func deliver(_ batch: [WorkflowPresenceSignal]) async {
        sends.add(1, ordering: .relaxed)
        signals.add(batch.count, ordering: .relaxed)
        await send(batch)
        let delay = state.withLock { $0.sent(now: now()) }
        if let delay { flush(after: delay) }
    }

    /// Sends what waits now rather than after the interval, once the batch in flight is sent (waiting
    /// ``shutdownPatience`` at most): a stopping relay's clients' leaving reaches the other relays before
    /// it exits. Returns once sent, or at once when nothing waits.
    func sendWaiting() async {
        let patience = ContinuousClock.now + Self.shutdownPatience
        while state.withLock({ $0.isSending }), ContinuousClock.now < patience {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let batch = state.withLock { $0.flush(now: now()) }
        guard !batch.isEmpty else { return }
        await deliver(batch)
    }
}
