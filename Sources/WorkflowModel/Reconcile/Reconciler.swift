import YCRDT

/// What a reconcile changed, per entity and field, for the toast and the `workflow_saved` message.
///
/// Field names are the document's keys (`name`, `body`, `project_credential_id`, …). A change of
/// `lock_version` alone is not content: it is reported in ``lockVersionChange`` and leaves
/// ``isEmpty`` true.
public struct ReconcileSummary: Hashable, Sendable, Codable {
    public enum EntityKind: String, Hashable, Sendable, Codable {
        case workflow, job, trigger, edge, position
    }
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
    public struct LockVersionChange: Hashable, Sendable, Codable {
        /// What the document said before (nil when it had no readable `lock_version`).
        public var from: Int?
        public var to: Int
        public init(from: Int?, to: Int) {
            self.from = from
            self.to = to
        }
    }
    public var added: [EntityChange] = []
    public var removed: [EntityChange] = []
    public var changed: [EntityChange] = []
    /// Set when the reconcile wrote `workflow.lock_version`.
    public var lockVersionChange: LockVersionChange?
    public init() {}
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// The changes of one kind of entity, in the order they were made.
    public func changes(
        of kind: EntityKind
    ) -> (added: [EntityChange], removed: [EntityChange], changed: [EntityChange]) {
        (
            added.filter { $0.kind == kind }, removed.filter { $0.kind == kind },
            changed.filter { $0.kind == kind }
        )
    }
}

/// Brings a live document to a saved workflow with the fewest CRDT operations.
///
/// In one transaction:
/// - `workflow` map: each field (and each `extra` key of the target) is set only when the document
///   does not already hold it; `lock_version` is set to the target's.
/// - `jobs`, `triggers`, `edges`: entities whose id the target lacks are deleted (an id that is not
///   found is simply not there to delete — never a crash); so are array elements that are not maps
///   and later duplicates of an id (the first occurrence is kept). Entities new in the target are
///   inserted after the entity that precedes them in the target, so the order follows the target
///   wherever the document's order already did; existing entities are never moved (a move would be
///   a delete and an insert, and lose their identity). Entities in both get only the fields that
///   differ set; a differing body is changed by ``TextDiff`` on its Y.Text, so unchanged characters
///   keep their items and everyone's cursors stay. A body that is not a Y.Text (a plain string, as
///   Lightning's first reconciler wrote) is replaced by one. `kafka_configuration` is edited key by
///   key when the document holds a map, its `extra` keys included; keys the target does not name stay.
/// - `positions`: left alone when the target has none (a version from a format without a layout
///   says nothing about the canvas). When the target has positions, the map becomes the target's:
///   differing keys are set and keys the target lacks are removed — otherwise positions of removed
///   nodes would linger and the unsaved-changes compare (which includes positions) would never see
///   the document equal to the saved version.
/// - `errors` is never touched: a ``Workflow`` carries no errors. Write them with
///   ``WorkflowDocument/writeErrors(_:into:origin:)``.
/// - Unknown (`extra`) keys in the document that the target does not name are kept: they belong to
///   clients that know them (Lightning's `has_auth_method`, for one).
///
/// "Already holds" compares values exactly, with numbers by value (a float 3.0 holds the integer 3)
/// and `null` the same as a missing key. Strings are not trimmed here, unlike the unsaved-changes
/// compare: a version that only changed whitespace must still reach the document, or the next save
/// would write the old whitespace back over it. So `read(reconcile(doc, to: w)) == w` for every
/// field the target names (positions aside when the target has none).
public enum Reconciler {
    /// Applies the minimal operations in one transaction with `origin` and says what changed.
    @discardableResult
    public static func reconcile(
        _ doc: Doc, to workflow: Workflow, origin: AnyHashable? = nil
    ) -> ReconcileSummary {
        doc.transact(origin: origin) { transaction in
            reconcile(doc, to: workflow, in: transaction)
        }
    }

