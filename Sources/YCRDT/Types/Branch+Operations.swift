/// Errors from editing a shared type.
public enum YError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An index or range beyond the type's length.
    case indexOutOfRange(index: Int, length: Int)
    /// The type is not in a document (or its document is gone).
    case notInDocument
    /// The type was deleted and garbage collected.
    case typeCollected

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let length): "index \(index) is beyond the length \(length)"
        case .notInDocument: "the type is not part of a document"
        case .typeCollected: "the type was deleted"
        }
    }
}

extension Branch {
    /// Runs `body` in the document's transaction (joining one in progress).
    func transact<Result>(_ body: (Transaction) throws -> Result) throws -> Result {
        guard let doc else { throw YError.notInDocument }
        guard !isCollected else { throw YError.typeCollected }
        return try doc.transact(origin: nil, body)
    }

    func newItemID(_ transaction: Transaction) -> ID {
        let doc = transaction.doc
        return ID(client: doc.clientID, clock: doc.store.state(of: doc.clientID))
    }

    // MARK: Map

    func mapSet(_ transaction: Transaction, key: String, value: YInput) {
        let left = map[key]
        let item = Item(
            id: newItemID(transaction), left: left, origin: left?.lastID, right: nil, rightOrigin: nil,
            parent: self, parentSub: key, content: Branch.content(for: value))
        item.integrate(transaction, offset: 0)
    }

    func mapDelete(_ transaction: Transaction, key: String) {
        map[key]?.delete(transaction)
    }

    // MARK: Sequence

    /// Inserts values at `index` (counted in visible elements).
    func insert(_ transaction: Transaction, at index: Int, _ values: [YInput]) {
        guard !values.isEmpty else { return }
        let count = values.reduce(0) { $0 + Branch.content(for: $1).length }
        if index == 0 {
            searchMarkers?.update(index: 0, delta: count)
            insert(transaction, after: nil, values)
            return
        }
        var remaining = index
        var item = start
        if let marker = searchMarkers?.find(in: self, index: index) {
            item = marker.item
            remaining -= marker.index
            if remaining == 0 {
                item = item?.previous
                if let previous = item, previous.isVisible { remaining += previous.length }
            }
        }
        while let current = item {
            if current.isVisible {
                if remaining <= current.length {
                    if remaining < current.length {
                        _ = transaction.doc.store.itemCleanStart(
                            transaction, ID(client: current.id.client, clock: current.id.clock + remaining))
                    }
                    break
                }
                remaining -= current.length
            }
            item = current.right
        }
        searchMarkers?.update(index: index, delta: count)
        insert(transaction, after: item, values)
    }

    /// Inserts values right after `reference` (nil = at the start), packing plain values into one
    /// item as Yjs does.
    func insert(_ transaction: Transaction, after reference: Item?, _ values: [YInput]) {
        var left = reference
        let right = reference == nil ? start : reference!.right
        var pending: [YAny] = []
        func place(_ content: ItemContent) {
            let item = Item(
                id: newItemID(transaction), left: left, origin: left?.lastID, right: right,
                rightOrigin: right?.id, parent: self, parentSub: nil, content: content)
            item.integrate(transaction, offset: 0)
            left = item
        }
        func flush() {
            guard !pending.isEmpty else { return }
            place(.any(pending))
            pending = []
        }
        for value in values {
            if case .value(let plain) = value {
                pending.append(plain)
            } else {
                flush()
                place(Branch.content(for: value))
            }
        }
        flush()
    }

    /// Deletes `count` visible elements from `index`.
    func delete(_ transaction: Transaction, at index: Int, count: Int) {
        guard count > 0 else { return }
        var remaining = index
        var item = start
        if let marker = searchMarkers?.find(in: self, index: index) {
            item = marker.item
            remaining -= marker.index
        }
        let store = transaction.doc.store
        while let current = item, remaining > 0 {
            if current.isVisible {
                if remaining < current.length {
                    _ = store.itemCleanStart(
                        transaction, ID(client: current.id.client, clock: current.id.clock + remaining))
                }
                remaining -= current.length
            }
            item = current.right
        }
        var left = count
        while left > 0, let current = item {
            if !current.isDeleted {
                if current.isCountable {
                    if left < current.length {
                        _ = store.itemCleanStart(
                            transaction, ID(client: current.id.client, clock: current.id.clock + left))
                    }
                    left -= current.length
                }
                current.delete(transaction)
            }
            item = current.right
        }
        searchMarkers?.update(index: index, delta: -(count - max(left, 0)))
    }

    // MARK: Text

    /// A position in rich text: between `left` and `right`, at visible `index`, with the formatting
    /// attributes in effect there.
    struct TextPosition {
        var left: Item?
        var right: Item?
        var index: Int
        var attributes: [String: YAny] = [:]

        mutating func forward() {
            guard let current = right else { return }
            if !current.isDeleted {
                if case .format(let key, let value) = current.content {
                    TextPosition.update(&attributes, key: key, value: value)
                } else {
                    index += current.length
                }
            }
            left = current
            right = current.right
        }

