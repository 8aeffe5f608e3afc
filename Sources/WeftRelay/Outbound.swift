import NIOCore
import WeftProtocol

/// The send side of one connection: a bounded queue of encoded frames drained by the connection's
/// writer task.
///
/// `send` never waits: a client that stops reading fills its queue and is then disconnected, so a
/// slow client cannot hold up a room or the other clients. Safe to call from any task.
struct Outbound: Sendable {
    let continuation: AsyncStream<[UInt8]>.Continuation
    let onOverflow: @Sendable () -> Void

    /// Queues one message. Returns false (and closes the connection) when the queue is full.
    @discardableResult
    func send(_ message: WireMessage) -> Bool {
        send(frame: Frame.encode(message))
    }

    @discardableResult
    func send(frame: [UInt8]) -> Bool {
        switch continuation.yield(frame) {
        case .enqueued: return true
        case .dropped, .terminated:
            onOverflow()
            return false
        @unknown default:
            return false
        }
    }

    func finish() { continuation.finish() }
}
