/// Cached (item, index) pairs that let index lookups start near their target.
///
/// Yjs keeps at most 80 markers and scans them all on every edit; with long documents and edits at
/// random places that leaves hundreds of items to walk per lookup. Here the markers are kept sorted
/// by index in plain arrays (no reference counting), so the nearest one is a binary search away and
/// shifting them after an edit is a tight loop; that affords many more of them, spaced about
/// `length / capacity` apart. Lookups give exactly the positions a scan from the start would give.
///
/// Invariants: `indexes` is sorted; `references[i]` is the item at visible index `indexes[i]`,
/// unless `needsRepair` is set (a marked item was deleted), in which case ``repair()`` moves such
/// markers to the nearest visible item on their left before they are used.
final class SearchMarkers {
    static let capacity = 2048
    private(set) var references: [ItemReference] = []
    private(set) var indexes: [Int] = []
    private var stamps: [Int] = []
    private var clock = 0
    /// Set when a marked item stops being visible.
    var needsRepair = false

    var count: Int { indexes.count }

    private func nextStamp() -> Int {
        clock &+= 1
        return clock
    }

    func removeAll() {
        for reference in references { reference.item.flags.remove(.marker) }
        references.removeAll(keepingCapacity: true)
        indexes.removeAll(keepingCapacity: true)
        stamps.removeAll(keepingCapacity: true)
        needsRepair = false
    }

    /// Repoints markers at `old` to `new`, shifting their index by `indexShift` (item merges).
    func replace(_ old: Item, with new: Item, indexShift: Int) {
        let oldReference = ItemReference.passUnretained(old)
        for position in references.indices where references[position] === oldReference {
            references[position] = .passUnretained(new)
            indexes[position] += indexShift
        }
        new.flags.insert(.marker)
    }

    /// The first position whose index is ≥ `index`.
    private func lowerBound(_ index: Int) -> Int {
        var low = 0
        var high = indexes.count
        while low < high {
            let middle = (low + high) >> 1
            if indexes[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Finds (and remembers) the item at or just before visible `index`; nil when a scan from the
    /// start is as good.
    func find(in branch: Branch, index: Int) -> (item: Item, index: Int)? {
        guard let start = branch.start, index > 0 else { return nil }
        if needsRepair { repair() }
        var nearest = -1
        let bound = lowerBound(index)
        if bound < indexes.count { nearest = bound }
        if bound > 0, nearest < 0 || index - indexes[bound - 1] < indexes[bound] - index { nearest = bound - 1 }
        var item = ItemReference.passUnretained(start)
        var itemIndex = 0
        if nearest >= 0 {
            item = references[nearest]
            itemIndex = indexes[nearest]
            stamps[nearest] = nextStamp()
        }
        // Walk right while the target lies beyond this item.
        while let right = item.right, itemIndex < index {
            if item.isVisible {
                let length = item.length
                if index < itemIndex + length { break }
                itemIndex += length
            }
            item = right
        }
        // Walk left while we overshot.
        while let left = item.left, itemIndex > index {
            item = left
            if item.isVisible { itemIndex -= item.length }
        }
        // Never mark an item that could still merge with its left neighbour.
        while let left = item.left, left.id.client == item.id.client, left.id.clock + left.length == item.id.clock {
            item = left
            if item.isVisible { itemIndex -= item.length }
        }
        let found = item.item
        if nearest >= 0, abs(indexes[nearest] - itemIndex) < max(branch.length / Self.capacity, 1) {
            move(nearest, to: item, index: itemIndex)
        } else if !found.flags.contains(.marker) {
            insert(item, index: itemIndex)
        }
        if !found.isVisible { needsRepair = true }
        return (found, itemIndex)
    }

    /// Points marker `position` at another item and restores the sort order.
    private func move(_ position: Int, to item: ItemReference, index: Int) {
        if !(references[position] === item) {
            let old = references[position].item
            old.flags.remove(.marker)
            if item.flags.contains(.marker) {
                // Another marker already sits there: drop this one instead.
                old.flags.insert(.marker)
                remove(at: position)
                return
            }
            references[position] = item
            item.item.flags.insert(.marker)
        }
        indexes[position] = index
        stamps[position] = nextStamp()
        var current = position
        while current > 0, indexes[current - 1] > indexes[current] {
            swapAt(current, current - 1)
            current -= 1
        }
        while current + 1 < indexes.count, indexes[current + 1] < indexes[current] {
            swapAt(current, current + 1)
            current += 1
        }
    }

    private func swapAt(_ first: Int, _ second: Int) {
        references.swapAt(first, second)
        indexes.swapAt(first, second)
        stamps.swapAt(first, second)
    }

    private func remove(at position: Int) {
        references.remove(at: position)
        indexes.remove(at: position)
        stamps.remove(at: position)
    }

    private func insert(_ item: ItemReference, index: Int) {
        if indexes.count >= Self.capacity {
            var oldest = 0
            for position in stamps.indices where stamps[position] < stamps[oldest] { oldest = position }
            references[oldest].item.flags.remove(.marker)
            remove(at: oldest)
        }
        let position = lowerBound(index)
        references.insert(item, at: position)
        indexes.insert(index, at: position)
        stamps.insert(nextStamp(), at: position)
        item.item.flags.insert(.marker)
    }

    /// Moves markers off items that are no longer visible, to the nearest visible item on the left
    /// (dropping those that find none or land on another marker).
    func repair() {
        needsRepair = false
        var position = references.count - 1
        while position >= 0 {
            var landed = references[position]
            if !landed.isVisible {
                landed.item.flags.remove(.marker)
                var markerIndex = indexes[position]
                var lost = false
                while !landed.isVisible {
                    guard let left = landed.left else {
                        lost = true
                        break
                    }
                    landed = left
                    if landed.isVisible { markerIndex -= landed.length }
                }
                if lost || landed.flags.contains(.marker) {
                    remove(at: position)
                } else {
                    references[position] = landed
                    indexes[position] = markerIndex
                    landed.item.flags.insert(.marker)
                }
            }
            position -= 1
        }
        // Moving left keeps list order, but keep the arrays sorted whatever happened.
        if zip(indexes, indexes.dropFirst()).contains(where: { $0 > $1 }) {
            let order = indexes.indices.sorted { indexes[$0] < indexes[$1] }
            references = order.map { references[$0] }
            indexes = order.map { indexes[$0] }
            stamps = order.map { stamps[$0] }
        }
    }

    /// Shifts markers after a local insert (`delta` > 0) or delete (`delta` < 0) at `index`.
    func update(index: Int, delta: Int) {
        if delta > 0, needsRepair { repair() }
        let first = lowerBound(index)
        guard first < indexes.count else { return }
        indexes.withUnsafeMutableBufferPointer { buffer in
            if delta < 0 {
                // Markers inside the deleted range collapse onto its start.
                for position in first..<buffer.count where buffer[position] > index {
                    buffer[position] = max(index, buffer[position] + delta)
                }
            } else {
                for position in first..<buffer.count { buffer[position] += delta }
            }
        }
    }
}
