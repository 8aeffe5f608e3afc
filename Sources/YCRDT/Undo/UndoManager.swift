/// Undo and redo of this replica's own changes to some shared types, never of anyone else's.
///
/// Tracks transactions whose origin is in ``trackedOrigins`` (by default only `nil`, the origin of
/// plain local edits) that change a type in its scope. Changes less than ``captureTimeout`` apart are
/// one undo step. Undo deletes what a step inserted and re-creates what it deleted (as new items, so
/// it syncs like any edit); redo reverses that. Time comes from the injected `now` closure, in
/// milliseconds, so tests decide how much passed. Items a step may restore are kept from garbage
/// collection. Not thread-safe: use it where its document is used.
public final class UndoManager {
    /// One undo or redo step: what it inserted and what it deleted, by id.
    struct StackItem {
        var insertions: DeleteSet
        var deletions: DeleteSet
        /// Data the editor attaches (for example the cursor to restore).
        var meta: [String: YAny] = [:]
    }

    public let doc: Doc
    let scope: [Branch]
    /// Origins whose transactions are recorded. `nil` stands for plain local edits.
    public var trackedOrigins: Set<AnyHashable?>
    /// Changes closer together than this many milliseconds merge into one step.
    public var captureTimeout: Double
    private let now: () -> Double
    var undoStack: [StackItem] = []
    var redoStack: [StackItem] = []
    private var undoing = false
    private var redoing = false
    private var lastChange: Double = -.infinity
    private var subscription: Subscription?
    private var currentStackItem: StackItem?
    private var previousFilter: ((Item) -> Bool)?

    /// The origin undo and redo transactions carry, so other observers can tell them apart.
    public var origin: AnyHashable { ObjectIdentifier(self) }

    /// Tracks changes to the given types of `doc`.
    ///
    /// - Parameters:
    ///   - trackedOrigins: transaction origins to record; `nil` (the default) records local edits
    ///     made without an origin.
    ///   - captureTimeout: milliseconds within which changes form one step (Yjs uses 500).
    ///   - now: the current time in milliseconds.
    public init(
        doc: Doc, scope: [YValue], trackedOrigins: Set<AnyHashable?> = [nil], captureTimeout: Double = 500,
        now: @escaping () -> Double
    ) {
        self.doc = doc
        self.scope = scope.compactMap { value in
            switch value {
            case .map(let map): map.branch
            case .array(let array): array.branch
            case .text(let text): text.branch
            default: nil
            }
        }
        self.trackedOrigins = trackedOrigins
        self.captureTimeout = captureTimeout
        self.now = now
        previousFilter = doc.gcFilter
        subscription = doc.observeAfterTransaction { [weak self] transaction in
            self?.record(transaction)
        }
    }

