import YCRDT

/// Gathers a room's presence for the other relays (issue #9) so that it goes out at most once per
/// ``interval``: entries added meanwhile are merged, the newest entry of each client winning (the higher
/// clock; at an equal clock, "offline"), as y-protocols awareness would apply them.
///
/// One update is sent at a time: what is added while one is being sent waits until ``sent(now:)``, so a
/// slow database never has more than one presence notification of a room waiting for it.
///
/// It reads no clock and starts no task: the room passes the time (its ``RelayServices/now()``), schedules
/// the flush ``add(_:now:)`` or ``sent(now:)`` asks for and sends what ``flush(now:)`` returns.
struct PresenceCoalescer {
    /// The least time between two flushes.
    let interval: Duration
    /// The entries waiting, by client.
    private var pending: [ClientID: AwarenessUpdate.Entry] = [:]
    /// Their clients in the order first added, so that a flush keeps it.
    private var order: [ClientID] = []
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

    /// Merges `entries` into what waits. Returns after how long to flush when a flush must be scheduled
    /// (`.zero`: now), nil when one already is or there is nothing to send.
    mutating func add(_ entries: [AwarenessUpdate.Entry], now: Duration) -> Duration? {
        for entry in entries {
            if let waiting = pending[entry.clientID] {
                let newer = entry.clock > waiting.clock || (entry.clock == waiting.clock && entry.state == nil)
                if newer { pending[entry.clientID] = entry }
            } else {
                pending[entry.clientID] = entry
                order.append(entry.clientID)
            }
        }
        return scheduleIfNeeded(now: now)
    }

    private mutating func scheduleIfNeeded(now: Duration) -> Duration? {
        guard !pending.isEmpty, !isFlushScheduled, !isSending else { return nil }
        isFlushScheduled = true
        guard let lastFlush else { return .zero }
        return max(.zero, lastFlush + interval - now)
    }

    /// Takes what waits, as one awareness update (nil when nothing does), and counts the interval from now.
    /// Until ``sent(now:)``, nothing more is scheduled.
    mutating func flush(now: Duration) -> AwarenessUpdate? {
        isFlushScheduled = false
        guard !pending.isEmpty else { return nil }
        lastFlush = now
        isSending = true
        let update = AwarenessUpdate(order.compactMap { pending[$0] })
        pending = [:]
        order = []
        return update
    }

    /// The update ``flush(now:)`` returned was sent (or given up on). Returns after how long to flush what
    /// was added meanwhile, as ``add(_:now:)`` does.
    mutating func sent(now: Duration) -> Duration? {
        isSending = false
        return scheduleIfNeeded(now: now)
    }
}
