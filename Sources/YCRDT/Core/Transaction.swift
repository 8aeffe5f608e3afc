/// A group of changes to one document, applied together and announced together.
///
/// Created by ``Doc/transact(origin:_:)`` (local) or by applying an update (remote). Observers get the
/// transaction to learn its origin and whether it was local. Valid only during the call that made it.
public final class Transaction {
    unowned let doc: Doc
    /// What the caller said started this transaction (a connection, an undo manager, a user action).
    public let origin: AnyHashable?
    /// True for changes made through this document's API, false for applied updates.
    public internal(set) var isLocal: Bool
    /// For each client whose structs this transaction added to, its clock before the transaction.
    /// Clients not listed are unchanged: their state now is their state before.
    private(set) var beforeClocks: [ClientID: Int] = [:]
    /// What this transaction deleted.
    var deleteSet = DeleteSet()
    /// Types changed, with the keys changed (nil key = sequence change).
    var changed: [ObjectIdentifier: (branch: Branch, keys: Set<String?>)] = [:]
    /// Events per type for deep observers, filled while observers are called.
    var changedParentTypes: [ObjectIdentifier: (branch: Branch, events: [YEvent])] = [:]
    /// Items split during the transaction, to try to merge again at its end.
    var mergeStructs: [Item] = []
    /// Metadata observers may attach (the undo manager uses it).
    var meta: [String: Any] = [:]

    init(doc: Doc, origin: AnyHashable?, isLocal: Bool) {
        self.doc = doc
        self.origin = origin
        self.isLocal = isLocal
    }

    /// The clock `client` was at when the transaction started.
    func beforeState(_ client: ClientID) -> Int {
        beforeClocks[client] ?? doc.store.state(of: client)
    }

    /// Records a client's state before the first struct this transaction adds for it.
    func willAdd(to client: ClientID, store: StructStore) {
        if beforeClocks[client] == nil { beforeClocks[client] = store.state(of: client) }
    }

    /// Whether the transaction added structs or deleted anything.
    var changedDocument: Bool { !beforeClocks.isEmpty || !deleteSet.isEmpty }

    /// Whether `item` was created by this transaction.
    func adds(_ item: Item) -> Bool {
        item.id.clock >= beforeState(item.id.client)
    }

    /// Whether `item` was deleted by this transaction.
    func deletes(_ item: Item) -> Bool {
        deleteSet.contains(item.id)
    }

    func addChanged(_ branch: Branch, key: String?) {
        if let holder = branch.item {
            guard holder.id.clock < beforeState(holder.id.client), !holder.isDeleted else { return }
        }
        let id = ObjectIdentifier(branch)
        if changed[id] == nil {
            changed[id] = (branch, [key])
        } else {
            changed[id]!.keys.insert(key)
        }
    }
}
