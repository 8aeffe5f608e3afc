import YCRDT

/// The unsaved-changes marker: does the document differ from the base workflow, compared as
/// Lightning's editor compares them (`useUnsavedChanges.ts`, reference §3)?
///
/// - Jobs, triggers and edges are matched by id; their order does not matter.
/// - Strings are compared trimmed (JavaScript's `trim`: Unicode white space and line terminators),
///   and nil, the empty string and a missing value are the same.
/// - Workflow: `name`, `concurrency`, `enable_job_logs`. Not `id`, not `lock_version`, not
///   `deleted_at` (nobody edits them in the document).
/// - Job: `name`, `body`, `adaptor`, `project_credential_id`, `keychain_credential_id`.
/// - Edge: `source_job_id`, `source_trigger_id`, `target_job_id`, `condition_type`,
///   `condition_expression`, `condition_label`, `enabled`.
/// - Trigger: `type` and `enabled`, then the fields of its type, with Lightning's defaults: cron
///   triggers `cron_expression` (missing = `0 0 * * *`) and `cron_cursor_job_id`; webhooks
///   `webhook_reply` (missing = `before_start`); Kafka triggers `kafka_configuration`. The fields of
///   other types are not what the trigger does, so they do not count.
/// - `positions`: the whole map, every node's x and y.
/// - `extra` keys are never compared.
///
/// Cost: one dictionary per entity kind and a comparison per field; bodies compare as plain strings
/// first and are trimmed only when they differ.
public enum UnsavedChanges {
    /// One difference between the document and the base.
    public struct Difference: Hashable, Sendable, CustomStringConvertible {
        public enum Change: String, Hashable, Sendable {
            /// In the document, not in the base.
            case added
            /// In the base, not in the document.
            case removed
            /// In both, with `field` different.
            case changed
        }
        public var kind: ReconcileSummary.EntityKind
        public var id: String
        /// The document key of the field, for `.changed`; nil for added and removed entities.
        public var field: String?
        public var change: Change

        public init(kind: ReconcileSummary.EntityKind, id: String, field: String? = nil, change: Change) {
            self.kind = kind
            self.id = id
            self.field = field
            self.change = change
        }

        public var description: String {
            "\(change.rawValue) \(kind.rawValue) \(id)" + (field.map { " \($0)" } ?? "")
        }
    }

    /// Whether the document differs from the base (the marker is on). Stops at the first difference.
    public static func differ(document: Workflow, base: Workflow) -> Bool {
        var walker = Walker(stopAtFirst: true)
        walker.compare(document: document, base: base)
        return !walker.found.isEmpty
    }

    /// Every difference between the document and the base, workflow fields first, then jobs,
    /// triggers, edges and positions.
    public static func differences(document: Workflow, base: Workflow) -> [Difference] {
        var walker = Walker(stopAtFirst: false)
        walker.compare(document: document, base: base)
        return walker.found
    }

    // MARK: Normalised equality

    /// Equal after trimming, with nil as the empty string.
    static func same(_ lhs: String?, _ rhs: String?) -> Bool {
        let left = lhs ?? ""
        let right = rhs ?? ""
        if left == right { return true }
        return trimmed(left) == trimmed(right)
    }

    /// Equal after trimming, a nil or blank value replaced by `fallback` (Lightning's `?? default`).
    static func same(_ lhs: String?, _ rhs: String?, default fallback: String) -> Bool {
        let left = trimmed(lhs ?? "")
        let right = trimmed(rhs ?? "")
        return (left.isEmpty ? Substring(fallback) : left) == (right.isEmpty ? Substring(fallback) : right)
    }

