// y-protocols framing: the messages Yjs providers (y-websocket, Hocuspocus) and pycrdt exchange.
//
// ```
// message  := varUint(type) body
//   0 sync            body = varUint(syncType) varUint8Array(data)
//        0 step 1     data = encoded state vector (v1)
//        1 step 2     data = update v1: what the sender has that the step 1's state lacks
//        2 update     data = update v1 of one transaction
//   1 awareness       body = varUint8Array(awareness update), see ``AwarenessUpdate``
//   2 auth            body = varUint(0 = permission denied) varString(reason)
//   3 query awareness body = nothing; answer with the full awareness state
// ```
//
// Encoding and decoding are pure; ``SyncSession`` drives the sync messages for one connection.

/// A message of the y-protocols sync protocol (outer type 0).
public enum SyncMessage: Hashable, Sendable {
    /// "This is what I have": the sender's encoded state vector.
    case step1(stateVector: [UInt8])
    /// The answer to a step 1: an update v1 with everything the asker lacks.
    case step2(update: [UInt8])
    /// An update v1 made by one transaction, sent as it happens.
    case update([UInt8])

    /// Which of the three a message is, without its bytes.
    public enum Kind: UInt8, Hashable, Sendable, CustomStringConvertible {
        case step1 = 0
        case step2 = 1
        case update = 2

        public var description: String {
            switch self {
            case .step1: "sync step 1"
            case .step2: "sync step 2"
            case .update: "sync update"
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .step1: .step1
        case .step2: .step2
        case .update: .update
        }
    }

    /// The bytes the message carries: a state vector or an update.
    public var payload: [UInt8] {
        switch self {
        case .step1(let bytes), .step2(let bytes), .update(let bytes): bytes
        }
    }
}

/// One y-protocols message, as it travels in one frame (a WebSocket message or one Weft frame).
public enum ProtocolMessage: Hashable, Sendable {
    /// Document sync (type 0).
    case sync(SyncMessage)
    /// An awareness update (type 1); decode it with ``AwarenessUpdate/init(decoding:)`` or hand it
    /// to ``Awareness/apply(update:origin:now:)``.
    case awareness([UInt8])
    /// The peer refused access (type 2, the only auth message y-protocols defines).
    case auth(permissionDenied: String)
    /// A request for the full awareness state (type 3).
    case queryAwareness
    /// A message type y-protocols does not define, kept whole so that a layer above (Weft's control
    /// messages, type 16) can read it. `payload` is everything after the type varint.
    case unknown(type: UInt64, payload: [UInt8])

    /// The outer message types y-protocols assigns.
    public enum MessageType {
        public static let sync: UInt64 = 0
        public static let awareness: UInt64 = 1
        public static let auth: UInt64 = 2
        public static let queryAwareness: UInt64 = 3
    }

    /// The outer type number this message is sent with.
    public var type: UInt64 {
        switch self {
        case .sync: MessageType.sync
        case .awareness: MessageType.awareness
        case .auth: MessageType.auth
        case .queryAwareness: MessageType.queryAwareness
        case .unknown(let type, _): type
        }
    }

    /// The message's bytes, exactly as y-protocols (and pycrdt) frame it.
    public func encoded() -> [UInt8] {
        var encoder = Lib0Encoder(reservingCapacity: 8 + approximatePayloadSize)
        encoder.writeVarUInt(type)
        switch self {
        case .sync(let message):
            encoder.writeVarUInt(UInt64(message.kind.rawValue))
            encoder.writeVarBytes(message.payload)
        case .awareness(let update):
            encoder.writeVarBytes(update)
        case .auth(let reason):
            encoder.writeVarUInt(UInt64(0))
            encoder.writeVarString(reason)
        case .queryAwareness:
            break
        case .unknown(_, let payload):
            encoder.writeRawBytes(payload)
        }
        return encoder.bytes
    }

    private var approximatePayloadSize: Int {
        switch self {
        case .sync(let message): message.payload.count
        case .awareness(let update): update.count
        case .auth(let reason): reason.utf8.count
        case .queryAwareness: 0
        case .unknown(_, let payload): payload.count
        }
    }

    /// Reads one whole message.
    ///
    /// A type y-protocols does not define decodes as ``unknown(type:payload:)``; everything else must
    /// be well formed and use every byte.
    ///
    /// - Throws: ``DecodingError`` for a truncated message, a length that claims more bytes than
    ///   there are, an unknown sync or auth sub-type, or bytes left over after the message.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> ProtocolMessage {
        var decoder = Lib0Decoder(bytes)
        let type = try decoder.readVarUInt()
        let message: ProtocolMessage
        switch type {
        case MessageType.sync:
            let kindOffset = decoder.position
            let rawKind = try decoder.readVarUInt()
            guard let kind = SyncMessage.Kind(rawValue: UInt8(clamping: rawKind)), rawKind <= 0xFF else {
                throw .unknownTag(offset: kindOffset, tag: UInt8(clamping: rawKind), context: "sync message")
            }
            let payload = Array(try decoder.readVarBytes())
            switch kind {
            case .step1: message = .sync(.step1(stateVector: payload))
            case .step2: message = .sync(.step2(update: payload))
            case .update: message = .sync(.update(payload))
            }
        case MessageType.awareness:
            message = .awareness(Array(try decoder.readVarBytes()))
        case MessageType.auth:
            let kindOffset = decoder.position
            let rawKind = try decoder.readVarUInt()
            guard rawKind == 0 else {
                throw .unknownTag(offset: kindOffset, tag: UInt8(clamping: rawKind), context: "auth message")
            }
            message = .auth(permissionDenied: try decoder.readVarString())
        case MessageType.queryAwareness:
            message = .queryAwareness
        default:
            return .unknown(type: type, payload: Array(bytes[decoder.position...]))
        }
        guard decoder.isAtEnd else {
            throw .malformed(
                "\(decoder.remaining) unexpected bytes after a y-protocols message of type \(type)")
        }
        return message
    }
}

extension ProtocolMessage: CustomStringConvertible {
    public var description: String {
        switch self {
        case .sync(let message): "\(message.kind) (\(message.payload.count) bytes)"
        case .awareness(let update): "awareness (\(update.count) bytes)"
        case .auth(let reason): "auth: permission denied (\(reason))"
        case .queryAwareness: "query awareness"
        case .unknown(let type, let payload): "message of unknown type \(type) (\(payload.count) bytes)"
        }
    }
}
