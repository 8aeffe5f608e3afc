/// Writes update v2 exactly as Yjs 13.6's `UpdateEncoderV2` does: the same structs and delete set as
/// v1, spread over the columns ``UpdateV2Decoder`` reads.
struct UpdateV2Encoder {
    private var keyClocks = IntDiffOptRleColumnEncoder()
    private var clients = UintOptRleColumnEncoder()
    private var leftClocks = IntDiffOptRleColumnEncoder()
    private var rightClocks = IntDiffOptRleColumnEncoder()
    private var infos = RleByteColumnEncoder()
    private var strings = StringColumnEncoder()
    private var parentInfos = RleByteColumnEncoder()
    private var typeRefs = UintOptRleColumnEncoder()
    private var lengths = UintOptRleColumnEncoder()
    private var rest = Lib0Encoder(reservingCapacity: 1024)
    private var keyClock = 0

    // MARK: Structs

    mutating func writeClientCount(_ count: Int) { rest.writeVarUInt(count) }

    /// Starts a client block of `structCount` structs beginning at `clock`.
    mutating func writeClientHeader(client: ClientID, structCount: Int, clock: Int) {
        rest.writeVarUInt(structCount)
        clients.write(client)
        rest.writeVarUInt(clock)
    }

    /// Writes one struct, starting `offset` clocks into it.
    mutating func write(_ item: Item, offset: Int) {
        switch item.kind {
        case .gc:
            infos.write(0)
            lengths.write(item.length - offset)
            return
        case .skip:
            infos.write(10)
            rest.writeVarUInt(item.length - offset)
            return
        case .item:
            break
        }
        let origin = offset > 0 ? ID(client: item.id.client, clock: item.id.clock + offset - 1) : item.origin
        var info = item.content.ref & 0x1F
        if origin != nil { info |= 0x80 }
        if item.rightOrigin != nil { info |= 0x40 }
        if item.parentSub != nil { info |= 0x20 }
        infos.write(info)
        if let origin { writeLeftID(origin) }
        if let rightOrigin = item.rightOrigin {
            clients.write(rightOrigin.client)
            rightClocks.write(rightOrigin.clock)
        }
        if origin == nil && item.rightOrigin == nil {
            switch Self.parentReference(of: item) {
            case .root(let name):
                parentInfos.write(1)
                strings.write(name)
            case .item(let parentID):
                parentInfos.write(0)
                writeLeftID(parentID)
            }
            if let parentSub = item.parentSub { strings.write(parentSub) }
        }
        writeContent(item.content, offset: offset)
    }

    private mutating func writeLeftID(_ id: ID) {
        clients.write(id.client)
        leftClocks.write(id.clock)
    }

    /// Yjs 13 never reuses a key: every key gets the next key clock and is written out.
    private mutating func writeKey(_ key: String) {
        keyClocks.write(keyClock)
        keyClock += 1
        strings.write(key)
    }

    private mutating func writeContent(_ content: ItemContent, offset: Int) {
        switch content {
        case .deleted(let length):
            lengths.write(length - offset)
        case .json(let values):
            lengths.write(values.count - offset)
            for value in values[offset...] { strings.write(JSON.stringify(value)) }
        case .binary(let bytes):
            rest.writeVarBytes(bytes)
        case .string(let units):
            strings.write(units: units[offset...])
        case .embed(let value):
            rest.writeAny(value)
        case .format(let key, let value):
            writeKey(key)
            rest.writeAny(value)
        case .type(let branch):
            typeRefs.write(branch.kind.typeRef)
            if let name = branch.kind.nodeName { writeKey(name) }
        case .any(let values):
            lengths.write(values.count - offset)
            for value in values[offset...] { rest.writeAny(value) }
        case .doc(let guid, let options):
            strings.write(guid)
            rest.writeAny(options)
        }
    }

    /// The parent as the wire names it: a root by name, or the item holding the parent type.
    static func parentReference(of item: Item) -> ParentReference {
        if let parent = item.parent {
            if let holder = parent.item { return .item(holder.id) }
            return .root(parent.rootName ?? "")
        }
        return item.parentReference ?? .root("")
    }

    // MARK: Delete set

