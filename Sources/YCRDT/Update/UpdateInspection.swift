/// What an encoded update holds, struct by struct: for tools that show people what a stored
/// document really contains (`weft doc inspect --structs`).
public struct UpdateSummary: Hashable, Sendable {
    /// The structs of one client.
    public struct Client: Hashable, Sendable {
        public var client: ClientID
        /// The clock of the first struct.
        public var firstClock: Int
        /// One past the last clock: the state this update brings the client to.
        public var endClock: Int
        public var structCount: Int
        /// How many structs of each content kind (``Struct/contentKind``, or "gc" / "skip").
        public var kindCounts: [String: Int]

        /// The last clock this update holds for the client.
        public var lastClock: Int { endClock - 1 }
    }

    public enum StructKind: String, Hashable, Sendable {
        /// An item with content (possibly deleted content).
        case item
        /// A garbage-collected range: content and position are gone.
        case gc
        /// A gap that a merged update leaves between structs; it carries nothing.
        case skip
    }

    /// Where an item lives.
    public enum Parent: Hashable, Sendable {
        /// A root type of the document, by name.
        case root(String)
        /// The nested type held by the item with this id.
        case item(ID)
    }

    /// One struct.
    public struct Struct: Hashable, Sendable {
        public var id: ID
        /// How many clocks it spans (UTF-16 code units for text).
        public var length: Int
        public var kind: StructKind
        /// For items: deleted, json, binary, string, embed, format, type(map|array|text|xml…), any, doc.
        public var contentKind: String?
        /// The parent as written, or — for an item that takes its parent from a neighbour, as Yjs writes
        /// items with an origin — the neighbour's parent when the neighbour is in the same update.
        public var parent: Parent?
        /// The map key this item is a value of.
        public var parentSub: String?
        /// The left neighbour at creation.
        public var origin: ID?
        /// The right neighbour at creation.
        public var rightOrigin: ID?
        /// A short view of the content (text, values, format attribute), cut at about 40 characters.
        public var preview: String?

        public var client: ClientID { id.client }
        public var clock: Int { id.clock }
    }

    /// The deleted ranges of one client.
    public struct ClientDeletes: Hashable, Sendable {
        public var client: ClientID
        public var ranges: [DeleteRange]
    }

    /// Clients by ascending id.
    public var clients: [Client]
    /// Structs by client (ascending) and clock.
    public var structs: [Struct]
    /// The delete set, clients ascending, ranges sorted and merged.
    public var deletes: [ClientDeletes]
}

extension Updates {
    /// Reads an update (v1, or v2 when `v2` is set) into a summary of its clients, structs and
    /// delete set, without applying it anywhere.
    public static func inspect(_ update: [UInt8], v2: Bool = false) throws(DecodingError) -> UpdateSummary {
        let decoded = v2 ? try UpdateV2Decoder.decode(update) : try DecodedUpdate(v1: update)
        return UpdateSummary(decoded)
    }
}

extension UpdateSummary {
    init(_ update: DecodedUpdate) {
        let clientIDs = update.structs.keys.sorted()
        var parents = ParentResolver(update.structs)
        var clients: [Client] = []
        var structs: [Struct] = []
        for client in clientIDs {
            guard let list = update.structs[client], let first = list.first, let last = list.last else { continue }
            var counts: [String: Int] = [:]
            for item in list {
                let summary = Struct(
                    id: item.id, length: item.length, kind: StructKind(item.kind),
                    contentKind: item.kind == .item ? item.content.kindName : nil,
                    parent: item.kind == .item ? parents.parent(of: item) : nil,
                    parentSub: item.parentSub, origin: item.origin, rightOrigin: item.rightOrigin,
                    preview: item.kind == .item ? item.content.preview : nil)
                counts[summary.contentKind ?? summary.kind.rawValue, default: 0] += 1
                structs.append(summary)
            }
            clients.append(
                Client(
                    client: client, firstClock: first.id.clock, endClock: last.id.clock + last.length,
                    structCount: list.count, kindCounts: counts))
        }
        var deleteSet = update.deleteSet
        deleteSet.sortAndMerge()
        let deletes = deleteSet.clients.keys.sorted().compactMap { client -> ClientDeletes? in
            guard let ranges = deleteSet.clients[client], !ranges.isEmpty else { return nil }
            return ClientDeletes(client: client, ranges: ranges)
        }
        self.init(clients: clients, structs: structs, deletes: deletes)
    }
}

extension UpdateSummary.StructKind {
    init(_ kind: Item.Kind) {
        switch kind {
        case .item: self = .item
        case .gc: self = .gc
        case .skip: self = .skip
        }
    }
}

