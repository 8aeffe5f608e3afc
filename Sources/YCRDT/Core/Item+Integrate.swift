extension Item {
    /// Resolves origins and parent of a decoded item. Returns the client whose structs are still
    /// missing, or nil when everything this item depends on is present.
    func missingDependency(_ transaction: Transaction, _ store: StructStore) -> ClientID? {
        guard kind == .item else { return nil }
        if let origin, origin.client != id.client, origin.clock >= store.state(of: origin.client) {
            return origin.client
        }
        if let rightOrigin, rightOrigin.client != id.client,
            rightOrigin.clock >= store.state(of: rightOrigin.client)
        {
            return rightOrigin.client
        }
        if case .item(let parentID) = parentReference, parentID.client != id.client,
            parentID.clock >= store.state(of: parentID.client)
        {
            return parentID.client
        }
        // Right origin first, then left: the left split comes last, so the left neighbour always ends
        // at the origin and the right one starts at the right origin, whatever structs this replica
        // happens to hold. Yjs splits left first; for real updates the two splits never touch each
        // other and the order changes nothing, but a hostile right origin at or before the origin in
        // the same struct would otherwise shorten the left neighbour on one replica and not on
        // another, so replicas (and this document's own encoding) would disagree on where it goes.
        if let rightOrigin {
            right = store.itemCleanStart(transaction, rightOrigin)
            self.rightOrigin = right?.id
        }
        if let origin {
            left = store.itemCleanEnd(transaction, origin)
            self.origin = left?.lastID
        }
        if left?.kind == .gc || right?.kind == .gc {
            parent = nil
        } else if let reference = parentReference {
            switch reference {
            case .root(let name):
                parent = transaction.doc.root(name, kind: .unknown)
            case .item(let parentID):
                if let holder = store.find(parentID), holder.kind == .item, let branch = holder.branch {
                    parent = branch
                } else {
                    parent = nil
                }
            }
        } else if let left, left.kind == .item {
            parent = left.parent
            parentSub = left.parentSub
        } else if let right, right.kind == .item {
            parent = right.parent
            parentSub = right.parentSub
        }
        parentReference = nil
        return nil
    }

    /// Puts this item into the document: trims the known prefix, resolves conflicts with concurrent
    /// inserts at the same place (YATA, as Yjs orders them), links it in, and records the change.
    func integrate(_ transaction: Transaction, offset: Int) {
        let store = transaction.doc.store
        if kind != .item {
            if offset > 0 {
                id.clock += offset
                length -= offset
                content = .deleted(length)
            }
            transaction.willAdd(to: id.client, store: store)
            store.add(self)
            return
        }
        if offset > 0 {
            id.clock += offset
            left = store.itemCleanEnd(transaction, ID(client: id.client, clock: id.clock - 1))
            origin = left?.lastID
            content = {
                var whole = content
                return whole.split(at: offset)
            }()
            length -= offset
        }
        guard let parent, !parent.isCollected else {
            // The parent is gone: what arrives for it is garbage.
            let filler = Item(filler: .gc, id: id, length: length)
            transaction.willAdd(to: id.client, store: store)
            store.add(filler)
            return
        }
        let hasConflict: Bool
        if let left {
            hasConflict = left.right !== right
        } else {
            hasConflict = right == nil || right!.left != nil
        }
        if hasConflict { resolveConflict(transaction, parent: parent) }
        // Link in.
        if let left {
            right = left.right
            left.right = self
        } else {
            var first: Item?
            if let key = parentSub {
                first = parent.map[key]
                while let candidate = first, let previous = candidate.left { first = previous }
            } else {
                first = parent.start
                parent.start = self
            }
            right = first
        }
        if let right {
            right.left = self
        } else if let key = parentSub {
            parent.map[key] = self
            left?.delete(transaction)
        }
        if parentSub == nil, isVisible { parent.length += length }
        transaction.willAdd(to: id.client, store: store)
        store.add(self)
        integrateContent(transaction, parent: parent)
        transaction.addChanged(parent, key: parentSub)
        if parent.item?.isDeleted == true || (parentSub != nil && right != nil) {
            delete(transaction)
        }
    }

    private func resolveConflict(_ transaction: Transaction, parent: Branch) {
        let store = transaction.doc.store
        var newLeft = left
        var scan: Item?
        if let left {
            scan = left.right
        } else if let key = parentSub {
            scan = parent.map[key]
            while let candidate = scan, let previous = candidate.left { scan = previous }
        } else {
            scan = parent.start
        }
        var conflicting = Set<ObjectIdentifier>()
        var beforeOrigin = Set<ObjectIdentifier>()
        while let current = scan, current !== right {
            beforeOrigin.insert(ObjectIdentifier(current))
            conflicting.insert(ObjectIdentifier(current))
            if origin == current.origin {
                if current.id.client < id.client {
                    newLeft = current
                    conflicting.removeAll()
                } else if rightOrigin == current.rightOrigin {
                    break
                }
            } else if let currentOrigin = current.origin, let originItem = store.find(currentOrigin),
                beforeOrigin.contains(ObjectIdentifier(originItem))
            {
                if !conflicting.contains(ObjectIdentifier(originItem)) {
                    newLeft = current
                    conflicting.removeAll()
                }
            } else {
                break
            }
            scan = current.right
        }
        left = newLeft
    }

    private func integrateContent(_ transaction: Transaction, parent: Branch) {
        switch content {
        case .deleted(let length):
            transaction.deleteSet.add(client: id.client, clock: id.clock, length: length)
            markDeleted()
        case .type(let branch):
            branch.integrate(into: transaction.doc, item: self)
            branch.applyPreliminary(transaction)
        case .format:
            parent.hasFormatting = true
            parent.searchMarkers?.removeAll()
        default:
            break
        }
    }

    /// Deletes this item (and, for a type, everything in it) in `transaction`.
    ///
    /// Nested types are walked depth first with an explicit stack, in the order a recursive walk
    /// would take, not by recursion: an update of a few hundred kilobytes can nest types a hundred
    /// thousand deep, and one stack frame per level overflowed the thread's stack.
    func delete(_ transaction: Transaction) {
        guard deleteOwnContent(transaction), case .type(let branch) = content else { return }
        var stack = [ChildWalk(branch)]
        while !stack.isEmpty {
            guard let child = stack[stack.count - 1].next() else {
                transaction.changed.removeValue(forKey: ObjectIdentifier(stack.removeLast().branch))
                continue
            }
            if !child.isDeleted {
                if child.deleteOwnContent(transaction), case .type(let nested) = child.content {
                    stack.append(ChildWalk(nested))
                }
            } else if child.id.clock < transaction.beforeState(child.id.client) {
                transaction.mergeStructs.append(child)
            }
        }
    }

    /// Marks this item deleted and records it, leaving its children alone; false if it already was.
    private func deleteOwnContent(_ transaction: Transaction) -> Bool {
        guard !isDeleted, let parent else { return false }
        if isCountable, parentSub == nil { parent.length -= length }
        if flags.contains(.marker) { parent.searchMarkers?.needsRepair = true }
        markDeleted()
        transaction.deleteSet.add(client: id.client, clock: id.clock, length: length)
        transaction.addChanged(parent, key: parentSub)
        return true
    }
}

/// The children of a type in the order a deletion visits them: the sequence, then the map entries.
private struct ChildWalk {
    let branch: Branch
    private var sequence: Item?
    private var entries: [Item]?
    private var entryIndex = 0

    init(_ branch: Branch) {
        self.branch = branch
        self.sequence = branch.start
    }

    mutating func next() -> Item? {
        if let item = sequence {
            sequence = item.right
            return item
        }
        if entries == nil { entries = Array(branch.map.values) }
        guard let entries, entryIndex < entries.count else { return nil }
        entryIndex += 1
        return entries[entryIndex - 1]
    }
}
