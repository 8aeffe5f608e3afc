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
                structs[client]!.append(contentsOf: list)
                structs[client]!.sort { $0.id.clock < $1.id.clock }
            } else {
                structs[client] = list
            }
        }
        self.structs = structs
        self.deleteSet = try DeleteSet.read(from: &decoder)
        guard decoder.isAtEnd else {
            throw .malformed("\(decoder.remaining) unexpected bytes after the delete set")
        }
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
            if let origin, origin.client == client, origin.clock >= clock {
                throw .malformed("item \(id) has its left origin at or after itself")
            }
            let item = Item(
                id: id, left: nil, origin: origin, right: nil, rightOrigin: rightOrigin, parent: nil,
                parentSub: parentSub, content: content)
            item.parentReference = parentReference
            return item
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

/// Slicing decoded (not yet integrated) structs.
extension Item {
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
            let item = Item(
                id: newID, left: nil, origin: ID(client: id.client, clock: id.clock + offset - 1), right: nil,
                rightOrigin: rightOrigin, parent: nil, parentSub: parentSub, content: right)
            item.parentReference = parentReference ?? parent.map { branch in
                if let holder = branch.item { return .item(holder.id) }
                return .root(branch.rootName ?? "")
            }
            return item
        }
    }
}
