/// A range of deleted clocks of one client.
public struct DeleteRange: Hashable, Sendable {
    public var clock: Int
    public var length: Int

    public init(clock: Int, length: Int) {
        self.clock = clock
        self.length = length
    }

    public var end: Int { clock + length }
}

/// What a transaction or a document deleted: per client, ranges of clocks.
///
/// After ``sortAndMerge()`` the ranges of each client are sorted and do not touch or overlap.
public struct DeleteSet: Hashable, Sendable {
    public var clients: [ClientID: [DeleteRange]] = [:]

    public init() {}

    public var isEmpty: Bool { clients.values.allSatisfy(\.isEmpty) }

    public mutating func add(client: ClientID, clock: Int, length: Int) {
        guard length > 0 else { return }
        clients[client, default: []].append(DeleteRange(clock: clock, length: length))
    }

    /// Sorts each client's ranges by clock and merges those that touch or overlap.
    public mutating func sortAndMerge() {
        for (client, ranges) in clients {
            clients[client] = Self.sortedAndMerged(ranges)
        }
    }

    static func sortedAndMerged(_ ranges: [DeleteRange]) -> [DeleteRange] {
        guard ranges.count > 1 else { return ranges }
        let sorted = ranges.sorted { $0.clock < $1.clock }
        var merged: [DeleteRange] = [sorted[0]]
        merged.reserveCapacity(sorted.count)
        for range in sorted.dropFirst() {
            let last = merged[merged.count - 1]
            if range.clock <= last.end {
                merged[merged.count - 1].length = max(last.end, range.end) - last.clock
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Whether `id` lies in a deleted range. Requires sorted ranges.
    public func contains(_ id: ID) -> Bool {
        guard let ranges = clients[id.client] else { return false }
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if id.clock < range.clock {
                high = middle - 1
            } else if id.clock >= range.end {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Adds every range of `other`; call ``sortAndMerge()`` after.
    public mutating func formUnion(_ other: DeleteSet) {
        for (client, ranges) in other.clients { clients[client, default: []].append(contentsOf: ranges) }
    }

    /// Writes the v1 encoding, clients descending and ranges sorted, as Yjs writes it.
    func write(to encoder: inout Lib0Encoder) {
        let nonEmpty = clients.filter { !$0.value.isEmpty }
        encoder.writeVarUInt(nonEmpty.count)
        for client in nonEmpty.keys.sorted(by: >) {
            let ranges = nonEmpty[client]!
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(ranges.count)
            for range in ranges {
                encoder.writeVarUInt(range.clock)
                encoder.writeVarUInt(range.length)
            }
        }
    }

    /// Reads a v1 delete set (any client order).
    static func read(from decoder: inout Lib0Decoder) throws(DecodingError) -> DeleteSet {
        var set = DeleteSet()
        let clientCount = try decoder.readCount(minimumBytesEach: 2)
        for _ in 0..<clientCount {
            let client = try decoder.readVarUInt()
            let rangeCount = try decoder.readCount(minimumBytesEach: 2)
            var ranges: [DeleteRange] = []
            ranges.reserveCapacity(rangeCount)
            for _ in 0..<rangeCount {
                let clock = try decoder.readVarInt()
                let length = try decoder.readVarInt()
                if length > 0 { ranges.append(DeleteRange(clock: clock, length: length)) }
            }
            set.clients[client, default: []].append(contentsOf: ranges)
        }
        return set
    }
}
