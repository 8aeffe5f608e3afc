import YCRDT

/// One message: the payload of one frame.
///
/// ```
/// payload := varUint(type) body
///   0  sync             body as y-protocols: varUint(0 step 1 | 1 step 2 | 2 update) varUint8Array(data)
///   1  awareness        body as y-protocols: varUint8Array(awareness update)
///   2  auth             body as y-protocols: varUint(0 = permission denied) varString(reason)
///   3  query awareness  no body
///   16 control          body = varString(one JSON object with a string "type")
/// ```
///
/// Types 0–3 are y-protocols' own, byte for byte, so a Yjs or pycrdt peer sends and reads them
/// unchanged; they are encoded and decoded by YCRDT's ``ProtocolMessage``. Every byte of a payload
/// belongs to its message.
public enum WireMessage: Sendable, Hashable {
    /// Document sync (type 0): step 1, step 2 or an update.
    case sync(SyncMessage)
    /// An awareness update (type 1), kept as bytes; read it with ``AwarenessUpdate/init(decoding:)``.
    case awareness([UInt8])
    /// Access refused (type 2), as y-protocols' auth message says it. Weft's relay says it with an
    /// `error` control message; this case exists so that a y-protocols peer's auth message decodes.
    case auth(permissionDenied: String)
    /// A request for every awareness state (type 3).
    case queryAwareness
    /// A Weft control message (type 16).
    case control(ControlMessage)

    /// The message type numbers.
    public enum MessageType {
        public static let sync: UInt64 = ProtocolMessage.MessageType.sync
        public static let awareness: UInt64 = ProtocolMessage.MessageType.awareness
        public static let auth: UInt64 = ProtocolMessage.MessageType.auth
        public static let queryAwareness: UInt64 = ProtocolMessage.MessageType.queryAwareness
        /// Weft's control messages, numbered clear of the types y-protocols may add.
        public static let control: UInt64 = 16
    }

    /// The type number this message is sent with.
    public var type: UInt64 {
        switch self {
        case .sync: MessageType.sync
        case .awareness: MessageType.awareness
        case .auth: MessageType.auth
        case .queryAwareness: MessageType.queryAwareness
        case .control: MessageType.control
        }
    }

    /// The message as y-protocols has it, or nil for a control message.
    public var protocolMessage: ProtocolMessage? {
        switch self {
        case .sync(let message): .sync(message)
        case .awareness(let update): .awareness(update)
        case .auth(let reason): .auth(permissionDenied: reason)
        case .queryAwareness: .queryAwareness
        case .control: nil
        }
    }

    /// The Weft message for a y-protocols message, or nil for a type Weft does not define.
    public init?(_ message: ProtocolMessage) {
        switch message {
        case .sync(let sync): self = .sync(sync)
        case .awareness(let update): self = .awareness(update)
        case .auth(let reason): self = .auth(permissionDenied: reason)
        case .queryAwareness: self = .queryAwareness
        case .unknown: return nil
        }
    }

    /// The payload: what goes in a frame after its length (`Frame.encode(message)` adds the length).
    public func encoded() -> [UInt8] {
        switch self {
        case .control(let control):
            let json = control.jsonText()
            var encoder = Lib0Encoder(reservingCapacity: json.utf8.count + 6)
            encoder.writeVarUInt(MessageType.control)
            encoder.writeVarString(json)
            return encoder.bytes
        case .sync(let message): return ProtocolMessage.sync(message).encoded()
        case .awareness(let update): return ProtocolMessage.awareness(update).encoded()
        case .auth(let reason): return ProtocolMessage.auth(permissionDenied: reason).encoded()
        case .queryAwareness: return ProtocolMessage.queryAwareness.encoded()
        }
    }

    /// Reads one payload.
    ///
    /// - Throws: ``ProtocolError/unknownMessageType(_:)`` for a type other than 0–3 and 16;
    ///   ``ProtocolError/invalidVarint(offset:)``, ``ProtocolError/truncatedMessage(offset:)``,
    ///   ``ProtocolError/lengthBeyondPayload(offset:claimed:)``,
    ///   ``ProtocolError/trailingBytes(messageType:count:)`` and
    ///   ``ProtocolError/unknownSubtype(messageType:subtype:)`` for bytes that break the format; the
    ///   control errors of ``ControlMessage/init(jsonText:)`` for a bad control message.
    public static func decode(_ payload: [UInt8]) throws(ProtocolError) -> WireMessage {
        var decoder = Lib0Decoder(payload)
        let type: UInt64
        do throws(DecodingError) {
            type = try decoder.readVarUInt()
        } catch {
            throw ProtocolError(error, messageType: nil)
        }
        switch type {
        case MessageType.control:
            return .control(try decodeControlBody(&decoder))
        case MessageType.sync, MessageType.awareness, MessageType.auth, MessageType.queryAwareness:
            let message: ProtocolMessage
            do throws(DecodingError) {
                message = try ProtocolMessage.decode(payload)
            } catch {
                throw mapped(error, messageType: type, subtypeAt: decoder)
            }
            guard let wire = WireMessage(message) else { throw .unknownMessageType(type) }
            return wire
        default:
            throw .unknownMessageType(type)
        }
    }

    /// A y-protocols decoding error as a protocol error, reading the exact sub-type when it was
    /// the sub-type that was refused (YCRDT reports it clamped to a byte).
    private static func mapped(
        _ error: DecodingError, messageType: UInt64, subtypeAt decoder: Lib0Decoder
    ) -> ProtocolError {
        if case .malformed = error, !decoder.isAtEnd {
            // ProtocolMessage reports bytes left over as `.malformed`; say how many there were.
            var rest = decoder
            if let count = trailingByteCount(after: &rest, messageType: messageType) {
                return .trailingBytes(messageType: messageType, count: count)
            }
        }
        if case .unknownTag = error {
            var rest = decoder
            if let subtype = try? rest.readVarUInt() {
                return .unknownSubtype(messageType: messageType, subtype: subtype)
            }
        }
        return ProtocolError(error, messageType: messageType)
    }

    /// How many bytes follow the body of a y-protocols message that starts at `decoder` (after its
    /// type), or nil when the body itself cannot be read.
    private static func trailingByteCount(after decoder: inout Lib0Decoder, messageType: UInt64) -> Int? {
        do throws(DecodingError) {
            switch messageType {
            case MessageType.sync, MessageType.auth:
                _ = try decoder.readVarUInt()
                _ = try decoder.readVarBytes()
            case MessageType.awareness:
                _ = try decoder.readVarBytes()
            default:
                break
            }
        } catch {
            return nil
        }
        return decoder.remaining
    }

    private static func decodeControlBody(
        _ decoder: inout Lib0Decoder
    ) throws(ProtocolError) -> ControlMessage {
        let utf8: ArraySlice<UInt8>
        do throws(DecodingError) {
            utf8 = try decoder.readVarBytes()
        } catch {
            throw ProtocolError(error, messageType: MessageType.control)
        }
        guard decoder.isAtEnd else {
            throw .trailingBytes(messageType: MessageType.control, count: decoder.remaining)
        }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .controlNotUTF8 }
        return try ControlMessage(jsonText: text)
    }
}

extension WireMessage: CustomStringConvertible {
    public var description: String {
        switch self {
        case .control(let control): "control \(control.type)"
        case .sync, .awareness, .auth, .queryAwareness:
            protocolMessage.map(String.init(describing:)) ?? "message"
        }
    }
}