    /// `string` without leading and trailing white space, as JavaScript's `String.prototype.trim`.
    static func trimmed(_ string: String) -> Substring {
        let scalars = string.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isTrimmed(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isTrimmed(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return Substring(scalars[start..<end])
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
        return scalar.properties.isWhitespace || scalar.value == 0xFEFF
    }

    static func same(_ lhs: KafkaConfiguration?, _ rhs: KafkaConfiguration?) -> Bool {
        let left = lhs ?? KafkaConfiguration()
        let right = rhs ?? KafkaConfiguration()
        return left.connectTimeout == right.connectTimeout && same(left.groupID, right.groupID)
            && same(left.hostsString, right.hostsString)
            && same(left.initialOffsetResetPolicy, right.initialOffsetResetPolicy)
            && same(left.password, right.password) && same(left.sasl, right.sasl) && left.ssl == right.ssl
            && same(left.topicsString, right.topicsString) && same(left.username, right.username)
    }

    // MARK: The walk

    private struct Walker {
        let stopAtFirst: Bool
        var found: [Difference] = []

        init(stopAtFirst: Bool) { self.stopAtFirst = stopAtFirst }

        var done: Bool { stopAtFirst && !found.isEmpty }

        mutating func note(
            _ kind: ReconcileSummary.EntityKind, _ id: String, _ field: String?, _ change: Difference.Change
        ) {
            found.append(Difference(kind: kind, id: id, field: field, change: change))
        }

        mutating func field(_ kind: ReconcileSummary.EntityKind, _ id: String, _ name: String, _ equal: Bool)
        {
            if !equal, !done { note(kind, id, name, .changed) }
        }

        mutating func compare(document: Workflow, base: Workflow) {
            let id = document.id
            field(.workflow, id, "name", UnsavedChanges.same(document.name, base.name))
            field(.workflow, id, "concurrency", document.concurrency == base.concurrency)
            field(.workflow, id, "enable_job_logs", document.enableJobLogs == base.enableJobLogs)
            if done { return }
            entities(.job, document.jobs, base.jobs, id: \.id) { walker, mine, theirs in
                let id = mine.id
                walker.field(.job, id, "name", UnsavedChanges.same(mine.name, theirs.name))
                walker.field(.job, id, "body", UnsavedChanges.same(mine.body, theirs.body))
                walker.field(.job, id, "adaptor", UnsavedChanges.same(mine.adaptor, theirs.adaptor))
                walker.field(
                    .job, id, "project_credential_id",
                    UnsavedChanges.same(mine.projectCredentialID, theirs.projectCredentialID))
                walker.field(
                    .job, id, "keychain_credential_id",
                    UnsavedChanges.same(mine.keychainCredentialID, theirs.keychainCredentialID))
            }
            if done { return }
            entities(.trigger, document.triggers, base.triggers, id: \.id) { walker, mine, theirs in
                let id = mine.id
                walker.field(.trigger, id, "type", mine.type == theirs.type)
                walker.field(.trigger, id, "enabled", mine.enabled == theirs.enabled)
                switch mine.type {
                case .cron:
                    walker.field(
                        .trigger, id, "cron_expression",
                        UnsavedChanges.same(mine.cronExpression, theirs.cronExpression, default: "0 0 * * *"))
                    walker.field(
                        .trigger, id, "cron_cursor_job_id",
                        UnsavedChanges.same(mine.cronCursorJobID, theirs.cronCursorJobID))
                case .webhook:
                    walker.field(
                        .trigger, id, "webhook_reply",
                        UnsavedChanges.same(mine.webhookReply, theirs.webhookReply, default: "before_start"))
                case .kafka:
                    walker.field(
                        .trigger, id, "kafka_configuration",
                        UnsavedChanges.same(mine.kafkaConfiguration, theirs.kafkaConfiguration))
                }
            }
            if done { return }
            entities(.edge, document.edges, base.edges, id: \.id) { walker, mine, theirs in
                let id = mine.id
                walker.field(
                    .edge, id, "source_job_id", UnsavedChanges.same(mine.sourceJobID, theirs.sourceJobID))
                walker.field(
                    .edge, id, "source_trigger_id",
                    UnsavedChanges.same(mine.sourceTriggerID, theirs.sourceTriggerID))
                walker.field(
                    .edge, id, "target_job_id", UnsavedChanges.same(mine.targetJobID, theirs.targetJobID))
                walker.field(.edge, id, "condition_type", mine.conditionType == theirs.conditionType)
                walker.field(
                    .edge, id, "condition_expression",
                    UnsavedChanges.same(mine.conditionExpression, theirs.conditionExpression))
                walker.field(
                    .edge, id, "condition_label",
                    UnsavedChanges.same(mine.conditionLabel, theirs.conditionLabel))
                walker.field(.edge, id, "enabled", mine.enabled == theirs.enabled)
            }
            if done { return }
            positions(document.positions, base.positions)
        }

        /// Matches entities by id. A second entity with one id counts as added (or removed).
        mutating func entities<Entity>(
            _ kind: ReconcileSummary.EntityKind, _ mine: [Entity], _ theirs: [Entity], id: (Entity) -> String,
            fields: (inout Walker, Entity, Entity) -> Void
        ) {
            // Fast path: the same ids in the same order, which is the usual case.
            if mine.count == theirs.count {
                var aligned = true
                for index in mine.indices where id(mine[index]) != id(theirs[index]) {
                    aligned = false
                    break
                }
                if aligned {
                    for index in mine.indices {
                        fields(&self, mine[index], theirs[index])
                        if done { return }
                    }
                    return
                }
            }
            var theirsByID: [String: Int] = [:]
            theirsByID.reserveCapacity(theirs.count)
            for (index, entity) in theirs.enumerated() where theirsByID[id(entity)] == nil {
                theirsByID[id(entity)] = index
            }
            var matched = Set<String>()
            for entity in mine {
                let entityID = id(entity)
                if let index = theirsByID[entityID], matched.insert(entityID).inserted {
                    fields(&self, entity, theirs[index])
                } else {
                    note(kind, entityID, nil, .added)
                }
                if done { return }
            }
            var seen = Set<String>()
            for entity in theirs {
                // In the base only, or a second entity of one id in the base.
                let entityID = id(entity)
                if !seen.insert(entityID).inserted || !matched.contains(entityID) {
                    note(kind, entityID, nil, .removed)
                    if done { return }
                }
            }
        }

        mutating func positions(_ mine: [String: Position], _ theirs: [String: Position]) {
            if mine == theirs { return }
            for key in mine.keys.sorted() {
                if let other = theirs[key] {
                    if other != mine[key] { note(.position, key, nil, .changed) }
                } else {
                    note(.position, key, nil, .added)
                }
                if done { return }
            }
            for key in theirs.keys.sorted() where mine[key] == nil {
                note(.position, key, nil, .removed)
                if done { return }
            }
        }
    }
}
