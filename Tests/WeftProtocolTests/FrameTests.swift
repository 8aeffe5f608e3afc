import Testing
import WeftProtocol

/// Framing: 4-byte big-endian length + payload, cut out of a stream that arrives in any pieces, with
/// bad lengths refused before their bodies are kept.
@Suite struct FrameTests {
    static let payloads: [[UInt8]] = [
        [0x03],
        [0x00, 0x00, 0x01, 0x00],
        Array(0..<200).map { UInt8($0) },
        Array(repeating: 0xAB, count: 70_000),
    ]

    @Test func aFrameIsTheBigEndianLengthThenThePayload() {
        #expect(Frame.encode([0x03]) == [0, 0, 0, 1, 0x03])
        let big = Frame.encode(Array(repeating: 7, count: 0x01_02_03))
        #expect(Array(big.prefix(4)) == [0x00, 0x01, 0x02, 0x03])
        #expect(big.count == 4 + 0x01_02_03)
    }

    @Test func framesRoundTrip() throws {
        var decoder = FrameDecoder()
        for payload in Self.payloads {
            decoder.append(Frame.encode(payload))
            #expect(try decoder.nextFrame() == payload)
            #expect(try decoder.nextFrame() == nil)
        }
        #expect(decoder.bufferedByteCount == 0)
        try decoder.finish()
    }

    @Test func manyFramesInOneAppendComeOutInOrder() throws {
        var decoder = FrameDecoder()
        decoder.append(Self.payloads.flatMap(Frame.encode))
        var received: [[UInt8]] = []
        while let frame = try decoder.nextFrame() { received.append(frame) }
        #expect(received == Self.payloads)
        try decoder.finish()
    }

    @Test func aStreamSplitAtEveryByteBoundaryDecodesTheSame() throws {
        let payloads: [[UInt8]] = [
            [0x03], [0x10, 0x02, 0x7B, 0x7D], Array(0..<40).map { UInt8($0) }, [0x01, 0x00],
        ]
        let stream = payloads.flatMap(Frame.encode)
        // Two pieces, split at every position.
        for split in 0...stream.count {
            var decoder = FrameDecoder()
            var received: [[UInt8]] = []
            for piece in [stream[..<split], stream[split...]] {
                decoder.append(piece)
                while let frame = try decoder.nextFrame() { received.append(frame) }
            }
            #expect(received == payloads, "split at \(split)")
            try decoder.finish()
        }
        // One byte at a time: a frame appears exactly when its last byte arrives.
        var decoder = FrameDecoder()
        var received: [[UInt8]] = []
        var frameEnds: [Int] = []
        for (index, byte) in stream.enumerated() {
            decoder.append([byte])
            while let frame = try decoder.nextFrame() {
                received.append(frame)
                frameEnds.append(index + 1)
            }
        }
        #expect(received == payloads)
        var end = 0
        #expect(
            frameEnds
                == payloads.map {
                    end += 4 + $0.count
                    return end
                })
    }

    @Test func anOversizeLengthIsRefusedAsSoonAsItsFourBytesArrive() throws {
        var decoder = FrameDecoder()
        let length = Frame.defaultMaximumPayloadSize + 1
        let header: [UInt8] = [
            UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
        ]
        decoder.append(header.prefix(3))
        #expect(try decoder.nextFrame() == nil)
        decoder.append(header.suffix(1) + [1, 2, 3])
        // Nothing of the body is kept, before nextFrame is even called.
        #expect(decoder.bufferedByteCount == 0)
        #expect(decoder.failure == .frameTooLarge(length: length, limit: 16 * 1024 * 1024))
        #expect(throws: ProtocolError.frameTooLarge(length: length, limit: 16 * 1024 * 1024)) {
            try decoder.nextFrame()
        }
        // The stream is over: later bytes are dropped and the error stays.
        decoder.append(Frame.encode([0x03]))
        #expect(decoder.bufferedByteCount == 0)
        #expect(throws: ProtocolError.frameTooLarge(length: length, limit: 16 * 1024 * 1024)) {
            try decoder.nextFrame()
        }
        #expect(throws: ProtocolError.frameTooLarge(length: length, limit: 16 * 1024 * 1024)) {
            try decoder.finish()
        }
    }

    @Test func theLargestLengthIsRefusedWithoutOverflow() {
        var decoder = FrameDecoder()
        decoder.append([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(
            throws: ProtocolError.frameTooLarge(length: 0xFFFF_FFFF, limit: Frame.defaultMaximumPayloadSize)
        ) {
            try decoder.nextFrame()
        }
    }

    @Test func theLimitIsConfigurableAndInclusive() throws {
        var decoder = FrameDecoder(maximumPayloadSize: 8)
        decoder.append(Frame.encode(Array(repeating: 1, count: 8)))
        #expect(try decoder.nextFrame()?.count == 8)
        decoder.append(Frame.encode(Array(repeating: 1, count: 9)))
        #expect(throws: ProtocolError.frameTooLarge(length: 9, limit: 8)) { try decoder.nextFrame() }
    }

    @Test func aBadLengthAfterGoodFramesEndsTheStreamThere() throws {
        var decoder = FrameDecoder(maximumPayloadSize: 100)
        decoder.append(
            Frame.encode([0x03]) + Frame.encode([0x03, 0x04]) + [0, 0, 1, 0] + Array(repeating: 9, count: 50))
        #expect(try decoder.nextFrame() == [0x03])
        #expect(try decoder.nextFrame() == [0x03, 0x04])
        #expect(throws: ProtocolError.frameTooLarge(length: 256, limit: 100)) { try decoder.nextFrame() }
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func aZeroLengthIsAnError() {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 0, 0x03])
        #expect(decoder.bufferedByteCount == 0)
        #expect(throws: ProtocolError.emptyFrame) { try decoder.nextFrame() }
        #expect(ProtocolError.emptyFrame.isFatal)
        #expect(ProtocolError.emptyFrame.code == .malformedFrame)
    }

    @Test func aStreamThatEndsInsideAFrameIsTruncated() throws {
        var decoder = FrameDecoder()
        try decoder.finish()
        decoder.append([0, 0])
        #expect(throws: ProtocolError.truncatedFrameHeader(received: 2)) { try decoder.finish() }
        decoder.append([0, 10, 1, 2, 3])
        #expect(try decoder.nextFrame() == nil)
        #expect(throws: ProtocolError.truncatedFrame(expected: 10, received: 3)) { try decoder.finish() }
        #expect(ProtocolError.truncatedFrame(expected: 10, received: 3).isFatal)
    }

    @Test func consumedBytesAreReleasedOnLongStreams() throws {
        var decoder = FrameDecoder()
        let frame = Frame.encode(Array(repeating: 5, count: 1000))
        for _ in 0..<500 {
            decoder.append(frame + frame.prefix(10))
            #expect(try decoder.nextFrame()?.count == 1000)
            decoder.append(frame.dropFirst(10))
            #expect(try decoder.nextFrame()?.count == 1000)
            #expect(try decoder.nextFrame() == nil)
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func nextMessageDecodesFramesAndKeepsGoingAfterABadOne() throws {
        var decoder = FrameDecoder()
        decoder.append(Frame.encode(.queryAwareness) + Frame.encode([0x07]) + Frame.encode(.control(.status)))
        #expect(try decoder.nextMessage() == .queryAwareness)
        #expect(throws: ProtocolError.unknownMessageType(7)) { try decoder.nextMessage() }
        #expect(try decoder.nextMessage() == .control(.status))
        #expect(try decoder.nextMessage() == nil)
    }
}
