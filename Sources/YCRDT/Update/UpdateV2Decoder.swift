/// Reads update v2 (the column-oriented format Yjs writes for `updateV2` events,
/// `encodeStateAsUpdateV2` and its own pending structs).
///
/// Layout (Yjs `UpdateEncoderV2.toUint8Array`): `varUint` feature flag (0), then nine columns, each a
/// `varUint8Array` — key clocks, clients, left clocks, right clocks, infos, strings, parent infos,
/// type refs, lengths — and then, unprefixed, the "rest": struct counts and start clocks, `Any`
/// values, buffers and the delete set. The structs are the same as in v1; only where each field is
/// read from differs.
enum UpdateV2Decoder {
    /// How many structs an update may decode to per byte of input, at least ``minimumStructBudget``.
    ///
    /// Run-length coding lets a few bytes stand for any number of structs (a run of GC structs costs
    /// nothing per struct), so the count cannot be checked against the input as v1's can. Real updates
    /// stay far below this ratio (Yjs's B4 document: 12,387 structs in 159,921 bytes); a hostile one
    /// is refused instead of making millions of items.
    static let structsPerByte = 1024
    static let minimumStructBudget = 1 << 16

    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> DecodedUpdate {
        var reader = try Reader(bytes)
        let structs = try reader.readStructs(budget: max(minimumStructBudget, bytes.count * structsPerByte))
        let deleteSet = try reader.readDeleteSet()
        guard reader.rest.isAtEnd else {
            throw .malformed("\(reader.rest.remaining) unexpected bytes after the delete set")
        }
        return DecodedUpdate(structs: structs, deleteSet: deleteSet)
    }

    /// The decoders of one update v2, read in the order Yjs's `UpdateDecoderV2` reads them.
    struct Reader {
        var keyClocks: IntDiffOptRleColumnDecoder
        var clients: UintOptRleColumnDecoder
        var leftClocks: IntDiffOptRleColumnDecoder
        var rightClocks: IntDiffOptRleColumnDecoder
        var infos: RleByteColumnDecoder
        var strings: StringColumnDecoder
        var parentInfos: RleByteColumnDecoder
        var typeRefs: UintOptRleColumnDecoder
        var lengths: UintOptRleColumnDecoder
        var rest: Lib0Decoder
        /// Keys read so far; a key clock below the count names one of them again.
        var keys: [String] = []

        init(_ bytes: [UInt8]) throws(DecodingError) {
            var decoder = Lib0Decoder(bytes)
            let flagOffset = decoder.position
            let flag = try decoder.readVarUInt()
            guard flag == 0 else {
                throw .malformed(
                    "update v2 feature flag \(flag) at byte \(flagOffset) is not 0")
            }
            func column() throws(DecodingError) -> [UInt8] { Array(try decoder.readVarBytes()) }
            keyClocks = IntDiffOptRleColumnDecoder(try column())
            clients = UintOptRleColumnDecoder(try column())
            leftClocks = IntDiffOptRleColumnDecoder(try column())
            rightClocks = IntDiffOptRleColumnDecoder(try column())
            infos = RleByteColumnDecoder(try column())
            strings = try StringColumnDecoder(try column())
            parentInfos = RleByteColumnDecoder(try column())
            typeRefs = UintOptRleColumnDecoder(try column())
            lengths = UintOptRleColumnDecoder(try column())
            rest = Lib0Decoder(bytes, from: decoder.position)
        }

        // MARK: Fields

        mutating func readClient() throws(DecodingError) -> ClientID { try clients.read() }

        mutating func readLeftID() throws(DecodingError) -> ID {
            ID(client: try clients.read(), clock: try leftClocks.readClock("left clock"))
        }

        mutating func readRightID() throws(DecodingError) -> ID {
            ID(client: try clients.read(), clock: try rightClocks.readClock("right clock"))
        }

        /// A struct or content length from the length column.
        mutating func readLength(_ what: String) throws(DecodingError) -> Int {
            let length = try lengths.readInt()
            guard length > 0 else { throw .malformed("\(what) of length 0") }
            return length
        }

        /// A key (format attribute, XML node name): a key clock below the number of keys read so far
        /// repeats that key; otherwise the next string is a new key. Yjs 13 always writes new keys.
        mutating func readKey() throws(DecodingError) -> String {
            let keyClock = try keyClocks.read()
            guard keyClock >= 0 else { throw .malformed("negative key clock \(keyClock)") }
            if keyClock < keys.count { return keys[Int(keyClock)] }
            let key = try strings.read()
            keys.append(key)
            return key
        }

        // MARK: Structs

        /// Reads every client's structs, at most `budget` of them in all.
        mutating func readStructs(budget: Int) throws(DecodingError) -> [ClientID: [Item]] {
            var structs: [ClientID: [Item]] = [:]
            var budget = budget
            // Each client block takes at least two bytes of the rest: its struct count and start clock.
            let clientCount = try rest.readCount(minimumBytesEach: 2)
            for _ in 0..<clientCount {
                let countOffset = rest.position
                let structCount = try rest.readVarUInt()
                guard structCount <= UInt64(budget) else {
                    throw .lengthTooLarge(offset: countOffset, claimed: structCount)
                }
                budget -= Int(structCount)
                let client = try readClient()
                var clock = try rest.readVarInt()
                var list: [Item] = []
                list.reserveCapacity(min(Int(structCount), 1024))
                for _ in 0..<Int(structCount) {
                    let item = try readStruct(client: client, clock: clock)
                    guard clock <= Int(Lib0Decoder.maxSafeInteger) - item.length else {
                        throw .malformed("clock overflow for client \(client)")
                    }
                    clock += item.length
                    list.append(item)
                }
                if structs[client] != nil {
                    structs[client]!.append(contentsOf: list)
                    structs[client]!.sort { $0.id.clock < $1.id.clock }
                } else {
                    structs[client] = list
                }
            }
            return structs
        }

