/// An update v1 or v2, read into structs per client and a delete set, not yet applied.
struct DecodedUpdate {
    /// Structs per client, in clock order, contiguous within one client.
    var structs: [ClientID: [Item]]
    var deleteSet: DeleteSet

    /// Reads an update v1.
    init(v1 bytes: [UInt8]) throws(DecodingError) {
        var decoder = Lib0Decoder(bytes)
        var structs: [ClientID: [Item]] = [:]
        let clientCount = try decoder.readCount(minimumBytesEach: 3)
        for _ in 0..<clientCount {
            let structCount = try decoder.readCount(minimumBytesEach: 2)
            let client = try decoder.readVarUInt()
            var clock = try decoder.readVarInt()
            var list: [Item] = []
            list.reserveCapacity(structCount)
            for _ in 0..<structCount {
                let item = try DecodedUpdate.readStruct(&decoder, client: client, clock: clock)
                guard clock <= Int(Lib0Decoder.maxSafeInteger) - item.length else {
                    throw .malformed("clock overflow for client \(client)")
                }
                clock += item.length
                list.append(item)
            }
            if structs[client] != nil {
                // A client written twice (only hostile or broken writers do it): combine the blocks as
                // merging would — sorted, overlaps trimmed, gaps filled with Skip — so the list stays
                // contiguous. Pending structs are re-encoded with implicit clocks, so a gap or an
                // overlap here would move structs to other clocks when they are written out.
                structs = Updates.mergeStructLists(structs, [client: list])
            } else {
                structs[client] = list
            }
        }
        for (client, list) in structs where !DecodedUpdate.isCanonical(list) {
            structs[client] = DecodedUpdate.canonical(list)
        }
        self.structs = structs
        self.deleteSet = try DeleteSet.read(from: &decoder)
        guard decoder.isAtEnd else {
            throw .malformed("\(decoder.remaining) unexpected bytes after the delete set")
        }
    }

    /// Whether a client's list is already in the one form that stands for its structs: no Skip at
    /// either end, no two Skips and no two GC structs side by side.
    ///
    /// Structs that wait for missing dependencies are kept as they were read, and merged with later
    /// arrivals by ``Updates/mergeStructLists(_:_:)``, which writes this form. Reading it from the
    /// start makes applying the same update twice leave the same pending structs (and encoding).
    static func isCanonical(_ list: [Item]) -> Bool {
        guard list.first?.kind != .skip, list.last?.kind != .skip else { return false }
        var previous = Item.Kind.item
        for item in list {
            if item.kind != .item, item.kind == previous { return false }
            previous = item.kind
        }
        return true
    }

    /// `list` with its end Skips dropped and neighbouring Skips or GC structs joined.
    static func canonical(_ list: [Item]) -> [Item] {
        var result: [Item] = []
        for item in list {
            if let last = result.last, item.kind != .item, last.kind == item.kind {
                result[result.count - 1] = Item(filler: item.kind, id: last.id, length: last.length + item.length)
            } else if item.kind != .skip || !result.isEmpty {
                result.append(item)
            }
        }
        while result.last?.kind == .skip { result.removeLast() }
        return result
    }

    init(structs: [ClientID: [Item]], deleteSet: DeleteSet) {
        self.structs = structs
        self.deleteSet = deleteSet
    }

    private static func readStruct(_ decoder: inout Lib0Decoder, client: ClientID, clock: Int)
        throws(DecodingError) -> Item
    {
        let infoOffset = decoder.position
        let info = try decoder.readUInt8()
        let id = ID(client: client, clock: clock)
        switch info & 0x1F {
        case 0:
            let length = try decoder.readVarInt()
            guard length > 0 else { throw .malformed("GC struct of length 0 at byte \(infoOffset)") }
            return Item(filler: .gc, id: id, length: length)
        case 10:
            let length = try decoder.readVarInt()
            guard length > 0 else { throw .malformed("skip struct of length 0 at byte \(infoOffset)") }
            return Item(filler: .skip, id: id, length: length)
        case 1...9:
            var origin: ID?
            var rightOrigin: ID?
            if info & 0x80 != 0 {
                origin = ID(client: try decoder.readVarUInt(), clock: try decoder.readVarInt())
            }
            if info & 0x40 != 0 {
                rightOrigin = ID(client: try decoder.readVarUInt(), clock: try decoder.readVarInt())
            }
            var parentReference: ParentReference?
            var parentSub: String?
            if info & 0xC0 == 0 {
                if try decoder.readVarUInt() == 1 {
                    parentReference = .root(try decoder.readVarString())
                } else {
                    parentReference = .item(ID(client: try decoder.readVarUInt(), clock: try decoder.readVarInt()))
                }
                if info & 0x20 != 0 { parentSub = try decoder.readVarString() }
            }
            let content = try ItemContent.read(ref: info & 0x1F, from: &decoder)
            return try Item.decoded(
                id: id, origin: origin, rightOrigin: rightOrigin, parentReference: parentReference,
                parentSub: parentSub, content: content)
        default:
            throw .unknownTag(offset: infoOffset, tag: info & 0x1F, context: "struct")
        }
    }

    /// Writes the update in v1: clients descending, then the delete set.
    func encodedV1() -> [UInt8] {
        var encoder = Lib0Encoder()
        let clients = structs.filter { !$0.value.isEmpty }
        encoder.writeVarUInt(clients.count)
        for client in clients.keys.sorted(by: >) {
            let list = clients[client]!
            encoder.writeVarUInt(list.count)
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(list[0].id.clock)
            for item in list { item.write(to: &encoder, offset: 0) }
        }
        var deletes = deleteSet
        deletes.sortAndMerge()
        deletes.write(to: &encoder)
        return encoder.bytes
    }
}

/// Making and slicing decoded (not yet integrated) structs.
extension Item {
    /// An item read from an update (v1 or v2), refusing one whose left origin is not before it.
    static func decoded(
        id: ID, origin: ID?, rightOrigin: ID?, parentReference: ParentReference?, parentSub: String?,
        content: ItemContent
    ) throws(DecodingError) -> Item {
        if let origin, origin.client == id.client, origin.clock >= id.clock {
            throw .malformed("item \(id) has its left origin at or after itself")
        }
        let item = Item(
            id: id, left: nil, origin: origin, right: nil, rightOrigin: rightOrigin, parent: nil,
            parentSub: parentSub, content: content)
        item.parentReference = parentReference
        return item
    }

    /// A copy of a decoded struct that starts `offset` clocks later.
    func sliced(from offset: Int) -> Item {
        guard offset > 0 else { return self }
        let newID = ID(client: id.client, clock: id.clock + offset)
        switch kind {
        case .gc, .skip:
            return Item(filler: kind, id: newID, length: length - offset)
        case .item:
            var whole = content
            let right = whole.split(at: offset)
            // No parent reference: a slice always has a left origin, so its wire form names no parent
            // and a receiver takes the parent from that origin. Keeping the reference would make this
            // copy (pending structs are integrated from it) wait for, and land in, another parent
            // than the same struct read back from bytes.
            return Item(
                id: newID, left: nil, origin: ID(client: id.client, clock: id.clock + offset - 1), right: nil,
                rightOrigin: rightOrigin, parent: nil, parentSub: parentSub, content: right)
        }
    }
}
