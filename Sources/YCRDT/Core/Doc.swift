/// A Yjs-compatible document: named root types, a struct store, and the transactions that change it.
///
/// A `Doc` is not thread-safe and not `Sendable`: keep each one inside one isolation domain (an
/// actor, an event loop, the curses thread). Changes are made in transactions; each transaction
/// emits one v1 update to ``observeUpdates(_:)`` observers, which is exactly what Yjs emits for the
/// same change.
public final class Doc {
    /// This replica's client id. Regenerated if a remote update claims our id.
    public internal(set) var clientID: ClientID
    /// Whether deleted content is garbage collected at the end of each transaction.
    public var gc: Bool
    /// Items the garbage collector keeps anyway (the undo manager keeps what it may restore).
    var gcFilter: ((Item) -> Bool)?
    let store = StructStore()
    var roots: [String: Branch] = [:]
    var rootOrder: [String] = []
    var currentTransaction: Transaction?
    private var pendingCleanups: [Transaction] = []
    private var updateObservers = ObserverList<(update: [UInt8], transaction: Transaction)>()
    private var afterTransactionObservers = ObserverList<Transaction>()

    /// A document with the given client id, or a random 32-bit one as Yjs makes.
    public init(clientID: ClientID? = nil, gc: Bool = true) {
        self.clientID = clientID ?? Doc.randomClientID()
        self.gc = gc
    }

    static func randomClientID() -> ClientID {
        ClientID(UInt32.random(in: 1...UInt32.max))
    }

    deinit {
        // Break the ownership cycle between roots and the items that point back at them.
        for structs in store.clients.values {
            for item in structs { item.content = .deleted(0) }
        }
    }

    // MARK: Root types

    func root(_ name: String, kind: BranchKind) -> Branch {
        if let existing = roots[name] {
            if existing.kind == .unknown, kind != .unknown {
                existing.kind = kind
                if kind == .map { existing.searchMarkers = nil }
            }
            return existing
        }
        let branch = Branch(kind: kind)
        branch.rootName = name
        branch.doc = self
        roots[name] = branch
        rootOrder.append(name)
        return branch
    }

    /// The root map called `name`, made if it does not exist yet.
    public func map(_ name: String) -> YMap { YMap(branch: root(name, kind: .map)) }
    /// The root array called `name`, made if it does not exist yet.
    public func array(_ name: String) -> YArray { YArray(branch: root(name, kind: .array)) }
    /// The root text called `name`, made if it does not exist yet.
    public func text(_ name: String) -> YText { YText(branch: root(name, kind: .text)) }

    /// The names of the root types this document has seen, in the order it first saw them.
    public var rootNames: [String] { rootOrder }

    /// The root type called `name` as whatever kind it was made or guessed as, if it exists.
    public func existingRoot(_ name: String) -> YValue? {
        guard let branch = roots[name] else { return nil }
        return YValue.wrap(branch)
    }

    // MARK: Transactions

    /// Runs `body` in a transaction. Nested calls join the outer transaction; observers and the
    /// update are emitted when the outermost one ends.
    @discardableResult
    public func transact<Result>(
        origin: AnyHashable? = nil, _ body: (Transaction) throws -> Result
    ) rethrows -> Result {
        try transact(origin: origin, isLocal: true, body)
    }

    func transact<Result>(
        origin: AnyHashable?, isLocal: Bool, _ body: (Transaction) throws -> Result
    ) rethrows -> Result {
        if let current = currentTransaction { return try body(current) }
        let transaction = Transaction(doc: self, origin: origin, isLocal: isLocal)
        currentTransaction = transaction
        pendingCleanups.append(transaction)
        defer {
            let isFirst = pendingCleanups.first === transaction
            currentTransaction = nil
            if isFirst { runCleanups() }
        }
        return try body(transaction)
    }

    private func runCleanups() {
        var index = 0
        while index < pendingCleanups.count {
            cleanup(pendingCleanups[index])
            index += 1
        }
        pendingCleanups.removeAll()
    }

    private func cleanup(_ transaction: Transaction) {
        transaction.deleteSet.sortAndMerge()
        callObservers(transaction)
        // Before garbage collection, as in Yjs: the undo manager marks what it may restore.
        afterTransactionObservers.call(transaction)
        if gc { collectGarbage(transaction) }
        mergeDeletedStructs(transaction.deleteSet)
        mergeNewStructs(transaction)
        if !transaction.isLocal, transaction.beforeClocks[clientID] != nil {
            // Someone else wrote with our id: take a new one so our next edits cannot collide.
            clientID = Doc.randomClientID()
        }
        if !updateObservers.isEmpty, let update = encodeUpdate(of: transaction) {
            updateObservers.call((update, transaction))
        }
    }

