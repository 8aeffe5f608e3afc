/// A position in a sequence that stays on its character while others edit: it names the item
/// (by id) it sits before, not an index. Byte-compatible with Yjs's `encodeRelativePosition`.
public struct RelativePosition: Hashable, Sendable {
    /// Which side a position between two characters sticks to when text is inserted right there.
    public enum Association: Int, Sendable {
        /// Stay before the character that followed the position (Yjs assoc ≥ 0, the default).
        case before = 0
        /// Stay after the character that preceded the position (Yjs assoc < 0).
        case after = -1
    }

    /// The id of the nested type's item when the position has no item and the type is not a root.
    var typeID: ID?
    /// The root name when the position has no item and the type is a root.
    var typeName: String?
    /// The id of the character (clock unit) the position is attached to.
    var item: ID?
    public var association: Association

    /// The y-protocols / Yjs binary form.
    public func encoded() -> [UInt8] {
        var encoder = Lib0Encoder()
        if let item {
            encoder.writeVarUInt(0)
            encoder.writeVarUInt(item.client)
            encoder.writeVarUInt(item.clock)
        } else if let typeName {
            encoder.writeUInt8(1)
            encoder.writeVarString(typeName)
        } else if let typeID {
            encoder.writeUInt8(2)
            encoder.writeVarUInt(typeID.client)
            encoder.writeVarUInt(typeID.clock)
        }
        encoder.writeVarInt(Int64(association.rawValue))
        return encoder.bytes
    }

    /// Reads the binary form.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var decoder = Lib0Decoder(bytes)
        switch try decoder.readVarUInt() {
        case 0: item = ID(client: try decoder.readVarUInt(), clock: try decoder.readVarInt())
        case 1: typeName = try decoder.readVarString()
        case 2: typeID = ID(client: try decoder.readVarUInt(), clock: try decoder.readVarInt())
        default: throw .malformed("unknown relative position kind")
        }
        let assoc = decoder.isAtEnd ? 0 : try decoder.readSignedVarInt().value
        association = assoc < 0 ? .after : .before
    }

    init(typeID: ID?, typeName: String?, item: ID?, association: Association) {
        self.typeID = typeID
        self.typeName = typeName
        self.item = item
        self.association = association
    }
}

extension Branch {
    /// A relative position for a visible index of this sequence.
    func relativePosition(at index: Int, association: RelativePosition.Association) -> RelativePosition {
        let typeID = item?.id
        let typeName = item == nil ? rootName : nil
        var remaining = index
        if association == .after {
            if remaining == 0 {
                return RelativePosition(typeID: typeID, typeName: typeName, item: nil, association: association)
            }
            remaining -= 1
        }
        var current = start
        while let candidate = current {
            if candidate.isVisible {
                if candidate.length > remaining {
                    return RelativePosition(
                        typeID: nil, typeName: nil,
                        item: ID(client: candidate.id.client, clock: candidate.id.clock + remaining),
                        association: association)
                }
                remaining -= candidate.length
            }
            if candidate.right == nil, association == .after {
                return RelativePosition(typeID: nil, typeName: nil, item: candidate.lastID, association: association)
            }
            current = candidate.right
        }
        return RelativePosition(typeID: typeID, typeName: typeName, item: nil, association: association)
    }
}

extension Doc {
    /// Follows redo copies from `id` to the item that now stands for it; returns the item and the
    /// offset of `id` inside it.
    func followRedone(_ id: ID) -> (item: Item, offset: Int)? {
        var next: ID? = id
        var offset = 0
        var found: Item?
        while var target = next {
            if offset > 0 { target = ID(client: target.client, clock: target.clock + offset) }
            guard let item = store.find(target) else { return nil }
            offset = target.clock - item.id.clock
            found = item
            next = item.kind == .item ? item.redone : nil
        }
        return found.map { ($0, offset) }
    }

    /// Where a relative position is now: the type and the visible index, or nil when the document
    /// does not (yet) hold what it refers to.
    func absolutePosition(_ position: RelativePosition) -> (branch: Branch, index: Int)? {
        if let itemID = position.item {
            guard store.state(of: itemID.client) > itemID.clock,
                let (right, offset) = followRedone(itemID), right.kind == .item, let branch = right.parent
            else { return nil }
            var index = 0
            if !(branch.item?.isDeleted ?? false) {
                index = right.isVisible ? offset + (position.association == .before ? 0 : 1) : 0
                var left = right.left
                while let current = left {
                    if current.isVisible { index += current.length }
                    left = current.left
                }
            }
            return (branch, index)
        }
        let branch: Branch
        if let name = position.typeName {
            guard let root = roots[name] else { return nil }
            branch = root
        } else if let typeID = position.typeID {
            guard store.state(of: typeID.client) > typeID.clock, let (holder, _) = followRedone(typeID),
                let nested = holder.branch
            else { return nil }
            branch = nested
        } else {
            return nil
        }
        return (branch, position.association == .before ? branch.length : 0)
    }
}

extension YText {
    /// A position that stays on its character: UTF-16 `offset` now, wherever that text moves.
    public func relativePosition(atUTF16 offset: Int, association: RelativePosition.Association = .before)
        -> RelativePosition
    {
        branch.relativePosition(at: offset, association: association)
    }

    /// The UTF-16 offset a relative position of this text stands at now; nil if it belongs to
    /// another type or refers to content this document has not seen.
    public func utf16Offset(of position: RelativePosition) -> Int? {
        guard let doc = owner, let (branch, index) = doc.absolutePosition(position), branch === self.branch else {
            return nil
        }
        return index
    }
}

extension YArray {
    public func relativePosition(at index: Int, association: RelativePosition.Association = .before)
        -> RelativePosition
    {
        branch.relativePosition(at: index, association: association)
    }

    public func index(of position: RelativePosition) -> Int? {
        guard let doc = owner, let (branch, index) = doc.absolutePosition(position), branch === self.branch else {
            return nil
        }
        return index
    }
}
