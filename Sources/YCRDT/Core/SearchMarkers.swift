/// A cached (item, index) pair that lets index lookups start near their target.
final class SearchMarker {
    unowned(unsafe) var item: Item
    var index: Int
    var timestamp: Int

    init(item: Item, index: Int, timestamp: Int) {
        self.item = item
        self.index = index
        self.timestamp = timestamp
    }
}

/// Up to ``capacity`` search markers per sequence type, as Yjs keeps them.
///
/// Finding the item at an index walks from the nearest marker instead of from the start, which keeps
/// random-position edits near O(distance between markers) rather than O(n). Markers are cleared by a
/// remote transaction and adjusted by local inserts and deletes.
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

    /// Finds or makes a marker near `index` in `branch`, or nil when a scan from the start is as good.
    func find(in branch: Branch, index: Int) -> SearchMarker? {
        guard let start = branch.start, index > 0 else { return nil }
        var nearest: SearchMarker?
        var nearestDistance = Int.max
        for marker in entries {
            let distance = abs(index - marker.index)
            if distance < nearestDistance {
                nearest = marker
                nearestDistance = distance
            }
        }
        var item = start
        var position = 0
        if let nearest {
            item = nearest.item
            position = nearest.index
            nearest.timestamp = nextTimestamp()
        }
        // Walk right while the target lies beyond this item.
        while let right = item.right, position < index {
            if item.isVisible {
                if index < position + item.length { break }
                position += item.length
            }
            item = right
        }
        // Walk left while we overshot.
        while let left = item.left, position > index {
            item = left
            if item.isVisible { position -= item.length }
        }
        // Never mark an item that could still merge with its left neighbour.
        while let left = item.left, left.id.client == item.id.client, left.id.clock + left.length == item.id.clock {
            item = left
            if item.isVisible { position -= item.length }
        }
        if let nearest, abs(nearest.index - position) < branch.length / Self.capacity {
            overwrite(nearest, item: item, index: position)
            return nearest
        }
        return mark(item: item, index: position)
    }

    private func overwrite(_ marker: SearchMarker, item: Item, index: Int) {
        marker.item.flags.remove(.marker)
        marker.item = item
        item.flags.insert(.marker)
        marker.index = index
        marker.timestamp = nextTimestamp()
    }

    private func mark(item: Item, index: Int) -> SearchMarker {
        if entries.count >= Self.capacity {
            var oldest = entries[0]
            for marker in entries where marker.timestamp < oldest.timestamp { oldest = marker }
            overwrite(oldest, item: item, index: index)
            return oldest
        }
        let marker = SearchMarker(item: item, index: index, timestamp: nextTimestamp())
        item.flags.insert(.marker)
        entries.append(marker)
        return marker
    }

    /// Shifts markers after a local insert (`delta` > 0) or delete (`delta` < 0) at `index`.
    func update(index: Int, delta: Int) {
        var position = entries.count - 1
        while position >= 0 {
            let marker = entries[position]
            if delta > 0 {
                var item: Item? = marker.item
                item?.flags.remove(.marker)
                while let candidate = item, !candidate.isVisible {
                    item = candidate.left
                    if let moved = item, moved.isVisible { marker.index -= moved.length }
                }
                guard let landed = item, !landed.flags.contains(.marker) else {
                    entries.remove(at: position)
                    position -= 1
                    continue
                }
                marker.item = landed
                landed.flags.insert(.marker)
            }
            if index < marker.index || (delta > 0 && index == marker.index) {
                marker.index = max(index, marker.index + delta)
            }
            position -= 1
        }
    }
}
