/// Where a decoded item's parent is, before it is integrated.
enum ParentReference {
    /// A root type of the document, by name.
    case root(String)
    /// The type held by the item with this id.
    case item(ID)
}

/// One struct of the store: an item of content, a garbage-collected range, or (only inside updates)
/// a skipped range.
///
/// Items form, per shared type, a doubly linked list in document order. `left`, `right` and `parent`
/// are unowned: the ``StructStore`` owns every item, a root type is owned by its document and a
/// nested type by the item whose content it is. Yjs's integration and merge rules keep these links
/// pointing at live items.
final class Item {
    enum Kind: UInt8 {
        case item
        case gc
        case skip
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let keep = Flags(rawValue: 1)
        static let countable = Flags(rawValue: 2)
        static let deleted = Flags(rawValue: 4)
        static let marker = Flags(rawValue: 8)
    }

    var id: ID
    var length: Int
    let kind: Kind
    var flags: Flags
    /// The id of the left neighbour when this was created (the "left origin").
    var origin: ID?
    /// The id of the right neighbour when this was created.
    var rightOrigin: ID?
    /// The left neighbour in the list, as an unretained reference (hot loops walk it without ARC).
    var leftReference: ItemReference?
    /// The right neighbour in the list, as an unretained reference.
    var rightReference: ItemReference?
    unowned(unsafe) var parent: Branch?
    /// Set on decoded items until integration resolves `parent`.
    var parentReference: ParentReference?
    /// The map key this item is a value of, or nil in a sequence.
    var parentSub: String?
    var content: ItemContent
    /// Where a redo of this deleted item put its copy (undo manager).
    var redone: ID?

    /// A new content item.
    init(
        id: ID, left: Item?, origin: ID?, right: Item?, rightOrigin: ID?, parent: Branch?,
        parentSub: String?, content: ItemContent
    ) {
        self.id = id
        self.kind = .item
        self.length = content.length
        self.origin = origin
        self.rightOrigin = rightOrigin
        self.leftReference = left.map(ItemReference.passUnretained)
        self.rightReference = right.map(ItemReference.passUnretained)
        self.parent = parent
        self.parentSub = parentSub
        self.content = content
        self.flags = content.isCountable ? .countable : []
    }

    /// A garbage-collected or skipped range.
    init(filler kind: Kind, id: ID, length: Int) {
        self.id = id
        self.kind = kind
        self.length = length
        self.content = .deleted(length)
        self.flags = kind == .gc ? .deleted : []
    }

    /// The left neighbour.
    var left: Item? {
        get { leftReference?.takeUnretainedValue() }
        set { leftReference = newValue.map(ItemReference.passUnretained) }
    }

    /// The right neighbour.
    var right: Item? {
        get { rightReference?.takeUnretainedValue() }
        set { rightReference = newValue.map(ItemReference.passUnretained) }
    }

    @inline(__always) var isDeleted: Bool { flags.contains(.deleted) }
    @inline(__always) var isCountable: Bool { flags.contains(.countable) }
    @inline(__always) var isKept: Bool { flags.contains(.keep) }
    /// Counts toward its sequence's length: countable and not deleted.
    @inline(__always) var isVisible: Bool { flags.rawValue & 0b110 == 0b010 }

    /// The id of the last clock of this item.
    @inline(__always) var lastID: ID { ID(client: id.client, clock: id.clock + length - 1) }

    func markDeleted() { flags.insert(.deleted) }

    /// The nearest undeleted item to the right.
    var next: Item? {
        var item = right
        while let candidate = item, candidate.isDeleted { item = candidate.right }
        return item
    }

    /// The nearest undeleted item to the left.
    var previous: Item? {
        var item = left
        while let candidate = item, candidate.isDeleted { item = candidate.left }
        return item
    }

    /// The nested type this item holds, if any.
    var branch: Branch? {
        if case .type(let branch) = content { return branch }
        return nil
    }
}

extension Item {
    /// Appends `right` to this item when Yjs's merge rules allow it. The caller removes `right`
    /// from the store.
    func merge(with right: Item) -> Bool {
        guard kind == right.kind else { return false }
        if kind != .item {
            length += right.length
            if case .deleted = content { content = .deleted(length) }
            return true
        }
        guard right.origin == lastID, self.right === right, rightOrigin == right.rightOrigin,
            id.client == right.id.client, id.clock + length == right.id.clock,
            isDeleted == right.isDeleted, redone == nil, right.redone == nil,
            content.ref == right.content.ref, content.merge(with: right.content)
        else { return false }
        if right.flags.contains(.marker), let markers = parent?.searchMarkers {
            markers.replace(right, with: self, indexShift: isVisible ? -length : 0)
        }
        if right.isKept { flags.insert(.keep) }
        self.right = right.right
        self.right?.left = self
        length += right.length
        return true
    }

    /// Writes this struct in update v1 form, starting `offset` clocks in.
    func write(to encoder: inout Lib0Encoder, offset: Int) {
        switch kind {
        case .gc:
            encoder.writeUInt8(0)
            encoder.writeVarUInt(length - offset)
            return
        case .skip:
            encoder.writeUInt8(10)
            encoder.writeVarUInt(length - offset)
            return
        case .item:
            break
        }
        let origin = offset > 0 ? ID(client: id.client, clock: id.clock + offset - 1) : self.origin
        var info = content.ref & 0x1F
        if origin != nil { info |= 0x80 }
        if rightOrigin != nil { info |= 0x40 }
        if parentSub != nil { info |= 0x20 }
        encoder.writeUInt8(info)
        if let origin {
            encoder.writeVarUInt(origin.client)
            encoder.writeVarUInt(origin.clock)
        }
        if let rightOrigin {
            encoder.writeVarUInt(rightOrigin.client)
            encoder.writeVarUInt(rightOrigin.clock)
        }
        if origin == nil && rightOrigin == nil {
            switch resolvedParentReference {
            case .root(let name):
                encoder.writeVarUInt(1)
                encoder.writeVarString(name)
            case .item(let parentID):
                encoder.writeVarUInt(0)
                encoder.writeVarUInt(parentID.client)
                encoder.writeVarUInt(parentID.clock)
            }
            if let parentSub { encoder.writeVarString(parentSub) }
        }
        content.write(to: &encoder, offset: offset)
    }

    /// The parent as the wire names it.
    private var resolvedParentReference: ParentReference {
        if let parent {
            if let holder = parent.item { return .item(holder.id) }
            return .root(parent.rootName ?? "")
        }
        return parentReference ?? .root("")
    }
}

/// An unretained reference to an item. The store owns every item; walking the list through these
/// costs no reference counting.
typealias ItemReference = Unmanaged<Item>

extension Unmanaged where Instance == Item {
    @inline(__always) var isVisible: Bool { _withUnsafeGuaranteedRef { $0.isVisible } }
    @inline(__always) var length: Int { _withUnsafeGuaranteedRef { $0.length } }
    @inline(__always) var right: ItemReference? { _withUnsafeGuaranteedRef { $0.rightReference } }
    @inline(__always) var left: ItemReference? { _withUnsafeGuaranteedRef { $0.leftReference } }
    @inline(__always) var id: ID { _withUnsafeGuaranteedRef { $0.id } }
    @inline(__always) var flags: Item.Flags { _withUnsafeGuaranteedRef { $0.flags } }
    @inline(__always) var item: Item { takeUnretainedValue() }
    @inline(__always) static func === (lhs: Self, rhs: Self) -> Bool { lhs.toOpaque() == rhs.toOpaque() }
}
