/// What kind of shared type a branch is.
enum BranchKind: Equatable {
    /// A root that arrived in an update before anyone asked for it by type.
    case unknown
    case array
    case map
    case text
    case xmlElement(String)
    case xmlFragment
    case xmlHook(String)
    case xmlText

    /// The type ref written in ContentType (0 array, 1 map, 2 text, 3–6 XML).
    var typeRef: Int {
        switch self {
        case .array, .unknown: 0
        case .map: 1
        case .text: 2
        case .xmlElement: 3
        case .xmlFragment: 4
        case .xmlHook: 5
        case .xmlText: 6
        }
    }

    var nodeName: String? {
        switch self {
        case .xmlElement(let name), .xmlHook(let name): name
        default: nil
        }
    }

    var name: String {
        switch self {
        case .unknown: "unknown"
        case .array: "array"
        case .map: "map"
        case .text: "text"
        case .xmlElement: "xmlElement"
        case .xmlFragment: "xmlFragment"
        case .xmlHook: "xmlHook"
        case .xmlText: "xmlText"
        }
    }
}

/// The state of one shared type: its item list, its map entries, and its observers.
final class Branch {
    var kind: BranchKind
    /// The first item of the sequence.
    unowned(unsafe) var start: Item?
    /// For each key, the newest (rightmost) item of that key's chain.
    var map: [String: Item] = [:]
    /// The number of visible, countable clocks in the sequence.
    var length = 0
    /// The item that holds this type, nil for a root.
    unowned(unsafe) var item: Item?
    /// The root name, for roots.
    var rootName: String?
    unowned(unsafe) var doc: Doc?
    /// True once the holding item was garbage collected: the type is gone for good.
    var isCollected = false
    /// Cached index positions (sequence types only).
    var searchMarkers: SearchMarkers?
    var hasFormatting = false
    var observers = ObserverList<YEvent>()
    var deepObservers = ObserverList<[YEvent]>()
    /// Values set on a type before it was inserted, applied when it is integrated.
    var preliminary: PreliminaryContent?

    init(kind: BranchKind) {
        self.kind = kind
        switch kind {
        case .array, .text, .xmlFragment, .xmlElement, .xmlText, .unknown:
            searchMarkers = SearchMarkers()
        case .map, .xmlHook:
            searchMarkers = nil
        }
    }

    /// Calls `body` after each transaction that changed this type; cancel the subscription to stop.
    func observe(_ body: @escaping (YEvent) -> Void) -> Subscription {
        let id = observers.add(body)
        return Subscription { [self] in observers.remove(id) }
    }

    /// Calls `body` with the events of this type and everything nested in it.
    func observeDeep(_ body: @escaping ([YEvent]) -> Void) -> Subscription {
        let id = deepObservers.add(body)
        return Subscription { [self] in deepObservers.remove(id) }
    }

    /// Whether anyone observes this type or (deeply) a type holding it.
    var hasObservers: Bool {
        if !observers.isEmpty { return true }
        var current: Branch? = self
        while let type = current {
            if !type.deepObservers.isEmpty { return true }
            current = type.item?.parent
        }
        return false
    }

    /// Whether this type or any type holding it is deleted.
    var isDeleted: Bool { item?.isDeleted ?? false }

    /// Binds the type to its document and holding item when its item is integrated.
    func integrate(into doc: Doc, item: Item) {
        self.doc = doc
        self.item = item
    }

    /// The visible value of a map key.
    func mapValue(_ key: String) -> Item? {
        guard let item = map[key], !item.isDeleted else { return nil }
        return item
    }

    /// Visible items of the sequence, in order.
    func forEachVisible(_ body: (Item) throws -> Void) rethrows {
        var item = start
        while let current = item {
            if current.isVisible { try body(current) }
            item = current.right
        }
    }
}

/// Values given to a type that is not in a document yet.
enum PreliminaryContent {
    case map([(String, YInput)])
    case array([YInput])
    case text(String)
}
