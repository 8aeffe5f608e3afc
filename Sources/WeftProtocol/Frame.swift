// Framing: how messages are cut out of the byte stream of a Unix socket.
//
// ```
// frame := uint32 big-endian (payload length, ≥ 1) payload
// ```
//
// A payload is one ``WireMessage``. Frames carry no other header: no version, no flags. A zero length
// is refused (a payload always holds at least its message type), and so is a length above the
// receiver's limit, as soon as the four length bytes have arrived.

/// Writes frames.
public enum Frame {
    /// The size of the length prefix.
    public static let headerSize = 4
    /// The largest payload either side accepts unless configured otherwise: 16 MiB.
    public static let defaultMaximumPayloadSize = 16 * 1024 * 1024

    /// The frame for `payload`: its length as four big-endian bytes, then the payload.
    ///
    /// - Precondition: `payload` is not empty and shorter than 4 GiB. (A ``WireMessage`` never is
    ///   empty; the receiver's limit, 16 MiB by default, is for the caller to respect.)
    public static func encode(_ payload: some Collection<UInt8>) -> [UInt8] {
        let count = payload.count
        precondition(count > 0, "a frame's payload cannot be empty")
        precondition(UInt64(count) <= UInt64(UInt32.max), "a frame's payload must be shorter than 4 GiB")
        var frame: [UInt8] = []
        frame.reserveCapacity(headerSize + count)
        frame.append(UInt8(truncatingIfNeeded: count >> 24))
        frame.append(UInt8(truncatingIfNeeded: count >> 16))
        frame.append(UInt8(truncatingIfNeeded: count >> 8))
        frame.append(UInt8(truncatingIfNeeded: count))
        frame.append(contentsOf: payload)
        return frame
    }

    /// The frame of one message.
    public static func encode(_ message: WireMessage) -> [UInt8] {
        encode(message.encoded())
    }
}

/// Cuts frames out of a byte stream that arrives in pieces of any size.
///
/// Feed it whatever the socket delivered with ``append(_:)``, then call ``nextFrame()`` until it
/// returns nil. At the end of the stream, ``finish()`` tells whether a frame was left half-sent.
///
/// A length of zero or above ``maximumPayloadSize`` is an error that ends the stream: the decoder
/// checks each length as soon as its four bytes are there, keeps none of that frame's body, and from
/// then on drops every byte it is given and throws the same error again. A stream cannot be resynchronised
/// after a bad length, so the connection should be closed (see ``ProtocolError/isFatal``).
public struct FrameDecoder: Sendable {
    /// The largest payload accepted; larger lengths are refused before their bodies arrive.
    public let maximumPayloadSize: Int

    /// Received bytes; those before `start` are already consumed.
    private var buffer: [UInt8] = []
    private var start = 0
    /// The error that ended the stream, thrown again by every later call.
    public private(set) var failure: ProtocolError?

    /// - Parameter maximumPayloadSize: the largest payload accepted, 1 to 2^32 - 1 bytes
    ///   (default 16 MiB).
    public init(maximumPayloadSize: Int = Frame.defaultMaximumPayloadSize) {
        precondition(
            maximumPayloadSize > 0 && UInt64(maximumPayloadSize) <= UInt64(UInt32.max),
            "the maximum payload size must be between 1 and 2^32 - 1 bytes")
        self.maximumPayloadSize = maximumPayloadSize
    }

    /// How many received bytes are not yet part of a returned frame.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes that arrived. Does nothing once the decoder has failed.
    ///
    /// When the bytes complete the length of the next frame and that length is refused, the bytes
    /// are dropped at once; ``nextFrame()`` throws the error.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil, !bytes.isEmpty else { return }
        buffer.append(contentsOf: bytes)
        // Refuse a bad length now, not after its body has piled up behind earlier frames' reads.
        _ = checkedPayloadLength()
    }

    /// The payload of the next complete frame, or nil when more bytes are needed.
    ///
    /// - Throws: ``ProtocolError/emptyFrame`` for a zero length and
    ///   ``ProtocolError/frameTooLarge(length:limit:)`` for a length above the limit; the decoder is
    ///   failed from then on.
    public mutating func nextFrame() throws(ProtocolError) -> [UInt8]? {
        if let failure { throw failure }
        guard let length = checkedPayloadLength() else {
            if let failure { throw failure }
            return nil
        }
        let bodyStart = start + Frame.headerSize
        guard buffer.count - bodyStart >= length else { return nil }
        let payload = Array(buffer[bodyStart..<bodyStart + length])
        start = bodyStart + length
        compact()
        return payload
    }

    /// The next complete frame decoded as a message, or nil when more bytes are needed.
    ///
    /// A frame whose payload is not a valid message is consumed, and its error thrown; the frames
    /// after it can still be read (unless ``ProtocolError/isFatal``).
    public mutating func nextMessage() throws(ProtocolError) -> WireMessage? {
        guard let payload = try nextFrame() else { return nil }
        return try WireMessage.decode(payload)
    }

    /// Checks that the stream ended between frames; call it when the peer closed the connection.
    ///
    /// - Throws: the decoder's failure if it has one;
    ///   ``ProtocolError/truncatedFrameHeader(received:)`` when the stream stopped inside a length;
    ///   ``ProtocolError/truncatedFrame(expected:received:)`` when it stopped inside a payload.
    public func finish() throws(ProtocolError) {
        if let failure { throw failure }
        let pending = bufferedByteCount
        guard pending > 0 else { return }
        guard pending >= Frame.headerSize else { throw .truncatedFrameHeader(received: pending) }
        throw .truncatedFrame(expected: readLength(), received: pending - Frame.headerSize)
    }

    /// The next frame's payload length once its header is complete and acceptable; nil when the
    /// header is incomplete or was refused (then `failure` is set and the buffer dropped).
    private mutating func checkedPayloadLength() -> Int? {
        guard bufferedByteCount >= Frame.headerSize else { return nil }
        let length = readLength()
        let refusal: ProtocolError? =
            if length == 0 {
                .emptyFrame
            } else if length > maximumPayloadSize {
                .frameTooLarge(length: length, limit: maximumPayloadSize)
            } else {
                nil
            }
        guard let refusal else { return length }
        failure = refusal
        buffer = []
        start = 0
        return nil
    }

    private func readLength() -> Int {
        buffer[start..<start + Frame.headerSize].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Drops consumed bytes once they are most of the buffer, so appends stay amortised O(1).
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            start = 0
        } else if start >= 1 << 16, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
