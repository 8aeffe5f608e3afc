import Synchronization
import Testing

@testable import WeftRelay

/// The per-connection send queue: everything queued reaches the writer in order, in batches of at
/// most 64 KiB, and a client that stops reading is cut off by bytes, not by frame count (issue #5,
/// item 10; docs/protocol.md "Limits").
@Suite struct OutboundQueueTests {
    private func frame(_ index: Int, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: size)
        bytes[0] = UInt8(truncatingIfNeeded: index >> 8)
        return bytes
    }

    @Test func everyQueuedFrameReachesTheWriterInOrderInBoundedBatches() async {
        let queue = OutboundQueue(byteLimit: 1 << 20)
        let frames = (0..<300).map { frame($0, size: 1_000) }
        for frame in frames { #expect(queue.push(frame) == .queued) }
        queue.finish()
        var received: [[UInt8]] = []
        var batches = 0
        while let batch = await queue.next() {
            batches += 1
            #expect(batch.reduce(0) { $0 + $1.count } <= OutboundQueue.batchBytes)
            received += batch
        }
        #expect(received == frames)
        #expect(batches == 5, "300 KB in batches of at most 64 KiB (65 frames each) is 5 writes, not 300")
        #expect(queue.queuedBytes == 0)
    }

    @Test func theLimitIsInBytesAndOneLargeFrameStillGoesToAnEmptyQueue() async {
        let queue = OutboundQueue(byteLimit: 10_000)
        #expect(queue.push(frame(1, size: 25_000)) == .queued, "a frame above the limit goes when nothing else waits")
        // It counts with half the limit, so the acks and presence that follow a big sync still fit…
        #expect(queue.push(frame(2, size: 10)) == .queued)
        #expect(queue.push(frame(3, size: 4_990)) == .queued)
        // …up to the limit, and a second big frame does not.
        #expect(queue.push(frame(4, size: 1)) == .full)
        #expect(queue.push(frame(5, size: 25_000)) == .full)
        #expect(queue.queuedBytes == 30_000)
        #expect(await queue.next()?.map(\.count) == [25_000, 10, 4_990])

        for index in 0..<10 { #expect(queue.push(frame(index, size: 1_000)) == .queued) }
        #expect(queue.queuedBytes == 10_000)
        #expect(queue.push(frame(11, size: 1)) == .full, "the 10,001st byte is refused")
        #expect(queue.push([]) == .queued, "an empty frame costs nothing")
        #expect(await queue.next()?.count == 11)
        #expect(queue.push(frame(12, size: 10_000)) == .queued, "room again once the writer took the batch")
    }

    @Test func aWaitingWriterWakesForTheNextFrameAndFinishEndsIt() async {
        let queue = OutboundQueue(byteLimit: 1_000)
        let writer = Task { () -> [[UInt8]] in
            var received: [[UInt8]] = []
            while let batch = await queue.next() { received += batch }
            return received
        }
        var sent: [[UInt8]] = []
        for index in 0..<200 {
            let next = frame(index, size: 3)
            // The writer may be behind; a refused frame would be a lost one, so wait for room.
            while queue.push(next) != .queued { await Task.yield() }
            sent.append(next)
            if index % 7 == 0 { await Task.yield() }
        }
        queue.finish()
        #expect(await writer.value == sent)
        #expect(queue.push([1]) == .closed, "a finished queue takes nothing, and says it is closed, not full")
    }

    /// The event-loop writer is woken once per idle queue, not once per frame, and never misses a
    /// frame: a broadcast of many frames costs one wakeup, and a frame after an empty take wakes it
    /// again. `finish` wakes it too, so the last frames go out before the connection closes.
    @Test func anAttachedWriterIsSignalledOncePerIdleQueueAndTakesEverythingInOrder() {
        let queue = OutboundQueue(byteLimit: 1 << 20)
        #expect(queue.push(frame(0, size: 10)) == .queued)
        let signals = Mutex(0)
        queue.attach { signals.withLock { $0 += 1 } }
        #expect(signals.withLock { $0 } == 1, "a frame queued before the writer attached wakes it at once")
        for index in 1..<100 { #expect(queue.push(frame(index, size: 1_000)) == .queued) }
        #expect(signals.withLock { $0 } == 1, "frames behind a pending wakeup join it")

        var received: [[UInt8]] = []
        var batches = 0
        while case .frames(let batch) = queue.takeReady() {
            batches += 1
            #expect(batch.reduce(0) { $0 + $1.count } <= OutboundQueue.batchBytes)
            received += batch
        }
        #expect(received == [frame(0, size: 10)] + (1..<100).map { frame($0, size: 1_000) })
        #expect(batches == 2)
        #expect(queue.queuedBytes == 0)

        #expect(queue.push(frame(100, size: 5)) == .queued)
        #expect(signals.withLock { $0 } == 2, "the take that found the queue empty re-armed the signal")
        #expect(queue.takeReady() == .frames([frame(100, size: 5)]))
        queue.finish()
        #expect(signals.withLock { $0 } == 2, "still signalled: the writer has not yet seen the queue empty")
        #expect(queue.takeReady() == .finished)
        #expect(queue.push([1]) == .closed)
    }

    @Test func finishingAnIdleQueueWakesItsWriter() {
        let queue = OutboundQueue(byteLimit: 1_000)
        let signals = Mutex(0)
        queue.attach { signals.withLock { $0 += 1 } }
        #expect(signals.withLock { $0 } == 0)
        #expect(queue.takeReady() == .idle)
        queue.finish()
        #expect(signals.withLock { $0 } == 1)
        #expect(queue.takeReady() == .finished)
    }
}