    deinit {
        subscription?.cancel()
    }

    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }

    /// Ends the current step: the next change starts a new one even within the capture timeout.
    public func stopCapturing() {
        lastChange = -.infinity
    }

    /// Forgets every step.
    public func clear() {
        for item in undoStack + redoStack { release(item) }
        undoStack.removeAll()
        redoStack.removeAll()
    }

    /// Attaches editor data to the newest undo step (for example where the cursor was).
    public func setMetaOnLastStep(_ key: String, _ value: YAny) {
        guard !undoStack.isEmpty else { return }
        undoStack[undoStack.count - 1].meta[key] = value
    }

    /// The meta of the step the last undo or redo applied.
    public private(set) var lastAppliedMeta: [String: YAny] = [:]

    /// Undoes the newest step. Returns false when there was nothing (left) to undo.
    @discardableResult
    public func undo() -> Bool {
        undoing = true
        defer { undoing = false }
        return pop(from: &undoStack)
    }

    /// Redoes the newest undone step. Returns false when there was nothing to redo.
    @discardableResult
    public func redo() -> Bool {
        redoing = true
        defer { redoing = false }
        return pop(from: &redoStack)
    }

    // MARK: Recording

    private func inScope(_ item: Item) -> Bool {
        var branch = item.parent
        while let current = branch {
            if scope.contains(where: { $0 === current }) { return true }
            branch = current.item?.parent
        }
        return false
    }

    private func changesScope(_ transaction: Transaction) -> Bool {
        for (branch, _) in transaction.changed.values {
            var current: Branch? = branch
            while let type = current {
                if scope.contains(where: { $0 === type }) { return true }
                current = type.item?.parent
            }
        }
        // Deletions of whole nested types remove them from `changed`; look at the deletes too.
        for (client, ranges) in transaction.deleteSet.clients {
            for range in ranges {
                if let item = doc.store.find(ID(client: client, clock: range.clock)), item.kind == .item,
                    inScope(item)
                {
                    return true
                }
            }
        }
        return false
    }

    private func record(_ transaction: Transaction) {
        let isOwn = transaction.origin == origin
        guard isOwn ? (undoing || redoing) : trackedOrigins.contains(transaction.origin) else { return }
        // Updates from peers are theirs, even when applied without an origin.
        guard transaction.isLocal || transaction.origin != nil else { return }
        guard changesScope(transaction) else { return }
        var insertions = DeleteSet()
        for (client, before) in transaction.beforeClocks {
            let after = doc.store.state(of: client)
            if after > before { insertions.add(client: client, clock: before, length: after - before) }
        }
        let time = now()
        if undoing {
            lastChange = -.infinity
            redoStack.append(StackItem(insertions: insertions, deletions: transaction.deleteSet))
        } else if redoing {
            lastChange = -.infinity
            undoStack.append(StackItem(insertions: insertions, deletions: transaction.deleteSet))
        } else {
            for item in redoStack { release(item) }
            redoStack.removeAll()
            if !undoStack.isEmpty, time - lastChange < captureTimeout {
                var last = undoStack.removeLast()
                last.insertions.formUnion(insertions)
                last.insertions.sortAndMerge()
                last.deletions.formUnion(transaction.deleteSet)
                last.deletions.sortAndMerge()
                undoStack.append(last)
            } else {
                undoStack.append(StackItem(insertions: insertions, deletions: transaction.deleteSet))
            }
            lastChange = time
        }
        // Keep what this step deleted, so undo can bring it back.
        forEachStruct(in: transaction.deleteSet, transaction) { item in
            if item.kind == .item, inScope(item) { keep(item, true) }
        }
    }

    private func keep(_ item: Item, _ flag: Bool) {
        var current: Item? = item
        while let target = current, target.isKept != flag {
            if flag { target.flags.insert(.keep) } else { target.flags.remove(.keep) }
            current = target.parent?.item
        }
    }

    /// Lets garbage collection take what a forgotten step kept (items still kept by other steps
    /// stay, because the keep flag is only cleared for items no step refers to).
    private func release(_ stackItem: StackItem) {
        let remaining = undoStack + redoStack
        for (client, ranges) in stackItem.deletions.clients {
            for range in ranges {
                guard let structs = doc.store.clients[client],
                    var index = StructStore.findIndex(structs, clock: range.clock)
                else { continue }
                while index < structs.count, structs[index].id.clock < range.end {
                    let item = structs[index]
                    let stillNeeded = remaining.contains { $0.deletions.contains(item.id) }
                    if item.kind == .item, !stillNeeded { item.flags.remove(.keep) }
                    index += 1
                }
            }
        }
    }

    /// Calls `body` for every struct in the ranges, splitting at their ends.
    private func forEachStruct(in deleteSet: DeleteSet, _ transaction: Transaction, _ body: (Item) -> Void) {
        let store = doc.store
        for (client, ranges) in deleteSet.clients {
            for range in ranges {
                guard range.length > 0, let first = store.itemCleanStart(transaction, ID(client: client, clock: range.clock))
                else { continue }
                var index = StructStore.findIndex(store.clients[client]!, clock: first.id.clock)!
                while index < store.clients[client]!.count {
                    let item = store.clients[client]![index]
                    guard item.id.clock < range.end else { break }
                    if range.end < item.id.clock + item.length {
                        _ = store.itemCleanStart(transaction, ID(client: client, clock: range.end))
                    }
                    body(item)
                    index += 1
                }
            }
        }
    }

    // MARK: Applying a step

    private func pop(from stack: inout [StackItem]) -> Bool {
        var applied = false
        doc.transact(origin: origin) { transaction in
            while !stack.isEmpty, !applied {
                let stackItem = stack.removeLast()
                var toDelete: [Item] = []
                var toRedo: [Item] = []
                var toRedoSet = Set<ObjectIdentifier>()
                forEachStruct(in: stackItem.insertions, transaction) { candidate in
                    var item = candidate
                    if item.kind == .item, item.redone != nil, let (redone, offset) = doc.followRedone(item.id) {
                        item = offset > 0
                            ? (doc.store.itemCleanStart(transaction, ID(client: redone.id.client, clock: redone.id.clock + offset)) ?? redone)
                            : redone
                    }
                    if item.kind == .item, !item.isDeleted, inScope(item) { toDelete.append(item) }
                }
                forEachStruct(in: stackItem.deletions, transaction) { item in
                    if item.kind == .item, inScope(item), !stackItem.insertions.contains(item.id),
                        !toRedoSet.contains(ObjectIdentifier(item))
                    {
                        toRedo.append(item)
                        toRedoSet.insert(ObjectIdentifier(item))
                    }
                }
                var changed = false
                for item in toRedo where redo(item, transaction, toRedoSet, insertions: stackItem.insertions) != nil {
                    changed = true
                }
                for item in toDelete.reversed() where !item.isDeleted {
                    item.delete(transaction)
                    changed = true
                }
                if changed {
                    applied = true
                    lastAppliedMeta = stackItem.meta
                }
                for (branch, keys) in transaction.changed.values where keys.contains(nil) {
                    branch.searchMarkers?.removeAll()
                }
            }
        }
        return applied
    }

    /// Re-creates a deleted item as a new item where it was (following earlier redos).
    @discardableResult
    private func redo(_ item: Item, _ transaction: Transaction, _ redoItems: Set<ObjectIdentifier>, insertions: DeleteSet)
        -> Item?
    {
        let store = doc.store
        if let redone = item.redone { return store.itemCleanStart(transaction, redone) }
        guard let itemParent = item.parent else { return nil }
        var parentItem = itemParent.item
        if let holder = parentItem, holder.isDeleted {
            if holder.redone == nil {
                guard redoItems.contains(ObjectIdentifier(holder)),
                    redo(holder, transaction, redoItems, insertions: insertions) != nil
                else { return nil }
            }
            while let next = parentItem?.redone { parentItem = store.itemCleanStart(transaction, next) }
        }
        guard let parentType = parentItem?.branch ?? (parentItem == nil ? itemParent : nil) else { return nil }
        var left: Item?
        var right: Item?
        if item.parentSub == nil {
            left = item.left
            right = item
            while let candidate = left {
                var trace: Item? = candidate
                while let traced = trace, traced.parent?.item !== parentItem {
                    trace = traced.redone.flatMap { store.itemCleanStart(transaction, $0) }
                }
                if let traced = trace, traced.parent?.item === parentItem {
                    left = traced
                    break
                }
                left = candidate.left
            }
            while let candidate = right {
                var trace: Item? = candidate
                while let traced = trace, traced.parent?.item !== parentItem {
                    trace = traced.redone.flatMap { store.itemCleanStart(transaction, $0) }
                }
                if let traced = trace, traced.parent?.item === parentItem {
                    right = traced
                    break
                }
                right = candidate.right
            }
        } else {
            right = nil
            if item.right != nil {
                left = item
                while let current = left, let next = current.right,
                    next.redone != nil || insertions.contains(next.id)
                {
                    left = next
                    while let redone = left?.redone { left = store.itemCleanStart(transaction, redone) }
                }
                if left?.right != nil { return nil }  // someone else set this key since: keep theirs
            } else {
                left = parentType.map[item.parentSub!]
            }
        }
        let content: ItemContent
        if case .type(let branch) = item.content {
            content = .type(Branch(kind: branch.kind))
        } else {
            content = item.content
        }
        let copy = Item(
            id: ID(client: doc.clientID, clock: store.state(of: doc.clientID)), left: left, origin: left?.lastID,
            right: right, rightOrigin: right?.id, parent: parentType, parentSub: item.parentSub, content: content)
        item.redone = copy.id
        keep(copy, true)
        copy.integrate(transaction, offset: 0)
        return copy
    }
}
