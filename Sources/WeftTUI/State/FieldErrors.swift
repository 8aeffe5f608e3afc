import WorkflowModel
import YCRDT

/// Validation messages by entity and field, as the document's `errors` map holds them after a
/// refused save: `workflow` → `{field: [message]}`, `jobs`/`triggers`/`edges` → `{id: {field: [message]}}`.
public struct FieldErrors: Hashable, Sendable {
    /// Messages by entity id (the workflow's under ``workflowKey``), then by field key.
    public private(set) var messages: [String: [String: [String]]] = [:]

    /// The key the workflow's own messages are kept under.
    public static let workflowKey = ""

    public init() {}

    /// Reads an `errors` map; anything not of its shape is skipped.
    public init(errorsMap: YAny?) {
        guard let map = errorsMap?.objectValue else { return }
        if let workflow = map["workflow"]?.objectValue {
            messages[Self.workflowKey] = Self.fields(workflow)
        }
        for group in ["jobs", "triggers", "edges"] {
            guard let entities = map[group]?.objectValue else { continue }
            for id in entities.keys {
                guard let fields = entities[id]?.objectValue else { continue }
                messages[id, default: [:]].merge(Self.fields(fields)) { $0 + $1 }
            }
        }
    }

    private static func fields(_ object: YObject) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for key in object.keys {
            let list =
                object[key]?.arrayValue?.compactMap(\.stringValue) ?? object[key]?.stringValue.map { [$0] }
                ?? []
            if !list.isEmpty { result[key] = list }
        }
        return result
    }

    /// The messages about `field` of entity `id` (nil: the workflow).
    public func messages(for id: String?, field: String) -> [String] {
        messages[id ?? Self.workflowKey]?[field] ?? []
    }

    /// Every message about entity `id`, by field.
    public func fields(of id: String?) -> [String: [String]] { messages[id ?? Self.workflowKey] ?? [:] }

    /// How many messages there are.
    public var count: Int { messages.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }
    public var isEmpty: Bool { count == 0 }

    /// Forgets the messages about one field (it was edited since).
    public mutating func remove(_ id: String?, field: String) {
        messages[id ?? Self.workflowKey]?[field] = nil
        if messages[id ?? Self.workflowKey]?.isEmpty == true { messages[id ?? Self.workflowKey] = nil }
    }

    /// The first message with its entity and field, for the status line.
    public var first: (id: String, field: String, message: String)? {
        for id in messages.keys.sorted() {
            for field in (messages[id] ?? [:]).keys.sorted() {
                if let message = messages[id]?[field]?.first { return (id, field, message) }
            }
        }
        return nil
    }
}
