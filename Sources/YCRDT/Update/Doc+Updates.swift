extension Doc {
    /// The state vector: for each client, the next clock this document expects.
    public var stateVector: StateVector { store.stateVector }

    /// The encoded state vector (sync step 1 sends it).
    public func encodeStateVector() -> [UInt8] { store.stateVector.encoded() }

    /// Everything this document holds that a peer with state `remote` lacks, as an update v1.
    ///
    /// With no state vector this is the whole document. Structs still waiting for missing
    /// dependencies and deletes of unseen clocks are included, so nothing received is lost in transit.
    public func encodeStateAsUpdate(since remote: StateVector = StateVector()) -> [UInt8] {
        var encoder = Lib0Encoder(reservingCapacity: 1024)
        writeStructs(to: &encoder, since: remote.clocks)
        let deletes = DeleteSet.fromStore(store)
        deletes.write(to: &encoder)
        let main = encoder.bytes
        guard store.pendingStructs != nil || store.pendingDeletes != nil else { return main }
        var updates = [main]
        if let pendingDeletes = store.pendingDeletes {
            updates.append(DecodedUpdate(structs: [:], deleteSet: pendingDeletes).encodedV1())
        }
        if let pending = store.pendingStructs {
            let update = DecodedUpdate(structs: pending.structs, deleteSet: DeleteSet())
            updates.append(Updates.diff(update, since: remote).encodedV1())
        }
        return (try? Updates.merge(updates)) ?? main
    }

    /// The encoded form of ``encodeStateAsUpdate(since:)`` taking an encoded state vector.
    public func encodeStateAsUpdate(sinceEncoded vector: [UInt8]) throws -> [UInt8] {
        encodeStateAsUpdate(since: try StateVector(decoding: vector))
    }

    /// Writes the structs of every client beyond `since`, clients descending, first struct sliced.
    func writeStructs(to encoder: inout Lib0Encoder, since: [ClientID: Int]) {
        var starts: [(ClientID, Int)] = []
        for (client, structs) in store.clients {
            guard let last = structs.last else { continue }
            let from = since[client] ?? 0
            if last.id.clock + last.length > from { starts.append((client, from)) }
        }
        writeStructs(to: &encoder, starts: starts)
    }

    /// Writes the structs of the given clients from the given clocks, clients descending.
    func writeStructs(to encoder: inout Lib0Encoder, starts: [(ClientID, Int)]) {
        var starts = starts.filter { store.state(of: $0.0) > $0.1 }
        starts.sort { $0.0 > $1.0 }
        encoder.writeVarUInt(starts.count)
        for (client, from) in starts {
            let structs = store.clients[client]!
            let clock = max(from, structs[0].id.clock)
            let first = StructStore.findIndex(structs, clock: clock) ?? 0
            encoder.writeVarUInt(structs.count - first)
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(clock)
            structs[first].write(to: &encoder, offset: clock - structs[first].id.clock)
            for index in (first + 1)..<structs.count { structs[index].write(to: &encoder, offset: 0) }
        }
    }

    /// The update a transaction emits: its new structs and its deletes, or nil if it changed nothing.
    func encodeUpdate(of transaction: Transaction) -> [UInt8]? {
        guard transaction.changedDocument else { return nil }
        var encoder = Lib0Encoder()
        writeStructs(to: &encoder, starts: transaction.beforeClocks.map { ($0.key, $0.value) })
        transaction.deleteSet.write(to: &encoder)
        return encoder.bytes
    }

    // MARK: Applying

    /// Applies an update v1 from a peer. Structs whose dependencies are missing wait and are applied
    /// as soon as the gap fills.
    ///
    /// - Throws: ``DecodingError`` for bytes that are not a valid update; the document is unchanged.
    public func applyUpdate(_ update: [UInt8], origin: AnyHashable? = nil) throws(DecodingError) {
        let decoded = try DecodedUpdate(v1: update)
        apply(decoded, origin: origin)
    }

    /// Applies an update v2 from a peer.
    public func applyUpdateV2(_ update: [UInt8], origin: AnyHashable? = nil) throws(DecodingError) {
        let decoded = try UpdateV2Decoder.decode(update)
        apply(decoded, origin: origin)
    }

    func apply(_ update: DecodedUpdate, origin: AnyHashable?) {
        transact(origin: origin, isLocal: false) { transaction in
            integrate(update.structs, transaction)
            applyDeleteSet(update.deleteSet, transaction)
        }
    }

    private func integrate(_ structs: [ClientID: [Item]], _ transaction: Transaction) {
        var retry = false
        let rest = integrateInOrder(structs, transaction)
        if var pending = store.pendingStructs {
            for (client, clock) in pending.missing where clock < store.state(of: client) {
                retry = true
                break
            }
            if let rest {
                for (client, clock) in rest.missing where pending.missing[client].map({ clock < $0 }) ?? true {
                    pending.missing[client] = clock
                }
                pending.structs = Updates.mergeStructLists(pending.structs, rest.structs)
            }
            store.pendingStructs = pending
        } else {
            store.pendingStructs = rest
        }
        if retry, let pending = store.pendingStructs {
            store.pendingStructs = nil
            integrate(pending.structs, transaction)
        }
    }

    /// The common case first: one client's structs that follow on from what we have and depend only
    /// on what we have (a peer's live edit). Anything else goes through ``integrateStructs(_:_:)``.
    private func integrateInOrder(_ input: [ClientID: [Item]], _ transaction: Transaction) -> PendingStructs? {
        guard input.count == 1, let (client, items) = input.first else {
            return integrateStructs(input, transaction)
        }
        var clock = store.state(of: client)
        for (position, item) in items.enumerated() {
            let offset = clock - item.id.clock
            guard item.kind != .skip, offset >= 0, item.missingDependency(transaction, store) == nil else {
                return integrateStructs([client: Array(items[position...])], transaction)
            }
            if offset < item.length {
                item.integrate(transaction, offset: offset)
                clock = item.id.clock + item.length
            }
        }
        return nil
    }

    /// Integrates decoded structs in dependency order; returns what could not be applied yet.
    private func integrateStructs(_ input: [ClientID: [Item]], _ transaction: Transaction) -> PendingStructs? {
        var lists = input.mapValues { (items: $0, next: 0) }
        var order = lists.keys.sorted()
        guard !order.isEmpty else { return nil }
        var restStructs: [ClientID: [Item]] = [:]
        var missing: [ClientID: Int] = [:]
        var stack: [Item] = []
        var localState: [ClientID: Int] = [:]

        func updateMissing(_ client: ClientID, _ clock: Int) {
            if let existing = missing[client], existing <= clock { return }
            missing[client] = clock
        }
        func nextTarget() -> ClientID? {
            while let client = order.last {
                if let list = lists[client], list.next < list.items.count { return client }
                order.removeLast()
            }
            return nil
        }
        func takeNext(_ client: ClientID) -> Item? {
            guard let list = lists[client], list.next < list.items.count else { return nil }
            lists[client]!.next += 1
            return list.items[list.next]
        }
        func moveStackToRest() {
            for item in stack {
                let client = item.id.client
                if let list = lists.removeValue(forKey: client) {
                    // The item on the stack was taken but not applied: keep it and all after it.
                    restStructs[client] = Array(list.items[(list.next - 1)...])
                } else {
                    restStructs[client] = [item]
                }
                order.removeAll { $0 == client }
            }
            stack.removeAll()
        }

        guard var target = nextTarget(), var head = takeNext(target) else { return nil }
        while true {
            if head.kind != .skip {
                let client = head.id.client
                let clock: Int
                if let known = localState[client] {
                    clock = known
                } else {
                    clock = store.state(of: client)
                    localState[client] = clock
                }
                let offset = clock - head.id.clock
                if offset < 0 {
                    stack.append(head)
                    updateMissing(client, head.id.clock - 1)
                    moveStackToRest()
                } else if let dependency = head.missingDependency(transaction, store) {
                    stack.append(head)
                    if let next = takeNext(dependency) {
                        head = next
                        continue
                    }
                    updateMissing(dependency, store.state(of: dependency))
                    moveStackToRest()
                } else if offset == 0 || offset < head.length {
                    head.integrate(transaction, offset: offset)
                    localState[client] = head.id.clock + head.length
                }
            }
            if let popped = stack.popLast() {
                head = popped
            } else if let next = takeNext(target) {
                head = next
            } else if let newTarget = nextTarget(), let next = takeNext(newTarget) {
                target = newTarget
                head = next
            } else {
                break
            }
        }
        guard !restStructs.isEmpty else { return nil }
        return PendingStructs(missing: missing, structs: restStructs)
    }

    private func applyDeleteSet(_ deleteSet: DeleteSet, _ transaction: Transaction) {
        var unapplied = applyDeletes(deleteSet, transaction)
        if let pending = store.pendingDeletes {
            store.pendingDeletes = nil
            let stillPending = applyDeletes(pending, transaction)
            unapplied.formUnion(stillPending)
            unapplied.sortAndMerge()
        }
        store.pendingDeletes = unapplied.isEmpty ? nil : unapplied
    }

    /// Deletes what it can; returns the ranges beyond what this document has seen.
    private func applyDeletes(_ deleteSet: DeleteSet, _ transaction: Transaction) -> DeleteSet {
        var unapplied = DeleteSet()
        for (client, ranges) in deleteSet.clients {
            let state = store.state(of: client)
            for range in ranges {
                guard range.clock < state else {
                    unapplied.add(client: client, clock: range.clock, length: range.length)
                    continue
                }
                if state < range.end {
                    unapplied.add(client: client, clock: state, length: range.end - state)
                }
                guard var index = store.clients[client].flatMap({ StructStore.findIndex($0, clock: range.clock) })
                else { continue }
                var item = store.clients[client]![index]
                if !item.isDeleted, item.id.clock < range.clock {
                    let right = store.split(transaction, item, at: range.clock - item.id.clock)
                    store.clients[client]!.insert(right, at: index + 1)
                    index += 1
                }
                while index < store.clients[client]!.count {
                    item = store.clients[client]![index]
                    index += 1
                    guard item.id.clock < range.end else { break }
                    if !item.isDeleted {
                        if range.end < item.id.clock + item.length {
                            let right = store.split(transaction, item, at: range.end - item.id.clock)
                            store.clients[client]!.insert(right, at: index)
                        }
                        item.delete(transaction)
                    }
                }
            }
        }
        unapplied.sortAndMerge()
        return unapplied
    }
}

extension DeleteSet {
    /// Every deleted range in the store (GC ranges included), sorted and merged.
    static func fromStore(_ store: StructStore) -> DeleteSet {
        var set = DeleteSet()
        for (client, structs) in store.clients {
            var ranges: [DeleteRange] = []
            var index = 0
            while index < structs.count {
                let item = structs[index]
                if item.isDeleted {
                    let clock = item.id.clock
                    var length = item.length
                    while index + 1 < structs.count, structs[index + 1].isDeleted {
                        index += 1
                        length += structs[index].length
                    }
                    ranges.append(DeleteRange(clock: clock, length: length))
                }
                index += 1
            }
            if !ranges.isEmpty { set.clients[client] = ranges }
        }
        return set
    }
}