    private func callObservers(_ transaction: Transaction) {
        var events: [(Branch, YEvent)] = []
        for (branch, keys) in transaction.changed.values {
            if !transaction.isLocal { branch.searchMarkers?.removeAll() }
            guard !branch.isDeleted, branch.hasObservers else { continue }
            let event = YEvent(target: branch, transaction: transaction, keysChanged: keys)
            events.append((branch, event))
        }
        guard !events.isEmpty else { return }
        for (branch, event) in events {
            branch.observers.call(event)
            // Bubble to every ancestor that has deep observers.
            var current: Branch? = branch
            while let type = current {
                if !type.deepObservers.isEmpty {
                    let id = ObjectIdentifier(type)
                    if transaction.changedParentTypes[id] == nil {
                        transaction.changedParentTypes[id] = (type, [event])
                    } else {
                        transaction.changedParentTypes[id]!.events.append(event)
                    }
                }
                current = type.item?.parent
            }
        }
        for (type, typeEvents) in transaction.changedParentTypes.values where !type.isDeleted {
            let live = typeEvents.filter { !$0.branch.isDeleted }
            let sorted = live.sorted { $0.path(from: type).count < $1.path(from: type).count }
            for event in sorted { event.currentTarget = type }
            type.deepObservers.call(sorted)
        }
    }

    /// Replaces deleted content by tombstones (and children of deleted types by GC ranges).
    private func collectGarbage(_ transaction: Transaction) {
        for (client, ranges) in transaction.deleteSet.clients {
            for range in ranges.reversed() {
                guard let structs = store.clients[client],
                    var index = StructStore.findIndex(structs, clock: range.clock)
                else { continue }
                while let item = store.clients[client]?[safe: index], item.id.clock < range.end {
                    if item.kind == .item, item.isDeleted, !item.isKept, gcFilter?(item) ?? true {
                        collect(item, parentCollected: false, in: transaction)
                    }
                    index += 1
                }
            }
        }
    }

    /// Garbage-collects one deleted item.
    ///
    /// The GC structs that replace a collected type's children are handed to `transaction` to be
    /// merged with their neighbours at its end: they need not lie in its delete set (children deleted
    /// earlier, older entries of a map key), and without this one replica could keep `GC 47+3, GC 50+1`
    /// where another, which saw the same changes in other transactions, has `GC 47+4` — equal content,
    /// different encoded state.
    func collect(_ item: Item, parentCollected: Bool, in transaction: Transaction? = nil) {
        // Depth first with an explicit stack, children before their type as a recursive walk would,
        // not by recursion: a hostile update can nest types a hundred thousand deep.
        var stack: [(item: Item, parentCollected: Bool, childrenDone: Bool)] = [(item, parentCollected, false)]
        while let (current, collected, childrenDone) = stack.popLast() {
            if !childrenDone, case .type(let branch) = current.content {
                stack.append((current, collected, true))
                // Markers point at children without owning them: drop them while the children are
                // alive, before the store replaces (and so frees) every child below.
                branch.searchMarkers?.removeAll()
                var children: [Item] = []
                var child = branch.start
                while let next = child {
                    children.append(next)
                    child = next.right
                }
                branch.start = nil
                for var entry in branch.map.values {
                    while true {
                        let left = entry.left
                        children.append(entry)
                        guard let next = left else { break }
                        entry = next
                    }
                }
                branch.map = [:]
                branch.isCollected = true
                for child in children.reversed() { stack.append((child, true, false)) }
                continue
            }
            if collected {
                guard current.kind == .item else { continue }
                let filler = Item(filler: .gc, id: current.id, length: current.length)
                store.replace(current, with: filler)
                transaction?.mergeStructs.append(filler)
            } else {
                current.content = .deleted(current.length)
                current.flags.remove(.countable)
            }
        }
    }

    private func mergeDeletedStructs(_ deleteSet: DeleteSet) {
        for (client, ranges) in deleteSet.clients {
            for range in ranges.reversed() {
                guard let structs = store.clients[client], !structs.isEmpty,
                    let lastIndex = StructStore.findIndex(structs, clock: range.end - 1)
                else { continue }
                var index = min(structs.count - 1, lastIndex + 1)
                while index > 0, store.clients[client]![index].id.clock >= range.clock {
                    index -= 1 + store.mergeWithLefts(client: client, at: index)
                }
            }
        }
    }

    private func mergeNewStructs(_ transaction: Transaction) {
        for (client, before) in transaction.beforeClocks {
            guard let structs = store.clients[client] else { continue }
            let firstChange = max(StructStore.findIndex(structs, clock: before) ?? 1, 1)
            var index = structs.count - 1
            while index >= firstChange {
                index -= 1 + store.mergeWithLefts(client: client, at: index)
            }
        }
        for item in transaction.mergeStructs.reversed() {
            let client = item.id.client
            guard let structs = store.clients[client],
                let position = StructStore.findIndex(structs, clock: item.id.clock)
            else { continue }
            if position + 1 < structs.count, store.mergeWithLefts(client: client, at: position + 1) > 1 {
                continue
            }
            if position > 0 { store.mergeWithLefts(client: client, at: position) }
        }
    }

    // MARK: Observers

    /// Calls `body` with the v1 update of every transaction that changed something, after its
    /// observers ran. The update is what a Yjs peer needs to apply the same change.
    @discardableResult
    public func observeUpdates(_ body: @escaping (_ update: [UInt8], _ transaction: Transaction) -> Void)
        -> Subscription
    {
        let id = updateObservers.add { body($0.update, $0.transaction) }
        return Subscription { [weak self] in self?.updateObservers.remove(id) }
    }

    /// Calls `body` after every transaction, changed or not.
    @discardableResult
    public func observeAfterTransaction(_ body: @escaping (Transaction) -> Void) -> Subscription {
        let id = afterTransactionObservers.add(body)
        return Subscription { [weak self] in self?.afterTransactionObservers.remove(id) }
    }
}
