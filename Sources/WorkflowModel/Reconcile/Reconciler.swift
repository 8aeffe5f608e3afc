import YCRDT

/// What a reconcile changed, per entity and field, for the toast and the `workflow_saved` message.
public struct ReconcileSummary: Hashable, Sendable, Codable {
    public enum EntityKind: String, Hashable, Sendable, Codable { case workflow, job, trigger, edge, position }
    public struct EntityChange: Hashable, Sendable, Codable {
        public var kind: EntityKind
        public var id: String
        /// The fields that changed (empty for added and removed entities).
        public var fields: [String]
        public init(kind: EntityKind, id: String, fields: [String] = []) {
            self.kind = kind
            self.id = id
            self.fields = fields
        }
    }
    public var added: [EntityChange] = []
    public var removed: [EntityChange] = []
    public var changed: [EntityChange] = []
    public init() {}
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
}

/// Brings a live document to a saved workflow with the fewest CRDT operations.
///
/// (Signature fixed; the implementation is being written.)
public enum Reconciler {
    /// Applies the minimal operations in one transaction with `origin` and says what changed.
    @discardableResult
    public static func reconcile(_ doc: Doc, to workflow: Workflow, origin: AnyHashable? = nil) -> ReconcileSummary {
        _ = (doc, workflow, origin)
        return ReconcileSummary()
    }
}
