import WorkflowModel
import YCRDT

/// What someone else's edits changed in the document, found by comparing the document's value
/// before and after them (``WorkflowDocument/read(_:)``), per entity and field.
///
/// The summary has the shape of the relay's reconcile summaries: entities by kind and id, fields by
/// their document key (an unknown `extra` key counts as a field of its own name). Comparison is
/// exact — a change of whitespace is a change — unlike the unsaved-changes compare, because a UI
/// badge should follow what really moved. Order changes within the arrays are not reported.
public struct RemoteChange: Hashable, Sendable {
    public var summary: ReconcileSummary
    /// Every entity id added, removed or changed: job, trigger and edge ids, the workflow's id for
    /// its own fields, a node's id for its position.
    public var entityIDs: Set<String>

    public init(summary: ReconcileSummary, entityIDs: Set<String>) {
        self.summary = summary
        self.entityIDs = entityIDs
    }

    /// Whether nothing a person edits changed (a change of `lock_version` alone is empty).
    public var isEmpty: Bool { summary.isEmpty }

    /// The changes that turn `old` into `new`.
    ///
    /// Cost: a dictionary per entity kind and a field comparison per entity that differs; entities
    /// that are equal cost one `==`.
    public static func between(_ old: Workflow, _ new: Workflow) -> RemoteChange {
        var summary = ReconcileSummary()
        let workflowFields = Self.workflowFields(old, new)
        if !workflowFields.isEmpty {
            summary.changed.append(.init(kind: .workflow, id: new.id, fields: workflowFields))
        }
        if old.lockVersion != new.lockVersion {
            summary.lockVersionChange = .init(from: old.lockVersion, to: new.lockVersion)
        }
        compare(old.jobs, new.jobs, kind: .job, fields: jobFields, into: &summary)
        compare(old.triggers, new.triggers, kind: .trigger, fields: triggerFields, into: &summary)
        compare(old.edges, new.edges, kind: .edge, fields: edgeFields, into: &summary)
        for id in Set(old.positions.keys).union(new.positions.keys).sorted() {
            switch (old.positions[id], new.positions[id]) {
            case (nil, _?): summary.added.append(.init(kind: .position, id: id))
            case (_?, nil): summary.removed.append(.init(kind: .position, id: id))
            case (let before?, let after?) where before != after:
                summary.changed.append(
                    .init(
                        kind: .position, id: id,
                        fields: ["x", "y"].filter {
                            $0 == "x" ? before.x != after.x : before.y != after.y
                        }))
            default: break
            }
        }
        let ids = (summary.added + summary.removed + summary.changed).map(\.id)
        return RemoteChange(summary: summary, entityIDs: Set(ids))
    }

    // MARK: Entities

    private static func compare<Entity: Identifiable & Equatable>(
        _ old: [Entity], _ new: [Entity], kind: ReconcileSummary.EntityKind,
        fields: (Entity, Entity) -> [String], into summary: inout ReconcileSummary
    ) where Entity.ID == String {
        var before: [String: Entity] = [:]
        for entity in old where before[entity.id] == nil { before[entity.id] = entity }
        var seen = Set<String>()
        for entity in new where seen.insert(entity.id).inserted {
            guard let previous = before[entity.id] else {
                summary.added.append(.init(kind: kind, id: entity.id))
                continue
            }
            guard previous != entity else { continue }
            let changed = fields(previous, entity)
            if !changed.isEmpty { summary.changed.append(.init(kind: kind, id: entity.id, fields: changed)) }
        }
        for entity in old where !seen.contains(entity.id) && before[entity.id] != nil {
            summary.removed.append(.init(kind: kind, id: entity.id))
            before[entity.id] = nil
        }
    }

    private static func workflowFields(_ old: Workflow, _ new: Workflow) -> [String] {
        var fields: [String] = []
        if differs(old.name, new.name) { fields.append("name") }
        if differs(old.deletedAt, new.deletedAt) { fields.append("deleted_at") }
        if old.concurrency != new.concurrency { fields.append("concurrency") }
        if old.enableJobLogs != new.enableJobLogs { fields.append("enable_job_logs") }
        return fields + extraFields(old.extra, new.extra)
    }

    private static func jobFields(_ old: Job, _ new: Job) -> [String] {
        var fields: [String] = []
        if differs(old.name, new.name) { fields.append("name") }
        if differs(old.body, new.body) { fields.append("body") }
        if differs(old.adaptor, new.adaptor) { fields.append("adaptor") }
        if differs(old.projectCredentialID, new.projectCredentialID) {
            fields.append("project_credential_id")
        }
        if differs(old.keychainCredentialID, new.keychainCredentialID) {
            fields.append("keychain_credential_id")
        }
        return fields + extraFields(old.extra, new.extra)
    }

    private static func triggerFields(_ old: Trigger, _ new: Trigger) -> [String] {
        var fields: [String] = []
        if old.type != new.type { fields.append("type") }
        if old.enabled != new.enabled { fields.append("enabled") }
        if differs(old.cronExpression, new.cronExpression) { fields.append("cron_expression") }
        if differs(old.cronCursorJobID, new.cronCursorJobID) { fields.append("cron_cursor_job_id") }
        if differs(old.webhookReply, new.webhookReply) { fields.append("webhook_reply") }
        if old.kafkaConfiguration != new.kafkaConfiguration { fields.append("kafka_configuration") }
        return fields + extraFields(old.extra, new.extra)
    }

    private static func edgeFields(_ old: Edge, _ new: Edge) -> [String] {
        var fields: [String] = []
        if differs(old.sourceJobID, new.sourceJobID) { fields.append("source_job_id") }
        if differs(old.sourceTriggerID, new.sourceTriggerID) { fields.append("source_trigger_id") }
        if differs(old.targetJobID, new.targetJobID) { fields.append("target_job_id") }
        if old.conditionType != new.conditionType { fields.append("condition_type") }
        if differs(old.conditionExpression, new.conditionExpression) { fields.append("condition_expression") }
        if differs(old.conditionLabel, new.conditionLabel) { fields.append("condition_label") }
        if old.enabled != new.enabled { fields.append("enabled") }
        return fields + extraFields(old.extra, new.extra)
    }

    private static func extraFields(_ old: [String: YAny], _ new: [String: YAny]) -> [String] {
        guard old != new else { return [] }
        return Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
    }

    /// Byte-for-byte difference (`==` on strings is canonical equivalence, which a text CRDT is not).
    private static func differs(_ old: String?, _ new: String?) -> Bool {
        switch (old, new) {
        case (nil, nil): false
        case (let old?, let new?): !old.utf8.elementsEqual(new.utf8)
        default: true
        }
    }
}
