import Synchronization
import WeftProtocol

/// The send side of one connection: a queue of encoded frames, bounded in bytes, drained on the
/// connection's event loop (``ChannelWriter``).
///
/// `send` never waits: a client that stops reading fills its queue and is then disconnected, so a
/// slow client cannot hold up a room or the other clients. Safe to call from any task.
struct Outbound: Sendable {
    let queue: OutboundQueue
    let onOverflow: @Sendable () -> Void

    /// Queues one message. Returns false (and closes the connection) when the queue is full.
    @discardableResult
    func send(_ message: WireMessage) -> Bool {
        send(frame: Frame.encode(message))
    }

    @discardableResult
    func send(frame: [UInt8]) -> Bool {
        switch queue.push(frame) {
        case .queued: return true
        case .full:
            onOverflow()
            return false
        case .closed:
            return false  // the connection is ending anyway: nothing to report, nobody to blame
        }
    }

    func finish() { queue.finish() }
}

/// Frames waiting for one connection's writer, taken many at a time.
///
/// While the writer's last write goes out, frames pile up here and the next write carries them
/// together: one syscall, and one wakeup of the client, for many frames when a room is busy.
///
/// Two kinds of writer take from it: a task awaiting ``next()``, or a ``ChannelWriter`` that
/// ``attach(_:)``es a signal and takes with ``takeReady()`` when signalled. The signal fires once
/// when a frame (or ``finish()``) arrives at an idle queue, not once per frame: the frames of a whole
/// broadcast cost one wakeup of the writer.
///
/// The bound is in unsent bytes (docs/protocol.md, "Limits"), not frames, so a client that stops
/// reading costs the relay about `byteLimit` whatever the frames' sizes. A frame counts against the
/// limit with at most half of it, so one very large frame (the sync of a big document) leaves room for
/// the acks and presence that follow it to a client that is reading; a stuck client still fills the
/// limit after at most two such frames. One frame larger than the
/// limit is still accepted into an empty queue: a big document's sync must reach a client that
/// reads.
final class OutboundQueue: Sendable {
    /// The most a write takes at once, so what the channel holds for a stuck client stays about one
    /// batch and this queue's limit decides when the client is disconnected.
    static let batchBytes = 64 * 1024

    let byteLimit: Int

    private struct State: ~Copyable {
        var frames: [[UInt8]] = []
        /// Index of the first frame not yet taken (frames before it are dropped in bulk).
        var head = 0
        var queuedBytes = 0
        /// What the queued frames count against the limit (``OutboundQueue/charge(of:)`` each).
        var charged = 0
        var waiter: CheckedContinuation<[[UInt8]]?, Never>?
        var finished = false
        /// The attached writer's signal, if one is attached.
        var onReady: (@Sendable () -> Void)?
        /// The signal fired and the writer has not yet found the queue empty since.
        var signalled = false
    }

    private let state = Mutex(State())

    init(byteLimit: Int) { self.byteLimit = byteLimit }

    /// What a frame of `size` bytes counts against the limit.
    func charge(of size: Int) -> Int { min(size, max(1, byteLimit / 2)) }

    /// Bytes queued and not yet taken by the writer.
    var queuedBytes: Int { state.withLock { $0.queuedBytes } }

    /// What became of a pushed frame.
    enum PushResult: Equatable {
        /// Queued, or handed straight to the waiting writer.
        case queued
        /// Refused: it would take the queue past its limit (the client is not reading).
        case full
        /// Refused: the queue is finished (the connection is closing).
        case closed
    }

    /// Adds a frame, unless it would take the queue past its limit or the queue is finished.
    func push(_ frame: [UInt8]) -> PushResult {
        enum Outcome {
            case refused(PushResult), queued
            case handed(CheckedContinuation<[[UInt8]]?, Never>)
            case signal(@Sendable () -> Void)
        }
        // One critical section: a writer that starts waiting between a check and an append would
        // sleep on a frame it never hears of.
        let outcome: Outcome = state.withLock { state in
            guard !state.finished else { return .refused(.closed) }
            if let waiter = state.waiter {
                state.waiter = nil
                return .handed(waiter)
            }
            let charge = charge(of: frame.count)
            guard state.charged == 0 || state.charged + charge <= byteLimit else { return .refused(.full) }
            state.charged += charge
            state.frames.append(frame)
            state.queuedBytes += frame.count
            if !state.signalled, let onReady = state.onReady {
                state.signalled = true
                return .signal(onReady)
            }
            return .queued
        }
        switch outcome {
        case .refused(let reason): return reason
        case .queued: return .queued
        case .signal(let onReady):
            onReady()
            return .queued
        case .handed(let waiter):
            waiter.resume(returning: [frame])
            return .queued
        }
    }

    /// No more frames: the writer gets what is queued, then nil.
    func finish() {
        typealias Wakeups = (CheckedContinuation<[[UInt8]]?, Never>?, (@Sendable () -> Void)?)
        let (waiter, signal) = state.withLock { state -> Wakeups in
            defer { state.waiter = nil }
            guard !state.finished else { return (state.waiter, nil) }
            state.finished = true
            guard !state.signalled, let onReady = state.onReady else { return (state.waiter, nil) }
            state.signalled = true
            return (state.waiter, onReady)
        }
        waiter?.resume(returning: nil)
        signal?()
    }

    /// Makes `onReady` the writer's signal: it is called, from whichever thread pushes, when a frame
    /// or ``finish()`` arrives while the writer has nothing to take, and again only after
    /// ``takeReady()`` has found the queue empty. Called at once if something is already waiting.
    func attach(_ onReady: @escaping @Sendable () -> Void) {
        let fire = state.withLock { state in
            state.onReady = onReady
            guard state.head < state.frames.count || state.finished else { return false }
            state.signalled = true
            return true
        }
        if fire { onReady() }
    }

    /// What ``takeReady()`` found.
    enum Take: Equatable {
        /// Frames to write, in order, up to ``OutboundQueue/batchBytes`` (at least one).
        case frames([[UInt8]])
        /// Nothing queued: the signal fires again for the next frame.
        case idle
        /// Finished and every frame taken.
        case finished
    }

    /// The frames queued, up to ``batchBytes``, without waiting (for an attached writer).
    func takeReady() -> Take {
        state.withLock { state in
            if state.head < state.frames.count { return .frames(self.take(from: &state)) }
            if state.finished { return .finished }
            state.signalled = false
            return .idle
        }
    }

    /// The frames queued, up to ``batchBytes`` (at least one), waiting for one if none is; nil once
    /// finished and drained.
    func next() async -> [[UInt8]]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let batch: [[UInt8]]?? = state.withLock { state in
                    if state.head < state.frames.count { return .some(self.take(from: &state)) }
                    if state.finished { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let batch { continuation.resume(returning: batch) }
            }
        } onCancel: {
            finish()
        }
    }

    private func take(from state: inout State) -> [[UInt8]] {
        var end = state.head
        var bytes = 0
        var charged = 0
        while end < state.frames.count, end == state.head || bytes + state.frames[end].count <= Self.batchBytes {
            bytes += state.frames[end].count
            charged += charge(of: state.frames[end].count)
            end += 1
        }
        let batch = Array(state.frames[state.head..<end])
        state.queuedBytes -= bytes
        state.charged -= charged
        if end == state.frames.count {
            state.frames.removeAll(keepingCapacity: true)
            state.head = 0
        } else if end > state.frames.count / 2 {
            // Drop what was taken once it is most of the array, so taken frames are not kept alive.
            state.frames.removeFirst(end)
            state.head = 0
        } else {
            state.head = end
        }
        return batch
    }
}