        static func update(_ attributes: inout [String: YAny], key: String, value: YAny) {
            if value == .null { attributes.removeValue(forKey: key) } else { attributes[key] = value }
        }
    }

    func findTextPosition(_ transaction: Transaction, index: Int, useMarkers: Bool) -> TextPosition {
        var count = index
        unowned(unsafe) var left: Item?
        unowned(unsafe) var right: Item?
        var itemIndex = 0
        var attributes: [String: YAny] = [:]
        if useMarkers, let marker = searchMarkers?.find(in: self, index: index) {
            left = marker.item.left
            right = marker.item
            itemIndex = marker.index
            count -= marker.index
        } else {
            right = start
        }
        let store = transaction.doc.store
        while let current = right, count > 0 {
            if !current.isDeleted {
                if case .format(let key, let value) = current.content {
                    TextPosition.update(&attributes, key: key, value: value)
                } else {
                    if count < current.length {
                        _ = store.itemCleanStart(
                            transaction, ID(client: current.id.client, clock: current.id.clock + count))
                    }
                    itemIndex += current.length
                    count -= current.length
                }
            }
            left = current
            right = current.right
        }
        return TextPosition(left: left, right: right, index: itemIndex, attributes: attributes)
    }

    /// Inserts UTF-16 text at a visible UTF-16 index, inheriting the formatting in effect there.
    func insertText(_ transaction: Transaction, at index: Int, units: [UInt16]) {
        guard !units.isEmpty else { return }
        var position = findTextPosition(transaction, index: index, useMarkers: true)
        insertContent(transaction, at: &position, content: .string(units), attributes: position.attributes)
    }

    func insertContent(
        _ transaction: Transaction, at position: inout TextPosition, content: ItemContent,
        attributes: [String: YAny]
    ) {
        // Skip deleted items and formatting boundaries that already say what we want.
        while let current = position.right {
            if current.isDeleted {
                position.forward()
                continue
            }
            if case .format(let key, let value) = current.content, (attributes[key] ?? .null) == value {
                position.forward()
                continue
            }
            break
        }
        let negated = insertAttributes(transaction, at: &position, attributes: attributes)
        searchMarkers?.update(index: position.index, delta: content.length)
        let item = Item(
            id: newItemID(transaction), left: position.left, origin: position.left?.lastID,
            right: position.right, rightOrigin: position.right?.id, parent: self, parentSub: nil,
            content: content)
        item.integrate(transaction, offset: 0)
        position.right = item
        position.forward()
        insertNegatedAttributes(transaction, at: &position, negated: negated)
    }

    /// Writes format boundaries for attributes that differ from those in effect; returns what must
    /// be restored after the inserted content.
    private func insertAttributes(
        _ transaction: Transaction, at position: inout TextPosition, attributes: [String: YAny]
    ) -> [String: YAny] {
        var negated: [String: YAny] = [:]
        for key in attributes.keys.sorted() {
            let value = attributes[key]!
            let current = position.attributes[key] ?? .null
            if current != value {
                negated[key] = current
                let item = Item(
                    id: newItemID(transaction), left: position.left, origin: position.left?.lastID,
                    right: position.right, rightOrigin: position.right?.id, parent: self, parentSub: nil,
                    content: .format(key: key, value: value))
                item.integrate(transaction, offset: 0)
                position.right = item
                position.forward()
            }
        }
        return negated
    }

    private func insertNegatedAttributes(
        _ transaction: Transaction, at position: inout TextPosition, negated: [String: YAny]
    ) {
        var negated = negated
        while let current = position.right {
            if current.isDeleted {
                position.forward()
                continue
            }
            if case .format(let key, let value) = current.content, let wanted = negated[key], wanted == value {
                negated.removeValue(forKey: key)
                position.forward()
                continue
            }
            break
        }
        for key in negated.keys.sorted() {
            let item = Item(
                id: newItemID(transaction), left: position.left, origin: position.left?.lastID,
                right: position.right, rightOrigin: position.right?.id, parent: self, parentSub: nil,
                content: .format(key: key, value: negated[key]!))
            item.integrate(transaction, offset: 0)
            position.right = item
            position.forward()
        }
    }

    /// Deletes `count` UTF-16 units of text from a visible index. Formatting boundaries stay.
    func deleteText(_ transaction: Transaction, at index: Int, count: Int) {
        guard count > 0 else { return }
        var position = findTextPosition(transaction, index: index, useMarkers: true)
        let store = transaction.doc.store
        var remaining = count
        while remaining > 0, let current = position.right {
            if !current.isDeleted {
                switch current.content {
                case .string, .embed, .type:
                    if remaining < current.length {
                        _ = store.itemCleanStart(
                            transaction, ID(client: current.id.client, clock: current.id.clock + remaining))
                    }
                    remaining -= current.length
                    current.delete(transaction)
                default:
                    break
                }
            }
            position.forward()
        }
        searchMarkers?.update(index: position.index, delta: -(count - remaining))
    }
}
