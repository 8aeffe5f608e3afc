import WeftStore
import YCRDT

/// Gathers a relay's presence for the other relays (issue #9), all its rooms', so that it goes out at most
/// once per ``interval`` in one batch: entries added meanwhile are merged per workflow, the newest entry of
/// each client winning (the higher clock; at an equal clock, "offline"), as y-protocols awareness would
/// apply them; a workflow's query ("who is here") asked meanwhile goes once.
///
/// One batch is sent at a time: what is added while one is being sent waits until ``sent(now:)``, so a
/// slow database never has more than one presence send of the relay waiting for it.
///
/// It reads no clock and starts no task: its owner (``PresenceSender``) passes the time, schedules the
/// flush ``add(_:workflowID:now:)`` or ``sent(now:)`` asks for and sends what ``flush(now:)`` returns.
struct PresenceCoalescer {
    /// What waits for one workflow.
    private struct Pending {
        /// The entries waiting, by client.
        var entries: [ClientID: AwarenessUpdate.Entry] = [:]
        /// Their clients in the order first added, so that a flush keeps it.
        var order: [ClientID] = []
        var query = false
    }

    /// The least time between two flushes.
    let interval: Duration
    private var pending: [String: Pending] = [:]
    /// The workflows waiting, in the order first added.
    private var workflows: [String] = []
    private var lastFlush: Duration?
    /// Whether a flush was asked for and has not happened yet.
    private(set) var isFlushScheduled = false
    /// Whether what the last flush returned is being sent.
    private(set) var isSending = false

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether nothing waits.
    var isEmpty: Bool { pending.isEmpty }

    /// Merges `entries` of workflow `workflowID` into what waits. Returns after how long to flush when a
    /// flush must be scheduled (`.zero`: now), nil when one already is or there is nothing to send.
    mutating func add(_ entries: [AwarenessUpdate.Entry], workflowID: String, now: Duration) -> Duration? {
        guard !entries.isEmpty else { return scheduleIfNeeded(now: now) }
        update(workflowID) { waiting in
            for entry in entries {
                if let old = waiting.entries[entry.clientID] {
                    let newer = entry.clock > old.clock || (entry.clock == old.clock && entry.state == nil)
                    if newer { waiting.entries[entry.clientID] = entry }
                } else {
                    waiting.entries[entry.clientID] = entry
                    waiting.order.append(entry.clientID)
                }
            }
        }
        return scheduleIfNeeded(now: now)
    }

    /// Asks the other relays who is present on workflow `workflowID`, with the next flush. Returns as
    /// ``add(_:workflowID:now:)`` does.
    mutating func addQuery(workflowID: String, now: Duration) -> Duration? {
        update(workflowID) { $0.query = true }
        return scheduleIfNeeded(now: now)
    }

    private mutating func update(_ workflowID: String, _ change: (inout Pending) -> Void) {
        if pending[workflowID] == nil { workflows.append(workflowID) }
        change(&pending[workflowID, default: Pending()])
    }

    private mutating func scheduleIfNeeded(now: Duration) -> Duration? {
        guard !pending.isEmpty, !isFlushScheduled, !isSending else { return nil }
        isFlushScheduled = true
        guard let lastFlush else { return .zero }
        return max(.zero, lastFlush + interval - now)
    }

    /// Takes what waits, each workflow's update (its clients' entries as one awareness update) then its
    /// query, the workflows in the order they came (empty when nothing waits, or while a batch is being
    /// sent), and counts the interval from now. Until ``sent(now:)``, nothing more is scheduled.
    mutating func flush(now: Duration) -> [WorkflowPresenceSignal] {
        isFlushScheduled = false
        guard !pending.isEmpty, !isSending else { return [] }
        lastFlush = now
        isSending = true
        let batch = workflows.flatMap { workflowID -> [WorkflowPresenceSignal] in
            guard let waiting = pending[workflowID] else { return [] }
            var signals: [WorkflowPresenceSignal] = []
            if !waiting.order.isEmpty {
                let update = AwarenessUpdate(waiting.order.compactMap { waiting.entries[$0] })
                signals.append(WorkflowPresenceSignal(workflowID: workflowID, signal: .update(update.encoded())))
            }
            if waiting.query { signals.append(WorkflowPresenceSignal(workflowID: workflowID, signal: .query)) }
            return signals
        }
        pending = [:]
        workflows = []
        return batch
    }

    /// The batch ``flush(now:)`` returned was sent (or given up on). Returns after how long to flush what
    /// was added meanwhile, as ``add(_:workflowID:now:)`` does.
    mutating func sent(now: Duration) -> Duration? {
        isSending = false
        return scheduleIfNeeded(now: now)
    }
}
