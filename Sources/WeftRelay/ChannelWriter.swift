import NIOCore
import Synchronization

/// Writes one connection's queued frames straight onto its channel, on the channel's event loop.
///
/// No task sits between the queue and the socket: when a frame reaches an idle ``OutboundQueue`` the
/// connection is handed to its loop's ``WriteScheduler``, whose one event-loop task writes what every
/// such connection has queued, one buffer per batch, and flushes each once. A room broadcasting a
/// committed batch to 50 clients so costs one wakeup of the event loop and one `write()` per client,
/// however many frames the batch holds (docs/benchmarks.md, "Saturation").
///
/// It stops taking frames while the channel is not writable (the client is not reading) and resumes
/// when its last write has gone out, so what piles up stays in the queue, where the byte limit
/// disconnects a client that stopped reading (docs/protocol.md, "Limits").
///
/// Everything but `init` and ``allWritten()`` runs on the channel's event loop.
final class ChannelWriter: @unchecked Sendable {
    private let channel: any Channel
    private let queue: OutboundQueue
    private let scheduler: WriteScheduler
    private let done: EventLoopPromise<Void>
    // Event loop only:
    private var lastWrite: EventLoopFuture<Void>?
    private var waitingForWrite = false
    private var ended = false

    /// Attaches itself to `queue`; writes on `channel` until the queue is finished and drained, or the
    /// channel closes.
    init(channel: any Channel, queue: OutboundQueue, scheduler: WriteScheduler) {
        precondition(channel.eventLoop === scheduler.eventLoop, "a channel's writes belong on its own event loop")
        self.channel = channel
        self.queue = queue
        self.scheduler = scheduler
        self.done = channel.eventLoop.makePromise()
        channel.closeFuture.whenComplete { [self] _ in channelClosed() }
        queue.attach { [weak self] in
            guard let self else { return }
            self.scheduler.schedule(self)
        }
    }

    /// Returns once everything queued before ``OutboundQueue/finish()`` has been handed to the kernel,
    /// or the channel closed.
    func allWritten() async {
        try? await done.futureResult.get()
    }

    /// Writes what is queued while the channel takes it. Event loop only.
    func drain() {
        channel.eventLoop.assertInEventLoop()
        guard !waitingForWrite, !ended else { return }
        var wrote = false
        defer { if wrote { channel.flush() } }
        while channel.isWritable {
            switch queue.takeReady() {
            case .frames(let frames):
                var bytes = 0
                for frame in frames { bytes += frame.count }
                var buffer = channel.allocator.buffer(capacity: bytes)
                for frame in frames { buffer.writeBytes(frame) }
                lastWrite = channel.write(buffer)
                wrote = true
            case .idle:
                return
            case .finished:
                end(after: lastWrite)
                return
            }
        }
        // The client is behind: the channel holds a batch the kernel would not take yet. Take more
        // once that has gone out; meanwhile frames wait in the queue, which is bounded.
        guard let lastWrite else { return }  // not writable before any write: the channel is closing
        waitingForWrite = true
        lastWrite.whenComplete { [self] result in
            waitingForWrite = false
            switch result {
            case .success: drain()
            case .failure: channel.close(promise: nil)  // its closeFuture ends this writer
            }
        }
    }

    private func end(after write: EventLoopFuture<Void>?) {
        ended = true
        guard let write else { return done.succeed() }
        write.whenComplete { [done] _ in done.succeed() }
    }

    private func channelClosed() {
        ended = true
        // Later sends are refused as `.closed`, not counted against the limit of a client long gone.
        queue.finish()
        done.succeed()
    }
}

/// The connections of one event loop with frames to write, drained together by one task on it.
final class WriteScheduler: Sendable {
    let eventLoop: any EventLoop
    private let pending = Mutex<[ChannelWriter]>([])

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// Has `writer` drain on the event loop soon; the first writer scheduled wakes the loop, those
    /// scheduled before it runs join that wakeup.
    func schedule(_ writer: ChannelWriter) {
        let first = pending.withLock { writers in
            writers.append(writer)
            return writers.count == 1
        }
        if first { eventLoop.execute { self.run() } }
    }

    private func run() {
        let writers = pending.withLock { writers in
            let taken = writers
            writers = []
            return taken
        }
        for writer in writers { writer.drain() }
    }
}
