import YCRDT

/// Reads and writes a workflow in a YCRDT document in the root shape of DESIGN.md.
///
/// | root | type | content |
/// |---|---|---|
/// | `workflow` | Map | `id`, `name`, `lock_version` (integer), `deleted_at`, `concurrency`, `enable_job_logs` |
/// | `jobs` | Array of Map | `id`, `name`, `body` (Y.Text), `adaptor`, `project_credential_id`, `keychain_credential_id` |
/// | `triggers` | Array of Map | `id`, `type`, `enabled`, `cron_expression`, `cron_cursor_job_id`, `webhook_reply`, `kafka_configuration` (Map or null) |
/// | `edges` | Array of Map | `id`, `source_job_id`, `source_trigger_id`, `target_job_id`, `condition_type`, `condition_expression`, `condition_label`, `enabled` |
/// | `positions` | Map | node id → `{x, y}` (a plain object) |
/// | `errors` | Map | `workflow` → `{field: [msg]}`; `jobs`/`triggers`/`edges` → `{entityId: {field: [msg]}}` |
///
/// **Writing.** Each entity is inserted as one preliminary map with its keys in the table's order,
/// then its `extra` keys sorted by name (as plain values). A nil field is written as `null`, not left
/// out — Lightning's serializer does the same, so a Yjs client of either sees every key.
///
/// **Reading** never fails: numbers may be integers or floats (pycrdt sends floats), a missing key or
/// a key of the wrong type takes the value type's default (`name` "", `enabled` true, `adaptor`
/// ``Job/defaultAdaptor``, `condition_type` always from a trigger and on_job_success from a job,
/// `type` webhook, `lock_version` 0), array elements that are not maps and positions that are not
/// `{x, y}` are skipped, and unknown keys are kept in `extra` (nested types as their JSON, cut at
/// ``YCRDT/Lib0Decoder/maxAnyDepth`` levels so Weft can always write them back for peers to read). A body may be a Y.Text or a plain string. Unknown keys inside
/// `kafka_configuration` are kept in ``KafkaConfiguration/extra`` and written back after its known keys.
public enum WorkflowDocument {
    /// Writes `workflow` into an empty document, in one transaction with `origin`.
    ///
    /// A document that already holds a workflow is brought to `workflow` by ``Reconciler`` instead, so
    /// calling this twice never duplicates entities.
    public static func write(_ workflow: Workflow, into doc: Doc, origin: AnyHashable? = nil) {
        if !isEmpty(doc) {
            Reconciler.reconcile(doc, to: workflow, origin: origin)
            return
        }
        doc.transact(origin: origin) { transaction in
            let map = doc.map(DocumentKey.workflow)
            let fields =
                DocumentFields.workflow(workflow)
                + DocumentFields.extras(workflow.extra, known: DocumentKey.workflowFieldSet)
            for (key, value) in fields { map.set(key, .value(value), in: transaction) }
            try? doc.array(DocumentKey.jobs).insert(
                workflow.jobs.map(DocumentInput.job), at: 0, in: transaction)
            try? doc.array(DocumentKey.triggers).insert(
                workflow.triggers.map(DocumentInput.trigger), at: 0, in: transaction)
            try? doc.array(DocumentKey.edges).insert(
                workflow.edges.map(DocumentInput.edge), at: 0, in: transaction)
            let positions = doc.map(DocumentKey.positions)
            for key in workflow.positions.keys.sorted() {
                positions.set(key, .value(DocumentFields.position(workflow.positions[key]!)), in: transaction)
            }
            // Touch `errors` so the root exists with its type; it stays empty.
            _ = doc.map(DocumentKey.errors)
        }
    }

    /// Reads the document back into a value, tolerantly: floats for integers, missing keys take
    /// defaults, unknown keys are kept in `extra`.
    public static func read(_ doc: Doc) -> Workflow {
        let map = doc.map(DocumentKey.workflow)
        var positions: [String: Position] = [:]
        let positionsMap = doc.map(DocumentKey.positions)
        for key in positionsMap.keys {
            if let value = positionsMap[key], let position = DocumentRead.position(value) {
                positions[key] = position
            }
        }
        return Workflow(
            id: DocumentRead.string(map["id"]) ?? "",
            name: DocumentRead.string(map["name"]) ?? "",
            lockVersion: DocumentRead.int(map["lock_version"]) ?? 0,
            deletedAt: DocumentRead.string(map["deleted_at"]),
            concurrency: DocumentRead.int(map["concurrency"]),
            enableJobLogs: DocumentRead.bool(map["enable_job_logs"]),
            jobs: DocumentRead.maps(doc.array(DocumentKey.jobs)).map(DocumentRead.job),
            triggers: DocumentRead.maps(doc.array(DocumentKey.triggers)).map(DocumentRead.trigger),
            edges: DocumentRead.maps(doc.array(DocumentKey.edges)).map(DocumentRead.edge),
            positions: positions,
            extra: DocumentRead.extras(map, known: DocumentKey.workflowFieldSet))
    }

    /// The document's `lock_version` (0 when missing), without reading the rest.
    public static func lockVersion(_ doc: Doc) -> Int {
        DocumentRead.int(doc.map(DocumentKey.workflow)["lock_version"]) ?? 0
    }

    /// The `errors` map as plain data: an object, empty when there are no errors.
    public static func readErrors(_ doc: Doc) -> YAny {
        doc.map(DocumentKey.errors).json
    }

    /// Makes the `errors` map hold `errors` (an object: `workflow` → `{field: [msg]}`,
    /// `jobs`/`triggers`/`edges` → `{entityId: {field: [msg]}}`), in one transaction with `origin`.
    ///
    /// Only keys whose value changes are written; keys not in `errors` are removed, so an empty object
    /// (or anything that is not an object) clears the map, as a successful save does.
    public static func writeErrors(_ errors: YAny, into doc: Doc, origin: AnyHashable? = nil) {
        let map = doc.map(DocumentKey.errors)
        let wanted = errors.objectValue ?? YObject()
        let stale = map.keys.filter { wanted[$0] == nil }
        let changed = wanted.entries.filter { !DocumentCompare.holds(map[$0.key], $0.value) }
        guard !stale.isEmpty || !changed.isEmpty else { return }
        doc.transact(origin: origin) { transaction in
            for key in stale { map.remove(key, in: transaction) }
            for (key, value) in changed { map.set(key, .value(value), in: transaction) }
        }
    }

    /// Whether the document holds no workflow yet (all its workflow roots are empty).
    static func isEmpty(_ doc: Doc) -> Bool {
        doc.map(DocumentKey.workflow).count == 0 && doc.array(DocumentKey.jobs).count == 0
            && doc.array(DocumentKey.triggers).count == 0 && doc.array(DocumentKey.edges).count == 0
            && doc.map(DocumentKey.positions).count == 0
    }
}
