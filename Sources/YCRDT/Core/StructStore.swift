/// Every struct of a document, per client, sorted by clock and contiguous from clock 0.
final class StructStore {
    var clients: [ClientID: [Item]] = [:]
    /// Structs that arrived before what they depend on, waiting for the gap to fill.
    var pendingStructs: PendingStructs?
    /// Deletions of clocks this document has not seen yet.
    var pendingDeletes: DeleteSet?

    /// The next clock expected from `client`.
    func state(of client: ClientID) -> Int {
        guard let last = clients[client]?.last else { return 0 }
        return last.id.clock + last.length
    }

    var stateVector: StateVector {
        var vector = StateVector()
        for (client, structs) in clients {
            if let last = structs.last { vector[client] = last.id.clock + last.length }
        }
        return vector
    }

    /// Appends a struct that starts exactly at its client's state.
    func add(_ item: Item) {
        clients[item.id.client, default: []].append(item)
    }

    /// The index of the struct containing `clock`, by a pivoted binary search.
    ///
    /// Returns nil when no struct holds that clock (hostile or inconsistent input).
    static func findIndex(_ structs: [Item], clock: Int) -> Int? {
        var low = 0
        var high = structs.count - 1
        guard high >= 0 else { return nil }
        let last = structs[high]
        if last.id.clock == clock { return high }
        let span = last.id.clock + last.length - 1
        var middle = span > 0 ? Int((Double(clock) / Double(span)) * Double(high)) : 0
        middle = min(max(middle, 0), high)
        while low <= high {
            let candidate = structs[middle]
            let start = candidate.id.clock
            if start <= clock {
                if clock < start + candidate.length { return middle }
                low = middle + 1
            } else {
                high = middle - 1
            }
            middle = (low + high) / 2
        }
        return nil
    }

    /// The struct containing `id`.
    func find(_ id: ID) -> Item? {
        guard let structs = clients[id.client], let index = Self.findIndex(structs, clock: id.clock) else {
            return nil
        }
        return structs[index]
    }

    /// Splits so that a struct starts at `id` and returns it.
    func itemCleanStart(_ transaction: Transaction, _ id: ID) -> Item? {
        guard let structs = clients[id.client], let index = Self.findIndex(structs, clock: id.clock) else {
            return nil
        }
        let item = structs[index]
        if item.id.clock < id.clock, item.kind == .item {
            let right = split(transaction, item, at: id.clock - item.id.clock)
            clients[id.client]!.insert(right, at: index + 1)
            return right
        }
        return item
    }

    /// Splits so that a struct ends at `id` and returns it.
    func itemCleanEnd(_ transaction: Transaction, _ id: ID) -> Item? {
        guard let structs = clients[id.client], let index = Self.findIndex(structs, clock: id.clock) else {
            return nil
        }
        let item = structs[index]
        if id.clock != item.id.clock + item.length - 1, item.kind == .item {
            let right = split(transaction, item, at: id.clock - item.id.clock + 1)
            clients[id.client]!.insert(right, at: index + 1)
        }
        return item
    }

    /// Splits `left` after `offset` clocks; returns the new right part (not yet in the store).
    func split(_ transaction: Transaction, _ left: Item, at offset: Int) -> Item {
        let client = left.id.client
        let clock = left.id.clock
        let right = Item(
            id: ID(client: client, clock: clock + offset), left: left,
            origin: ID(client: client, clock: clock + offset - 1), right: left.right,
            rightOrigin: left.rightOrigin, parent: left.parent, parentSub: left.parentSub,
            content: left.content.split(at: offset))
        if left.isDeleted { right.markDeleted() }
        if left.isKept { right.flags.insert(.keep) }
        if let redone = left.redone { right.redone = ID(client: redone.client, clock: redone.clock + offset) }
        left.right = right
        right.right?.left = right
        transaction.mergeStructs.append(right)
        if let key = right.parentSub, right.right == nil { right.parent?.map[key] = right }
        left.length = offset
        // A map entry split in two (only a hostile one holds more than one value) now has a newer
        // entry to its right: delete the left part, as integrating that entry would on any replica
        // that received the two parts separately. Otherwise replicas disagree on what is deleted.
        if right.parentSub != nil, !left.isDeleted { left.delete(transaction) }
        return right
    }

    /// Replaces a struct by another that spans the same clocks (garbage collection).
    func replace(_ old: Item, with new: Item) {
        guard let index = clients[old.id.client].flatMap({ Self.findIndex($0, clock: old.id.clock) }) else {
            return
        }
        clients[old.id.client]![index] = new
    }

    /// Merges `structs[position]` into its left neighbours while Yjs's rules allow; returns how many
    /// structs were merged away.
    @discardableResult
    func mergeWithLefts(client: ClientID, at position: Int) -> Int {
        guard clients[client] != nil else { return 0 }
        return Self.mergeWithLefts(&clients[client, default: []], at: position)
    }

    private static func mergeWithLefts(_ structs: inout [Item], at position: Int) -> Int {
        var index = position
        var right = structs[index]
        while index > 0 {
            let left = structs[index - 1]
            guard left.isDeleted == right.isDeleted, left.kind == right.kind, left.merge(with: right) else {
                break
            }
            if let key = right.parentSub, let parent = right.parent, parent.map[key] === right {
                parent.map[key] = left
            }
            right = left
            index -= 1
        }
        let merged = position - index
        if merged > 0 { structs.removeSubrange((position + 1 - merged)...position) }
        return merged
    }
}

/// Structs waiting for missing dependencies, and the lowest clock missing per client.
struct PendingStructs {
    var missing: [ClientID: Int]
    var structs: [ClientID: [Item]]
}
