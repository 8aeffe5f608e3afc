/// What one transaction changed in one shared type.
///
/// Computed lazily from the transaction, so it is valid only inside the observer call.
public final class YEvent {
    let branch: Branch
    /// The transaction that made the change: its origin and whether it was local.
    public let transaction: Transaction
    /// The type whose observer is being called (differs from the target for deep observers).
    var currentTarget: Branch
    /// Map keys changed (a nil entry means the sequence changed).
    let keysChangedRaw: Set<String?>

    init(target: Branch, transaction: Transaction, keysChanged: Set<String?>) {
        self.branch = target
        self.transaction = transaction
        self.currentTarget = target
        self.keysChangedRaw = keysChanged
    }

    /// The changed type.
    public var target: YValue { YValue.wrap(branch) }
    public var origin: AnyHashable? { transaction.origin }
    public var isLocal: Bool { transaction.isLocal }

    /// Map keys this transaction changed.
    public var keysChanged: Set<String> { Set(keysChangedRaw.compactMap { $0 }) }

    /// How a map key changed.
    public enum KeyChange: Equatable {
        case added
        case updated(oldValue: YAny)
        case deleted(oldValue: YAny)
    }

    /// Each changed key with what happened to it.
    public var keys: [String: KeyChange] {
        var result: [String: KeyChange] = [:]
        for key in keysChanged {
            guard let item = branch.map[key] else { continue }
            if transaction.adds(item) {
                var previous = item.left
                while let candidate = previous, transaction.adds(candidate) { previous = candidate.left }
                let previousDeleted = previous.map { transaction.deletes($0) } ?? false
                if transaction.deletes(item) {
                    if let previous, previousDeleted {
                        result[key] = .deleted(oldValue: Branch.lastValue(of: previous).json)
                    }
                } else if let previous, previousDeleted {
                    result[key] = .updated(oldValue: Branch.lastValue(of: previous).json)
                } else {
                    result[key] = .added
                }
            } else if transaction.deletes(item) {
                result[key] = .deleted(oldValue: Branch.lastValue(of: item).json)
            }
        }
        return result
    }

    /// One step of a sequence change.
    public enum DeltaStep: Equatable {
        case insert([YAny])
        case insertText(String)
        case retain(Int)
        case delete(Int)
    }

    /// The sequence change: retains, inserts and deletes from the start (a trailing retain is dropped).
    public var delta: [DeltaStep] {
        var steps: [DeltaStep] = []
        func push(_ step: DeltaStep) {
            if let last = steps.last {
                switch (last, step) {
                case (.retain(let a), .retain(let b)): steps[steps.count - 1] = .retain(a + b); return
                case (.delete(let a), .delete(let b)): steps[steps.count - 1] = .delete(a + b); return
                case (.insert(let a), .insert(let b)): steps[steps.count - 1] = .insert(a + b); return
                case (.insertText(let a), .insertText(let b)): steps[steps.count - 1] = .insertText(a + b); return
                default: break
                }
            }
            steps.append(step)
        }
        var item = branch.start
        while let current = item {
            defer { item = current.right }
            guard current.isCountable || current.isDeleted else { continue }
            if current.isDeleted {
                if transaction.deletes(current), !transaction.adds(current), current.isCountable || {
                    if case .deleted = current.content { return false }
                    return true
                }() {
                    push(.delete(current.length))
                }
            } else if transaction.adds(current) {
                if case .string(let units) = current.content {
                    push(.insertText(UTF16Transcoding.string(units)))
                } else {
                    push(.insert(Branch.values(of: current).map(\.json)))
                }
            } else {
                push(.retain(current.length))
            }
        }
        if case .retain = steps.last { steps.removeLast() }
        return steps
    }

    /// The keys and indexes from `ancestor` down to this event's target.
    func path(from ancestor: Branch) -> [String] {
        var path: [String] = []
        var child = branch
        while child !== ancestor, let holder = child.item, let parent = holder.parent {
            if let key = holder.parentSub {
                path.insert(key, at: 0)
            } else {
                var index = 0
                var item = parent.start
                while let current = item, current !== holder {
                    if current.isVisible { index += current.length }
                    item = current.right
                }
                path.insert(String(index), at: 0)
            }
            child = parent
        }
        return path
    }

    /// The path from the observed type to the changed one, as keys and decimal indexes.
    public var path: [String] { path(from: currentTarget) }
}