    /// Writes the delete set, clients descending; clocks as differences, lengths minus one.
    mutating func write(_ deleteSet: DeleteSet) {
        let nonEmpty = deleteSet.clients.filter { !$0.value.isEmpty }
        rest.writeVarUInt(nonEmpty.count)
        for client in nonEmpty.keys.sorted(by: >) {
            let ranges = nonEmpty[client]!
            rest.writeVarUInt(client)
            rest.writeVarUInt(ranges.count)
            var current = 0
            for range in ranges {
                rest.writeVarUInt(range.clock - current)
                rest.writeVarUInt(range.length - 1)
                current = range.clock + range.length
            }
        }
    }

    // MARK: Output

    /// The update: feature flag 0, the nine columns, then the rest.
    mutating func finish() -> [UInt8] {
        let columns = [
            keyClocks.finish(), clients.finish(), leftClocks.finish(), rightClocks.finish(), infos.bytes,
            strings.finish(), parentInfos.bytes, typeRefs.finish(), lengths.finish(),
        ]
        var output = Lib0Encoder(reservingCapacity: columns.reduce(rest.bytes.count + 16) { $0 + $1.count + 4 })
        output.writeVarUInt(0)
        for column in columns { output.writeVarBytes(column) }
        output.writeRawBytes(rest.bytes)
        return output.bytes
    }
}

extension DecodedUpdate {
    /// Writes the update in v2: clients descending, then the delete set.
    func encodedV2() -> [UInt8] {
        var encoder = UpdateV2Encoder()
        let clients = structs.filter { !$0.value.isEmpty }
        encoder.writeClientCount(clients.count)
        for client in clients.keys.sorted(by: >) {
            let list = clients[client]!
            encoder.writeClientHeader(client: client, structCount: list.count, clock: list[0].id.clock)
            for item in list { encoder.write(item, offset: 0) }
        }
        var deletes = deleteSet
        deletes.sortAndMerge()
        encoder.write(deletes)
        return encoder.finish()
    }
}

extension Doc {
    /// Everything this document holds that a peer with state `remote` lacks, as an update v2 — the
    /// bytes Yjs's `encodeStateAsUpdateV2` writes for the same document.
    ///
    /// y-protocols sync uses v1 (``encodeStateAsUpdate(since:)``); v2 is for peers that ask for it.
    public func encodeStateAsUpdateV2(since remote: StateVector = StateVector()) -> [UInt8] {
        if store.pendingStructs != nil || store.pendingDeletes != nil {
            // Pending structs and deletes are merged in by the v1 path; convert its result.
            let v1 = encodeStateAsUpdate(since: remote)
            if let decoded = try? DecodedUpdate(v1: v1) { return decoded.encodedV2() }
        }
        var encoder = UpdateV2Encoder()
        var starts: [(ClientID, Int)] = []
        for (client, structs) in store.clients {
            guard let last = structs.last else { continue }
            let from = remote[client]
            if last.id.clock + last.length > from { starts.append((client, from)) }
        }
        starts.sort { $0.0 > $1.0 }
        encoder.writeClientCount(starts.count)
        for (client, from) in starts {
            let structs = store.clients[client]!
            let clock = max(from, structs[0].id.clock)
            let first = StructStore.findIndex(structs, clock: clock) ?? 0
            encoder.writeClientHeader(client: client, structCount: structs.count - first, clock: clock)
            encoder.write(structs[first], offset: clock - structs[first].id.clock)
            for index in (first + 1)..<structs.count { encoder.write(structs[index], offset: 0) }
        }
        encoder.write(DeleteSet.fromStore(store))
        return encoder.finish()
    }
}

extension Updates {
    /// The same update in v2 (as Yjs's `convertUpdateFormatV1ToV2` converts it).
    public static func convertV1ToV2(_ update: [UInt8]) throws(DecodingError) -> [UInt8] {
        try DecodedUpdate(v1: update).encodedV2()
    }

    /// The same update in v1 (as Yjs's `convertUpdateFormatV2ToV1` converts it).
    public static func convertV2ToV1(_ update: [UInt8]) throws(DecodingError) -> [UInt8] {
        try UpdateV2Decoder.decode(update).encodedV1()
    }
}
