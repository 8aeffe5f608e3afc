/// A cached (item, index) pair that lets index lookups start near their target.
struct SearchMarker {
    var reference: Unmanaged<Item>
    var index: Int
    var timestamp: Int

    init(item: Item, index: Int, timestamp: Int) {
        self.reference = .passUnretained(item)
        self.index = index
        self.timestamp = timestamp
    }

    var item: Item {
        get { reference.takeUnretainedValue() }
        set { reference = .passUnretained(newValue) }
    }

    /// Whether the marked item counts toward the length, read without reference counting.
    var isItemVisible: Bool { reference._withUnsafeGuaranteedRef { $0.isVisible } }
}

/// Up to ``capacity`` search markers per sequence type, as Yjs keeps them.
///
/// Finding the item at an index walks from the nearest marker instead of from the start, which keeps
/// random-position edits near O(distance between markers) rather than O(n). Markers are cleared by a
/// remote transaction and adjusted by local inserts and deletes. Markers are plain values with
/// unowned item references, so scanning them costs no reference counting.
final class SearchMarkers {
    static let capacity = 80
    var entries: [SearchMarker] = []
    private var clock = 0

    func nextTimestamp() -> Int {
        clock += 1
        return clock
    }

    func removeAll() {
        for marker in entries { marker.item.flags.remove(.marker) }
        entries.removeAll(keepingCapacity: true)
    }

    /// Repoints markers at `old` to `new`, shifting their index by `indexShift` (item merges).
    func replace(_ old: Item, with new: Item, indexShift: Int) {
        var entries = self.entries
        self.entries = []
        defer { self.entries = entries }
        for position in entries.indices where entries[position].reference.toOpaque() == Unmanaged.passUnretained(old).toOpaque() {
            entries[position].item = new
            entries[position].index += indexShift
        }
    }

    /// Finds or makes a marker near `index` in `branch`; nil when a scan from the start is as good.
    func find(in branch: Branch, index: Int) -> (item: Item, index: Int)? {
        guard let start = branch.start, index > 0 else { return nil }
        let entries = self.entries
        var nearest = -1
        var nearestDistance = Int.max
        for position in entries.indices {
            let distance = abs(index - entries[position].index)
            if distance < nearestDistance {
                nearest = position
                nearestDistance = distance
            }
        }
        var item = start
        var itemIndex = 0
        if nearest >= 0 {
            item = entries[nearest].item
            itemIndex = entries[nearest].index
            self.entries[nearest].timestamp = nextTimestamp()
        }
        // Walk right while the target lies beyond this item.
        while let right = item.right, itemIndex < index {
            if item.isVisible {
                if index < itemIndex + item.length { break }
                itemIndex += item.length
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
        if nearest >= 0, abs(entries[nearest].index - itemIndex) < branch.length / Self.capacity {
            overwrite(at: nearest, item: item, index: itemIndex)
        } else {
            mark(item: item, index: itemIndex)
        }
        return (item, itemIndex)
    }

    private func overwrite(at position: Int, item: Item, index: Int) {
        entries[position].item.flags.remove(.marker)
        entries[position].item = item
        item.flags.insert(.marker)
        entries[position].index = index
        entries[position].timestamp = nextTimestamp()
    }

    private func mark(item: Item, index: Int) {
        if entries.count >= Self.capacity {
            var oldest = 0
            for position in entries.indices where entries[position].timestamp < entries[oldest].timestamp {
                oldest = position
            }
            overwrite(at: oldest, item: item, index: index)
            return
        }
        item.flags.insert(.marker)
        entries.append(SearchMarker(item: item, index: index, timestamp: nextTimestamp()))
    }

    /// Shifts markers after a local insert (`delta` > 0) or delete (`delta` < 0) at `index`.
    func update(index: Int, delta: Int) {
        var entries = self.entries
        self.entries = []
        defer { self.entries = entries }
        var position = entries.count - 1
        while position >= 0 {
            if delta > 0, !entries[position].isItemVisible {
                // The marked item was deleted: move the marker to the nearest visible item on its left.
                unowned(unsafe) var landed = entries[position].item
                landed.flags.remove(.marker)
                var markerIndex = entries[position].index
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
                    entries.remove(at: position)
                    position -= 1
                    continue
                }
                entries[position].item = landed
                entries[position].index = markerIndex
                landed.flags.insert(.marker)
            }
            let markerIndex = entries[position].index
            if index < markerIndex || (delta > 0 && index == markerIndex) {
                entries[position].index = max(index, markerIndex + delta)
            }
            position -= 1
        }
    }
}