    /// Applies the minimal operations inside a transaction the caller holds (a rebase may apply other
    /// changes in the same one).
    @discardableResult
    public static func reconcile(
        _ doc: Doc, to workflow: Workflow, in transaction: Transaction
    ) -> ReconcileSummary {
        var summary = ReconcileSummary()
        reconcileWorkflowMap(doc.map(DocumentKey.workflow), to: workflow, summary: &summary, transaction)
        reconcileArray(
            doc.array(DocumentKey.jobs), to: workflow.jobs, kind: .job, id: \.id, input: DocumentInput.job,
            update: updateJob, summary: &summary, transaction)
        reconcileArray(
            doc.array(DocumentKey.triggers), to: workflow.triggers, kind: .trigger, id: \.id,
            input: DocumentInput.trigger, update: updateTrigger, summary: &summary, transaction)
        reconcileArray(
            doc.array(DocumentKey.edges), to: workflow.edges, kind: .edge, id: \.id,
            input: DocumentInput.edge,
            update: updateEdge, summary: &summary, transaction)
        if !workflow.positions.isEmpty {
            reconcilePositions(
                doc.map(DocumentKey.positions), to: workflow.positions, summary: &summary, transaction)
        }
        return summary
    }

    // MARK: The workflow map

    private static func reconcileWorkflowMap(
        _ map: YMap, to workflow: Workflow, summary: inout ReconcileSummary, _ transaction: Transaction
    ) {
        var fields: [String] = []
        let previousLockVersion = DocumentRead.int(map["lock_version"])
        let wanted =
            DocumentFields.workflow(workflow)
            + DocumentFields.extras(workflow.extra, known: DocumentKey.workflowFieldSet)
        for (key, value) in wanted where !DocumentCompare.holds(map[key], value) {
            map.set(key, .value(value), in: transaction)
            if key == "lock_version" {
                summary.lockVersionChange = .init(from: previousLockVersion, to: workflow.lockVersion)
            } else {
                fields.append(key)
            }
        }
        if !fields.isEmpty { summary.changed.append(.init(kind: .workflow, id: workflow.id, fields: fields)) }
    }

    // MARK: Entity arrays

    private static func reconcileArray<Entity>(
        _ array: YArray, to target: [Entity], kind: ReconcileSummary.EntityKind, id: (Entity) -> String,
        input: (Entity) -> YInput, update: (YMap, Entity, Transaction) -> [String],
        summary: inout ReconcileSummary, _ transaction: Transaction
    ) {
        // The target's entities by id, first occurrence winning.
        var targetIndex: [String: Int] = [:]
        targetIndex.reserveCapacity(target.count)
        for (index, entity) in target.enumerated() where targetIndex[id(entity)] == nil {
            targetIndex[id(entity)] = index
        }

        // What the document holds: keep the first map of each id the target names, delete the rest.
        let elements = array.values
        var kept: [(id: String, map: YMap)] = []
        kept.reserveCapacity(elements.count)
        var keptIDs: Set<String> = []
        var reported: Set<String> = []
        var doomed: [Int] = []
        for (index, element) in elements.enumerated() {
            guard let map = element.mapValue else {
                doomed.append(index)
                continue
            }
            let entityID = DocumentRead.string(map["id"]) ?? ""
            if targetIndex[entityID] != nil, keptIDs.insert(entityID).inserted {
                kept.append((entityID, map))
            } else {
                doomed.append(index)
                // Report entities the version removed, not the clean-up of duplicates and junk.
                if !entityID.isEmpty, targetIndex[entityID] == nil, reported.insert(entityID).inserted {
                    summary.removed.append(.init(kind: kind, id: entityID))
                }
            }
        }
        // Delete from the back in runs, so the indices in front stay valid.
        var cursor = doomed.count - 1
        while cursor >= 0 {
            var start = cursor
            while start > 0, doomed[start - 1] == doomed[start] - 1 { start -= 1 }
            try? array.delete(at: doomed[start], count: cursor - start + 1, in: transaction)
            cursor = start - 1
        }

        // Fields of the entities in both.
        for (entityID, map) in kept {
            let fields = update(map, target[targetIndex[entityID]!], transaction)
            if !fields.isEmpty { summary.changed.append(.init(kind: kind, id: entityID, fields: fields)) }
        }

        // New entities, each after the entity that precedes it in the target.
        var keptPosition: [String: Int] = [:]
        keptPosition.reserveCapacity(kept.count)
        for (index, entry) in kept.enumerated() { keptPosition[entry.id] = index }
        var inserts: [Int: [YInput]] = [:]
        var insertAt = 0
        var seen: Set<String> = []
        for entity in target {
            let entityID = id(entity)
            guard seen.insert(entityID).inserted else { continue }
            if let position = keptPosition[entityID] {
                insertAt = position + 1
            } else {
                inserts[insertAt, default: []].append(input(entity))
                summary.added.append(.init(kind: kind, id: entityID))
            }
        }
        for position in inserts.keys.sorted(by: >) {
            try? array.insert(inserts[position]!, at: position, in: transaction)
        }
    }