/// Finds the parent of items that take it from a neighbour, following origins within one update.
private struct ParentResolver {
    let structs: [ClientID: [Item]]
    /// Resolved parents by item identity; `.some(nil)` means "cannot be known from this update".
    var known: [ObjectIdentifier: UpdateSummary.Parent?] = [:]

    init(_ structs: [ClientID: [Item]]) {
        self.structs = structs
    }

    func find(_ id: ID) -> Item? {
        guard let list = structs[id.client], let index = StructStore.findIndex(list, clock: id.clock) else {
            return nil
        }
        return list[index]
    }

    /// Walks left (or right) neighbours until one names its parent; iterative, so long chains of text
    /// items cannot overflow the stack, and a cycle in hostile input ends as "unknown".
    mutating func parent(of item: Item) -> UpdateSummary.Parent? {
        var chain: [Item] = []
        var seen = Set<ObjectIdentifier>()
        var current: Item? = item
        var result: UpdateSummary.Parent?
        while let step = current {
            let key = ObjectIdentifier(step)
            if let cached = known[key] {
                result = cached
                break
            }
            guard step.kind == .item, seen.insert(key).inserted else { break }
            chain.append(step)
            if let reference = step.parentReference {
                switch reference {
                case .root(let name): result = .root(name)
                case .item(let id): result = .item(id)
                }
                break
            }
            current = (step.origin ?? step.rightOrigin).flatMap(find)
        }
        for step in chain { known[ObjectIdentifier(step)] = .some(result) }
        return result
    }
}

extension ItemContent {
    /// The name `weft doc inspect` shows for this kind of content.
    var kindName: String {
        switch self {
        case .deleted: "deleted"
        case .json: "json"
        case .binary: "binary"
        case .string: "string"
        case .embed: "embed"
        case .format: "format"
        case .type(let branch): "type(\(branch.kind.name))"
        case .any: "any"
        case .doc: "doc"
        }
    }

    /// A short view of the content for people.
    var preview: String? {
        let limit = 40
        func cut(_ text: String) -> String {
            text.count > limit ? String(text.prefix(limit)) + "…" : text
        }
        switch self {
        case .deleted: return nil
        case .string(let units): return cut(UTF16Transcoding.string(units.prefix(limit + 2)))
        case .json(let values), .any(let values):
            var text = ""
            for value in values {
                if !text.isEmpty { text += ", " }
                text += JSON.stringify(value)
                if text.count > limit { break }
            }
            return cut(text)
        case .binary(let bytes): return "\(bytes.count) bytes"
        case .embed(let value): return cut(JSON.stringify(value))
        case .format(let key, let value): return cut("\(key)=\(JSON.stringify(value))")
        case .type(let branch): return branch.kind.nodeName
        case .doc(let guid, _): return cut(guid)
        }
    }
}

// MARK: - Document content as JSON

/// The kind a root type is read as, for a root whose type the reader knows.
public enum RootKind: String, Hashable, Sendable, CaseIterable {
    case map
    case array
    case text
}

extension Doc {
    /// The whole document as one JSON-like object keyed by root name (keys sorted).
    ///
    /// The wire does not say what type a root is, so a root named in `rootTypes` is read as that kind,
    /// and a named root the document lacks shows as the empty value of its kind (as Yjs's
    /// `doc.getMap(name)` would give). Any other root is shown as the type it was made as, or, for a
    /// root only seen in updates, with a guessed type: a map if it only has keys, text if its sequence
    /// holds only text, else an array.
    ///
    /// Reading changes nothing: no root is created and no root's kind is fixed.
    public func contentJSON(rootTypes: [String: RootKind] = [:]) -> YAny {
        var object = YObject()
        for name in Set(rootNames).union(rootTypes.keys).sorted() {
            let branch = roots[name]
            switch rootTypes[name] {
            case .map: object[name] = branch.map { YMap(branch: $0).json } ?? .object(YObject())
            case .array: object[name] = branch.map { YArray(branch: $0).json } ?? .array([])
            case .text: object[name] = .string(branch.map { YText(branch: $0).string } ?? "")
            case nil: object[name] = branch.map { YValue.wrap($0).json } ?? .null
            }
        }
        return .object(object)
    }

    /// Whether structs or deletes are waiting for updates this document has not seen (they are kept,
    /// and sent on, but not part of the content yet).
    public var hasPendingUpdates: Bool {
        store.pendingStructs != nil || store.pendingDeletes != nil
    }
}
