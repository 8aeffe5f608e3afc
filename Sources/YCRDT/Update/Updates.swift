/// Operations on encoded updates that need no document: merge, diff, state vector.
public enum Updates {
    /// Merges updates v1 into one update v1 that has the effect of applying them all.
    ///
    /// Gaps between structs of one client become Skip structs, as Yjs's `mergeUpdates` writes them;
    /// delete sets are united.
    public static func merge(_ updates: [[UInt8]]) throws(DecodingError) -> [UInt8] {
        if updates.count == 1 { return updates[0] }
        var structs: [ClientID: [Item]] = [:]
        var deletes = DeleteSet()
        for update in updates {
            let decoded = try DecodedUpdate(v1: update)
            structs = mergeStructLists(structs, decoded.structs)
            deletes.formUnion(decoded.deleteSet)
        }
        deletes.sortAndMerge()
        return DecodedUpdate(structs: structs, deleteSet: deletes).encodedV1()
    }

    /// The part of an update v1 that a peer with state `vector` lacks (the delete set is kept whole).
    public static func diff(_ update: [UInt8], since vector: StateVector) throws(DecodingError) -> [UInt8] {
        diff(try DecodedUpdate(v1: update), since: vector).encodedV1()
    }

    static func diff(_ update: DecodedUpdate, since vector: StateVector) -> DecodedUpdate {
        var structs: [ClientID: [Item]] = [:]
        for (client, list) in update.structs {
            let known = vector[client]
            var kept: [Item] = []
            for item in list where item.id.clock + item.length > known {
                kept.append(item.id.clock < known ? item.sliced(from: known - item.id.clock) : item)
            }
            if !kept.isEmpty { structs[client] = kept }
        }
        return DecodedUpdate(structs: structs, deleteSet: update.deleteSet)
    }

    /// The state vector a document would have after applying only this update v1 to an empty one.
    public static func stateVector(of update: [UInt8]) throws(DecodingError) -> StateVector {
        let decoded = try DecodedUpdate(v1: update)
        var vector = StateVector()
        for (client, list) in decoded.structs {
            var clock = 0
            for item in list {
                guard item.kind != .skip, item.id.clock <= clock else { break }
                clock = max(clock, item.id.clock + item.length)
            }
            if clock > 0 { vector[client] = clock }
        }
        return vector
    }

    /// Combines two per-client struct lists: sorted by clock, overlaps trimmed, gaps filled with Skip.
    static func mergeStructLists(_ first: [ClientID: [Item]], _ second: [ClientID: [Item]]) -> [ClientID: [Item]] {
        var result = first
        for (client, list) in second {
            guard let existing = result[client] else {
                result[client] = list
                continue
            }
            result[client] = mergeClient(existing + list)
        }
        return result
    }

    private static func mergeClient(_ structs: [Item]) -> [Item] {
        let sorted = structs.filter { $0.kind != .skip }.sorted { $0.id.clock < $1.id.clock }
        guard let firstItem = sorted.first else { return [] }
        var merged: [Item] = []
        var end = firstItem.id.clock
        for item in sorted {
            let itemEnd = item.id.clock + item.length
            if itemEnd <= end { continue }
            if item.id.clock > end {
                merged.append(Item(filler: .skip, id: ID(client: item.id.client, clock: end), length: item.id.clock - end))
                merged.append(item)
            } else if item.id.clock < end {
                merged.append(item.sliced(from: end - item.id.clock))
            } else {
                merged.append(item)
            }
            end = itemEnd
        }
        // Adjacent GC ranges merge, as in Yjs.
        var compact: [Item] = []
        for item in merged {
            if let last = compact.last, last.kind == .gc, item.kind == .gc {
                compact[compact.count - 1] = Item(filler: .gc, id: last.id, length: last.length + item.length)
            } else {
                compact.append(item)
            }
        }
        return compact
    }
}