    /// Sets the plain fields of `map` that differ from `wanted`; returns their keys.
    private static func setFields(
        _ map: YMap, _ wanted: [(String, YAny)], _ transaction: Transaction
    ) -> [String] {
        var changed: [String] = []
        for (key, value) in wanted where !DocumentCompare.holds(map[key], value) {
            map.set(key, .value(value), in: transaction)
            changed.append(key)
        }
        return changed
    }

    private static func updateJob(_ map: YMap, _ job: Job, _ transaction: Transaction) -> [String] {
        var changed = setFields(map, DocumentFields.job(job), transaction)
        switch map["body"] {
        case .text(let text):
            if TextDiff.update(text, to: job.body, in: transaction) { changed.append("body") }
        case let other:
            let before = DocumentRead.body(other)
            map.set("body", .text(job.body), in: transaction)
            if before != job.body { changed.append("body") }
        }
        changed += setFields(
            map, DocumentFields.extras(job.extra, known: DocumentKey.jobFieldSet), transaction)
        return changed
    }

    private static func updateTrigger(_ map: YMap, _ trigger: Trigger, _ transaction: Transaction) -> [String]
    {
        var changed = setFields(map, DocumentFields.trigger(trigger), transaction)
        if updateKafka(map, trigger.kafkaConfiguration, transaction) { changed.append("kafka_configuration") }
        changed += setFields(
            map, DocumentFields.extras(trigger.extra, known: DocumentKey.triggerFieldSet), transaction)
        return changed
    }

    private static func updateKafka(
        _ map: YMap, _ kafka: KafkaConfiguration?, _ transaction: Transaction
    ) -> Bool {
        let current = map["kafka_configuration"]
        guard let kafka else {
            guard !DocumentCompare.holds(current, .null) else { return false }
            map.set("kafka_configuration", .value(.null), in: transaction)
            return true
        }
        if case .map(let nested) = current {
            let fields =
                DocumentFields.kafka(kafka) + DocumentFields.extras(kafka.extra, known: DocumentKey.kafkaFieldSet)
            return !setFields(nested, fields, transaction).isEmpty
        }
        // A plain object becomes a map; its unknown keys the target does not name are kept, as in a map.
        let before = DocumentRead.kafka(current)
        var written = kafka
        for (key, value) in before?.extra ?? [:] where written.extra[key] == nil { written.extra[key] = value }
        map.set("kafka_configuration", DocumentInput.kafka(written), in: transaction)
        return before != written
    }

    private static func updateEdge(_ map: YMap, _ edge: Edge, _ transaction: Transaction) -> [String] {
        setFields(
            map,
            DocumentFields.edge(edge) + DocumentFields.extras(edge.extra, known: DocumentKey.edgeFieldSet),
            transaction)
    }

    // MARK: Positions

    private static func reconcilePositions(
        _ map: YMap, to positions: [String: Position], summary: inout ReconcileSummary,
        _ transaction: Transaction
    ) {
        for key in map.keys where positions[key] == nil {
            map.remove(key, in: transaction)
            summary.removed.append(.init(kind: .position, id: key))
        }
        for key in positions.keys.sorted() {
            let value = DocumentFields.position(positions[key]!)
            let current = map[key]
            guard !DocumentCompare.holds(current, value) else { continue }
            map.set(key, .value(value), in: transaction)
            if let current, let before = DocumentRead.position(current) {
                let fields =
                    (before.x != positions[key]!.x ? ["x"] : [])
                    + (before.y != positions[key]!.y ? ["y"] : [])
                summary.changed.append(
                    .init(kind: .position, id: key, fields: fields.isEmpty ? ["x", "y"] : fields))
            } else if current != nil {
                summary.changed.append(.init(kind: .position, id: key, fields: ["x", "y"]))
            } else {
                summary.added.append(.init(kind: .position, id: key))
            }
        }
    }
}
