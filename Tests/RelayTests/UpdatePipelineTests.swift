import Testing
import WeftProtocol

@testable import WeftRelay

/// One connection's updates between arrival and ack (issue #5, durable acks; docs/protocol.md "ack"):
/// acks go out in arrival order whatever order the updates settle in, a refusal's error comes just
/// before the ack that covers it, and the reader waits when too much is in flight.
@Suite struct UpdatePipelineTests {
    private func make(updateLimit: Int = 128, byteLimit: Int = 1 << 20) -> (UpdatePipeline, OutboundQueue) {
        let queue = OutboundQueue(byteLimit: 1 << 20)
        let outbound = Outbound(queue: queue) {}
        return (UpdatePipeline(outbound: outbound, updateLimit: updateLimit, byteLimit: byteLimit), queue)
    }

    /// The control messages sent so far, in order.
    private func sent(_ queue: OutboundQueue) async -> [ControlMessage] {
        queue.finish()
        var messages: [ControlMessage] = []
        while let batch = await queue.next() {
            for frame in batch {
                if case .control(let control) = try? WireMessage.decode(
                    Array(frame.dropFirst(Frame.headerSize)))
                {
                    messages.append(control)
                }
            }
        }
        return messages
    }

    @Test func acksFollowArrivalOrderWhateverOrderUpdatesSettleIn() async {
        let (pipeline, queue) = make()
        var numbers: [Int] = []
        for _ in 0..<5 { numbers.append(await pipeline.register(bytes: 10) ?? 0) }
        #expect(numbers == [1, 2, 3, 4, 5])
        pipeline.settle(3)
        pipeline.settle(2, refusal: .error(.updateRejected, "bad"))
        pipeline.settle(5)
        #expect(pipeline.unsettled == 5, "update 1 is still committing: nothing may be acked")
        pipeline.settle(1)
        #expect(pipeline.unsettled == 2)
        pipeline.settle(4)
        #expect(pipeline.unsettled == 0)
        #expect(await sent(queue) == [.error(.updateRejected, "bad"), .ack(updates: 3), .ack(updates: 5)])
    }

    @Test func theReaderWaitsAtTheBoundUntilTheOldestUpdateSettles() async throws {
        let (pipeline, _) = make(updateLimit: 2)
        _ = await pipeline.register(bytes: 10)
        _ = await pipeline.register(bytes: 10)
        let third = Task { await pipeline.register(bytes: 10) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(pipeline.unsettled == 2, "the third update waits for room")
        pipeline.settle(2)
        try await Task.sleep(for: .milliseconds(50))
        #expect(pipeline.unsettled == 2, "update 1 is still in flight, so update 2 frees nothing yet")
        pipeline.settle(1)
        #expect(await third.value == 3)
    }

    @Test func bytesAreBoundedTooButOneLargeUpdateAlwaysGoes() async throws {
        let (pipeline, _) = make(byteLimit: 100)
        #expect(await pipeline.register(bytes: 500) == 1, "an update larger than the bound goes alone")
        let second = Task { await pipeline.register(bytes: 10) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(pipeline.unsettled == 1)
        pipeline.settle(1)
        #expect(await second.value == 2)
    }

    @Test func waitingUntilSettledEndsWithTheLastAck() async {
        let (pipeline, queue) = make()
        _ = await pipeline.register(bytes: 10)
        _ = await pipeline.register(bytes: 10)
        let waiter = Task {
            await pipeline.waitUntilSettled()
            return pipeline.unsettled
        }
        pipeline.settle(2)
        pipeline.settle(1)
        #expect(await waiter.value == 0)
        #expect(await sent(queue) == [.ack(updates: 2)])
    }

    @Test func aClosedConnectionsUpdatesSettleWithoutSending() async {
        let (pipeline, queue) = make()
        _ = await pipeline.register(bytes: 10)
        pipeline.close()
        pipeline.settle(1)
        #expect(pipeline.unsettled == 0)
        #expect(await sent(queue).isEmpty)
    }

    /// A store that keeps failing never settles anything: the reader waiting for room, or a `leave`
    /// waiting for the acks, must still end when the relay stops the connection (shutdown), or the
    /// relay could never exit.
    @Test func aReaderWaitingForRoomStopsWhenItsTaskIsCancelledAndTakesNoSlot() async throws {
        let (pipeline, _) = make(updateLimit: 1)
        _ = await pipeline.register(bytes: 10)
        let blocked = Task { await pipeline.register(bytes: 10) }
        try await Task.sleep(for: .milliseconds(50))
        blocked.cancel()
        #expect(await blocked.value == nil)
        pipeline.settle(1)
        #expect(pipeline.unsettled == 0, "the cancelled reader took no slot")
        #expect(await pipeline.register(bytes: 10) == 2)
    }

    @Test func waitingUntilSettledEndsWhenItsTaskIsCancelled() async throws {
        let (pipeline, _) = make()
        _ = await pipeline.register(bytes: 10)
        let waiting = Task { await pipeline.waitUntilSettled() }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
        #expect(pipeline.unsettled == 1, "nothing settled: the wait ended by cancellation")
    }
}

/// The wait a connection's reader uses on rooms and pipelines.
@Suite struct WaiterTests {
    @Test func aResumeBeforeTheWaitIsNotLost() async throws {
        let waiter = Waiter()
        waiter.resume()
        try await waiter.wait()
        #expect(waiter.isFinished)
    }

    @Test func theFirstEndWinsAndAnErrorIsThrown() async {
        struct Failure: Error {}
        let waiter = Waiter()
        waiter.resume(throwing: Failure())
        waiter.resume()
        await #expect(throws: Failure.self) { try await waiter.wait() }
    }

    @Test func cancellationEndsTheWaitWithCancellationError() async throws {
        let waiter = Waiter()
        let task = Task { try await waiter.wait() }
        try await Task.sleep(for: .milliseconds(30))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(waiter.isFinished)
    }
}
