import Synchronization
import WeftProtocol

/// One connection's document updates between their arrival and their `ack`, kept in order.
///
/// A connection hands each update to its room without waiting for the commit, so the updates it
/// sends back to back share a group commit. Each update takes a numbered slot here when it arrives
/// (numbered as docs/protocol.md counts them: every sync step 2 and update since the join, from 1).
/// A slot is settled when the room has committed and forwarded its update, or at once when the
/// update is refused or holds nothing. Settled slots at the front are acknowledged together, each
/// refusal's error going out just before the ack that covers it: acks stay in order and mean
/// exactly what the protocol says, whatever order the slots settle in.
///
/// Bounded: at most ``updateLimit`` updates and ``byteLimit`` bytes (but always one update) are
/// unsettled. The next waits in ``register(bytes:)``, which holds up the connection's reader, so a
/// client that writes faster than the store commits is slowed by its own socket. Both waits end when
/// the waiting task is cancelled (the relay closing the connection), so a store that keeps failing
/// cannot keep a connection, or the relay's shutdown, waiting forever.
///
/// Safe to use from any task: the room settles slots from its own.
final class UpdatePipeline: Sendable {
    /// The most updates one connection has in flight.
    static let defaultUpdateLimit = 128
    /// The most bytes of updates one connection has in flight (one larger update still goes alone).
    static let defaultByteLimit = 4 * 1024 * 1024

    let updateLimit: Int
    let byteLimit: Int
    private let outbound: Outbound

    private struct Slot {
        var bytes: Int
        var settled = false
        /// The error of a refused update, sent before the ack that covers it.
        var refusal: ControlMessage?
    }

    private struct State {
        /// Updates acknowledged so far (the last ack sent).
        var acked = 0
        /// Updates that took a slot.
        var registered = 0
        /// Slots of updates `acked + 1 ... registered`, from `head` on.
        var slots: [Slot] = []
        var head = 0
        var bytesInFlight = 0
        /// The reader, waiting for room for an update of this many bytes.
        var reader: (bytes: Int, waiter: Waiter)?
        var settleWaiters: [Waiter] = []
        /// The connection is gone: updates still committing settle without a word.
        var closed = false

        func hasRoom(for bytes: Int, updateLimit: Int, byteLimit: Int) -> Bool {
            let unsettled = registered - acked
            return unsettled == 0 || (unsettled < updateLimit && bytesInFlight + bytes <= byteLimit)
        }
    }

    private let state = Mutex(State())

    init(outbound: Outbound, updateLimit: Int = defaultUpdateLimit, byteLimit: Int = defaultByteLimit) {
        self.outbound = outbound
        self.updateLimit = updateLimit
        self.byteLimit = byteLimit
    }

    /// Updates registered and not yet acknowledged.
    var unsettled: Int { state.withLock { $0.registered - $0.acked } }

    /// Takes the next slot for an update of `bytes`, first waiting until the bound leaves room for it;
    /// returns the update's number, or nil when the calling task was cancelled while it waited (no
    /// slot is taken then). Called by the connection's reader only, one update at a time.
    func register(bytes: Int) async -> Int? {
        while true {
            let number: Int? = state.withLock { state in
                guard state.hasRoom(for: bytes, updateLimit: updateLimit, byteLimit: byteLimit) else {
                    return nil
                }
                state.registered += 1
                state.slots.append(Slot(bytes: bytes))
                state.bytesInFlight += bytes
                return state.registered
            }
            if let number { return number }
            let waiter = Waiter()
            let mustWait = state.withLock { state in
                if state.hasRoom(for: bytes, updateLimit: updateLimit, byteLimit: byteLimit) { return false }
                state.reader = (bytes, waiter)
                return true
            }
            guard mustWait else { continue }
            do { try await waiter.wait() } catch {
                state.withLock { state in
                    if state.reader?.waiter === waiter { state.reader = nil }
                }
                return nil
            }
        }
    }

    /// Settles update `number`: committed (and forwarded), or refused with `refusal`. Sends the acks
    /// (and refusals) this makes possible, in order.
    func settle(_ number: Int, refusal: ControlMessage? = nil) {
        var wake: [Waiter] = []
        state.withLock { state in
            let index = state.head + (number - state.acked - 1)
            guard number > state.acked, index < state.slots.count, !state.slots[index].settled else { return }
            state.slots[index].settled = true
            state.slots[index].refusal = refusal
            var acked = state.acked
            while state.head < state.slots.count, state.slots[state.head].settled {
                let slot = state.slots[state.head]
                if let refusal = slot.refusal, !state.closed { outbound.send(.control(refusal)) }
                state.bytesInFlight -= slot.bytes
                state.head += 1
                acked += 1
            }
            guard acked > state.acked else { return }
            // Sent under the lock: two settles racing cannot put their acks out of order.
            state.acked = acked
            if !state.closed { outbound.send(.control(.ack(updates: acked))) }
            if state.head == state.slots.count {
                state.slots.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head >= 64, state.head * 2 >= state.slots.count {
                state.slots.removeFirst(state.head)
                state.head = 0
            }
            if let reader = state.reader,
                state.hasRoom(for: reader.bytes, updateLimit: updateLimit, byteLimit: byteLimit)
            {
                wake.append(reader.waiter)
                state.reader = nil
            }
            if state.acked == state.registered {
                wake += state.settleWaiters
                state.settleWaiters.removeAll()
            }
        }
        for waiter in wake { waiter.resume() }
    }

    /// The connection closed: what settles from now on sends nothing (nobody is there to read it; its
    /// send queue is finished and would refuse the frames anyway).
    func close() { state.withLock { $0.closed = true } }

    /// Returns once every registered update is settled and acknowledged, or when the calling task is
    /// cancelled.
    func waitUntilSettled() async {
        let waiter = Waiter()
        let mustWait = state.withLock { state in
            if state.acked == state.registered { return false }
            state.settleWaiters.append(waiter)
            return true
        }
        guard mustWait else { return }
        try? await waiter.wait()
    }
}
