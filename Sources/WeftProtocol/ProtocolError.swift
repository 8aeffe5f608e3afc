import YCRDT

/// Why bytes from a peer are not a valid frame or message.
///
/// Each error names the ``ErrorCode`` a relay reports for it (``code``) and whether the stream can go
/// on after it (``isFatal``).
public enum ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Frames

    /// A frame's length is above the receiver's limit.
    case frameTooLarge(length: Int, limit: Int)
    /// A frame's length is zero: every payload holds at least a message type.
    case emptyFrame
    /// The stream ended inside a frame's 4-byte length.
    case truncatedFrameHeader(received: Int)
    /// The stream ended inside a frame's payload.
    case truncatedFrame(expected: Int, received: Int)

    // MARK: Messages

    /// A varint is longer than any value allowed (2^53 - 1).
    case invalidVarint(offset: Int)
    /// The payload ends inside a value (a varint, or a field the message type requires).
    case truncatedMessage(offset: Int)
    /// A length prefix claims more bytes than the rest of the payload holds.
    case lengthBeyondPayload(offset: Int, claimed: UInt64)
    /// Bytes are left over after a complete message.
    case trailingBytes(messageType: UInt64, count: Int)
    /// A message type this protocol does not define (neither y-protocols' 0–3 nor control's 16).
    case unknownMessageType(UInt64)
    /// A sub-type a sync (0) or auth (2) message does not define.
    case unknownSubtype(messageType: UInt64, subtype: UInt64)
    /// A y-protocols message that breaks the format some other way.
    case malformedMessage(String)

    // MARK: Control messages

    /// A control message's string is not UTF-8.
    case controlNotUTF8
    /// A control message's string is not JSON.
    case malformedControlJSON(offset: Int, reason: String)
    /// A control message's JSON is valid but not an object (`found` names what it is).
    case controlNotAnObject(found: String)
    /// A control message's object has no `"type"` field holding a string.
    case controlMissingType
    /// A control message lacks a field its type requires.
    case missingControlField(messageType: String, field: String)
    /// A control message's field has the wrong kind of value (`expected` says what it should be).
    case invalidControlField(messageType: String, field: String, expected: String)

    /// The error code a relay sends back for this error.
    public var code: ErrorCode {
        switch self {
        case .frameTooLarge: .frameTooLarge
        case .emptyFrame, .truncatedFrameHeader, .truncatedFrame, .invalidVarint, .truncatedMessage,
            .lengthBeyondPayload, .trailingBytes, .malformedMessage:
            .malformedFrame
        case .unknownMessageType, .unknownSubtype: .unknownMessageType
        case .controlNotUTF8, .malformedControlJSON, .controlNotAnObject, .controlMissingType,
            .missingControlField, .invalidControlField:
            .malformedControl
        }
    }

    /// Whether the byte stream cannot go on: the framing itself is broken, so nothing after it can
    /// be trusted and the connection should close. Other errors spoil one message; the frames after
    /// it are still whole.
    public var isFatal: Bool {
        switch self {
        case .frameTooLarge, .emptyFrame, .truncatedFrameHeader, .truncatedFrame: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            "frame of \(length) bytes is larger than the limit of \(limit) bytes"
        case .emptyFrame: "frame has a length of zero; a payload holds at least a message type"
        case .truncatedFrameHeader(let received):
            "stream ended inside a frame's length (\(received) of 4 bytes)"
        case .truncatedFrame(let expected, let received):
            "stream ended inside a frame (\(received) of \(expected) payload bytes)"
        case .invalidVarint(let offset): "invalid varint at byte \(offset): larger than 2^53 - 1"
        case .truncatedMessage(let offset): "message ends unexpectedly at byte \(offset)"
        case .lengthBeyondPayload(let offset, let claimed):
            "length \(claimed) at byte \(offset) is larger than the rest of the message"
        case .trailingBytes(let type, let count):
            "\(count) unexpected \(count == 1 ? "byte" : "bytes") after a message of type \(type)"
        case .unknownMessageType(let type): "unknown message type \(type)"
        case .unknownSubtype(let type, let subtype):
            type == ProtocolMessage.MessageType.sync
                ? "unknown sync message sub-type \(subtype)"
                : "unknown sub-type \(subtype) of message type \(type)"
        case .malformedMessage(let reason): "malformed message: \(reason)"
        case .controlNotUTF8: "control message is not valid UTF-8"
        case .malformedControlJSON(let offset, let reason):
            "control message is not JSON: \(reason) at byte \(offset)"
        case .controlNotAnObject(let found): "control message must be a JSON object, not \(found)"
        case .controlMissingType: "control message has no \"type\" string"
        case .missingControlField(let type, let field): "\(type) message lacks the field \"\(field)\""
        case .invalidControlField(let type, let field, let expected):
            "\(type) message's field \"\(field)\" must be \(expected)"
        }
    }

    /// The protocol error for a lib0 decoding error at the message level.
    init(_ error: DecodingError, messageType: UInt64?) {
        switch error {
        case .unexpectedEnd(let offset): self = .truncatedMessage(offset: offset)
        case .integerOverflow(let offset): self = .invalidVarint(offset: offset)
        case .lengthTooLarge(let offset, let claimed):
            self = .lengthBeyondPayload(offset: offset, claimed: claimed)
        case .unknownTag(_, let tag, _):
            if let messageType {
                self = .unknownSubtype(messageType: messageType, subtype: UInt64(tag))
            } else {
                self = .malformedMessage(error.description)
            }
        case .malformed(let reason): self = .malformedMessage(reason)
        case .nestingTooDeep: self = .malformedMessage(error.description)
        }
    }
}
