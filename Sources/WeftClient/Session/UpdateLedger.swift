/// Which local edits the relay has not yet made durable, from the relay's acks.
///
/// The relay counts the document updates a connection sends after its join (every sync step 2 and
/// update message, from 1) and `ack {updates: n}` says the first n are settled. One message may carry
/// several local edits (the step 2 after a reconnect carries every edit made while the connection was
/// down) or none (the step 2 of a replica with nothing new). The ledger remembers, per message, how
/// many local edits it carries, so ``unacknowledged`` counts edits — what a status bar shows — not
/// messages.
///
/// An edit stays unacknowledged until an ack covers a message carrying it: edits sent on a
/// connection that dropped before their ack go back to ``offline`` and travel again in the next
/// step 2 (the relay lacks them, or has them and they are harmless twice).
struct UpdateLedger: Hashable, Sendable {
    private struct Message: Hashable, Sendable {
        var index: Int
        var edits: Int
    }

    /// Document update messages sent on this connection since its join.
    private(set) var sent = 0
    /// The highest ack of this connection.
    private(set) var acknowledged = 0
    /// Sent messages not yet acked that carry local edits.
    private var inFlight: [Message] = []
    /// Local edits not sent on the current connection (made while it was down or not yet synced).
    private(set) var offline = 0

    /// Local edits the relay has not acked.
    var unacknowledged: Int { offline + inFlight.reduce(0) { $0 + $1.edits } }

    /// A new connection joined: counting starts again; edits in flight on the old one are offline.
    mutating func startConnection() {
        offline += inFlight.reduce(0) { $0 + $1.edits }
        inFlight.removeAll()
        sent = 0
        acknowledged = 0
    }

    /// The connection dropped: edits in flight wait for the next one.
    mutating func dropConnection() { startConnection() }

    /// A local edit made while it cannot be sent.
    mutating func recordOfflineEdit() { offline += 1 }

    /// A sync update carrying one local edit was sent.
    mutating func recordSentEdit() {
        sent += 1
        inFlight.append(Message(index: sent, edits: 1))
    }

    /// A sync step 2 was sent; it carries every edit not sent on this connection.
    mutating func recordSentStep2() {
        sent += 1
        if offline > 0 { inFlight.append(Message(index: sent, edits: offline)) }
        offline = 0
    }

    /// `ack {updates: count}` arrived.
    mutating func acknowledge(_ count: Int) {
        guard count > acknowledged else { return }
        acknowledged = count
        inFlight.removeAll { $0.index <= count }
    }
}
