/// A shared map: string keys, last writer wins per key (the higher client id wins a tie).
///
/// A handle onto a type inside a ``Doc``; it is cheap to copy and shares the document's isolation.
/// Edits join the document's current transaction or make one of their own.
public struct YMap {
    let branch: Branch
    /// Keeps the document alive while a handle onto one of its types exists.
    let owner: Doc?

    init(branch: Branch) {
        self.branch = branch
        self.owner = branch.doc
    }

    public var keys: [String] {
        branch.map.compactMap { $0.value.isDeleted ? nil : $0.key }.sorted()
    }

    public var count: Int { branch.map.values.reduce(0) { $0 + ($1.isDeleted ? 0 : 1) } }

    public subscript(key: String) -> YValue? {
        guard let item = branch.mapValue(key) else { return nil }
        return Branch.lastValue(of: item)
    }

    /// Sets `key` to `value`.
    public func set(_ key: String, _ value: YInput) throws {
        try branch.transact { branch.mapSet($0, key: key, value: value) }
    }

    /// Sets `key` inside an existing transaction.
    public func set(_ key: String, _ value: YInput, in transaction: Transaction) {
        branch.mapSet(transaction, key: key, value: value)
    }

    /// Removes `key` (nothing happens when it is absent).
    public func remove(_ key: String) throws {
        try branch.transact { branch.mapDelete($0, key: key) }
    }

    public func remove(_ key: String, in transaction: Transaction) {
        branch.mapDelete(transaction, key: key)
    }

    public func contains(_ key: String) -> Bool { branch.mapValue(key) != nil }

    /// The whole map as plain JSON-like data, keys sorted, nested types included — down to
    /// ``Lib0Decoder/maxAnyDepth`` levels; a type nested deeper is `null`. Walks with an explicit
    /// stack, so a hostile update nesting types 100,000 deep cannot overflow the stack.
    public var json: YAny { JSONRendering.render(branch, as: .object) }

    /// Whether the map's holding item (or a parent's) was deleted.
    public var isDeleted: Bool { branch.isDeleted }

    /// Calls `body` after each transaction that changed this map.
    @discardableResult
    public func observe(_ body: @escaping (YEvent) -> Void) -> Subscription {
        branch.observe(body)
    }

    /// Calls `body` with the events of this map and everything nested in it.
    @discardableResult
    public func observeDeep(_ body: @escaping ([YEvent]) -> Void) -> Subscription {
        branch.observeDeep(body)
    }

    /// Two handles are equal when they refer to the same type.
    public func isSameType(as other: YMap) -> Bool { branch === other.branch }
}

/// A shared array of values and nested types.
public struct YArray {
    let branch: Branch
    /// Keeps the document alive while a handle onto one of its types exists.
    let owner: Doc?

    init(branch: Branch) {
        self.branch = branch
        self.owner = branch.doc
    }

    /// The number of elements.
    public var count: Int { branch.length }

    /// Every element, in order.
    public var values: [YValue] {
        var result: [YValue] = []
        result.reserveCapacity(branch.length)
        branch.forEachVisible { result.append(contentsOf: Branch.values(of: $0)) }
        return result
    }

    public subscript(index: Int) -> YValue? {
        guard index >= 0, index < branch.length else { return nil }
        var remaining = index
        var found: YValue?
        var item = branch.start
        while let current = item {
            if current.isVisible {
                if remaining < current.length {
                    found = Branch.values(of: current)[remaining]
                    break
                }
                remaining -= current.length
            }
            item = current.right
        }
        return found
    }

    /// Inserts values at `index` (0...count).
    public func insert(_ values: [YInput], at index: Int) throws {
        guard index >= 0, index <= branch.length else {
            throw YError.indexOutOfRange(index: index, length: branch.length)
        }
        try branch.transact { branch.insert($0, at: index, values) }
    }

    public func insert(_ values: [YInput], at index: Int, in transaction: Transaction) throws {
        guard index >= 0, index <= branch.length else {
            throw YError.indexOutOfRange(index: index, length: branch.length)
        }
        branch.insert(transaction, at: index, values)
    }

    public func append(_ values: [YInput]) throws { try insert(values, at: branch.length) }

    /// Deletes `count` elements from `index`.
    public func delete(at index: Int, count: Int = 1) throws {
        guard index >= 0, count >= 0, index + count <= branch.length else {
            throw YError.indexOutOfRange(index: index + count, length: branch.length)
        }
        try branch.transact { branch.delete($0, at: index, count: count) }
    }

    public func delete(at index: Int, count: Int = 1, in transaction: Transaction) throws {
        guard index >= 0, count >= 0, index + count <= branch.length else {
            throw YError.indexOutOfRange(index: index + count, length: branch.length)
        }
        branch.delete(transaction, at: index, count: count)
    }

    /// The whole array as plain data, nested types included, with the same depth limit as
    /// ``YMap/json``.
    public var json: YAny { JSONRendering.render(branch, as: .array) }

    public var isDeleted: Bool { branch.isDeleted }

    @discardableResult
    public func observe(_ body: @escaping (YEvent) -> Void) -> Subscription {
        branch.observe(body)
    }

    @discardableResult
    public func observeDeep(_ body: @escaping ([YEvent]) -> Void) -> Subscription {
        branch.observeDeep(body)
    }

    public func isSameType(as other: YArray) -> Bool { branch === other.branch }
}