        private mutating func readStruct(client: ClientID, clock: Int) throws(DecodingError) -> Item {
            let info = try infos.read()
            let id = ID(client: client, clock: clock)
            switch info & 0x1F {
            case 0:
                return Item(filler: .gc, id: id, length: try readLength("GC struct"))
            case 10:
                let length = try rest.readVarInt()
                guard length > 0 else { throw .malformed("skip struct of length 0") }
                return Item(filler: .skip, id: id, length: length)
            case 1...9:
                var origin: ID?
                var rightOrigin: ID?
                if info & 0x80 != 0 { origin = try readLeftID() }
                if info & 0x40 != 0 { rightOrigin = try readRightID() }
                var parentReference: ParentReference?
                var parentSub: String?
                if info & 0xC0 == 0 {
                    if try parentInfos.read() == 1 {
                        parentReference = .root(try strings.read())
                    } else {
                        parentReference = .item(try readLeftID())
                    }
                    // Yjs writes the map key with `writeString`, not `writeKey`.
                    if info & 0x20 != 0 { parentSub = try strings.read() }
                }
                let content = try readContent(ref: info & 0x1F)
                return try Item.decoded(
                    id: id, origin: origin, rightOrigin: rightOrigin, parentReference: parentReference,
                    parentSub: parentSub, content: content)
            default:
                throw .malformed("unknown struct ref \(info & 0x1F) in the info column")
            }
        }

        private mutating func readContent(ref: UInt8) throws(DecodingError) -> ItemContent {
            switch ref {
            case 1:
                return .deleted(try readLength("deleted content"))
            case 2:
                // Legacy JSON: each value is a JSON text from the string column.
                let count = try readLength("JSON content")
                guard count <= strings.remainingUnits else {
                    throw .malformed("JSON content claims \(count) values; the string column holds fewer")
                }
                var values: [YAny] = []
                values.reserveCapacity(count)
                for _ in 0..<count {
                    let text = try strings.read()
                    if text == "undefined" {
                        values.append(.undefined)
                    } else {
                        do { values.append(try JSON.parse(text)) } catch {
                            throw .malformed("legacy JSON content: \(error)")
                        }
                    }
                }
                return .json(values)
            case 3:
                return .binary(Array(try rest.readVarBytes()))
            case 4:
                let units = try strings.readUnits()
                guard !units.isEmpty else { throw .malformed("empty string content") }
                return .string(Array(units))
            case 5:
                return .embed(try rest.readAny())
            case 6:
                let key = try readKey()
                return .format(key: key, value: try rest.readAny())
            case 7:
                let typeRef = try typeRefs.read()
                let kind: BranchKind
                switch typeRef {
                case 0: kind = .array
                case 1: kind = .map
                case 2: kind = .text
                case 3: kind = .xmlElement(try readKey())
                case 4: kind = .xmlFragment
                case 5: kind = .xmlHook(try readKey())
                case 6: kind = .xmlText
                default:
                    throw .unknownTag(
                        offset: rest.position, tag: UInt8(truncatingIfNeeded: typeRef), context: "type ref")
                }
                return .type(Branch(kind: kind))
            case 8:
                // Every value takes at least its tag byte from the rest.
                let countOffset = rest.position
                let count = try readLength("Any content")
                guard count <= rest.remaining else {
                    throw .lengthTooLarge(offset: countOffset, claimed: UInt64(count))
                }
                var values: [YAny] = []
                values.reserveCapacity(count)
                for _ in 0..<count { values.append(try rest.readAny()) }
                return .any(values)
            case 9:
                let guid = try strings.read()
                return .doc(guid: guid, options: try rest.readAny())
            default:
                throw .unknownTag(offset: rest.position, tag: ref, context: "content ref")
            }
        }

        // MARK: Delete set

        /// The v2 delete set: per client, clocks as differences from the end of the previous range and
        /// lengths minus one.
        mutating func readDeleteSet() throws(DecodingError) -> DeleteSet {
            var set = DeleteSet()
            let clientCount = try rest.readCount(minimumBytesEach: 2)
            for _ in 0..<clientCount {
                let client = try rest.readVarUInt()
                let rangeCount = try rest.readCount(minimumBytesEach: 2)
                var ranges: [DeleteRange] = []
                ranges.reserveCapacity(rangeCount)
                var current = 0
                for _ in 0..<rangeCount {
                    let clock = current + (try rest.readVarInt())
                    let length = try rest.readVarInt() + 1
                    guard clock <= Int(Lib0Decoder.maxSafeInteger) - length else {
                        throw .malformed("delete set range of client \(client) runs past 2^53")
                    }
                    ranges.append(DeleteRange(clock: clock, length: length))
                    current = clock + length
                }
                if !ranges.isEmpty { set.clients[client, default: []].append(contentsOf: ranges) }
            }
            return set
        }
    }
}
