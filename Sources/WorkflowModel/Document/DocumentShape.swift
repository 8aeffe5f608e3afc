import YCRDT

/// The document's names and the conversions between values and document entries, shared by the
/// binding, the reconciler and (inside the module) the rebase.
///
/// Writing: every entity is one preliminary map whose keys come in the order of DESIGN.md's table,
/// then its unknown (`extra`) keys sorted by name. A nil field is written as `null`, as Lightning's
/// serializer does (Yex turns Elixir `nil` into `null`), so every reader sees every key.
/// Reading is tolerant: see ``DocumentRead``.
enum DocumentKey {
    static let workflow = "workflow"
    static let jobs = "jobs"
    static let triggers = "triggers"
    static let edges = "edges"
    static let positions = "positions"
    static let errors = "errors"

    static let workflowFields = [
        "id", "name", "lock_version", "deleted_at", "concurrency", "enable_job_logs",
    ]
    static let jobFields = [
        "id", "name", "body", "adaptor", "project_credential_id", "keychain_credential_id",
    ]
    static let triggerFields = [
        "id", "type", "enabled", "cron_expression", "cron_cursor_job_id", "webhook_reply",
        "kafka_configuration",
    ]
    static let edgeFields = [
        "id", "source_job_id", "source_trigger_id", "target_job_id", "condition_type", "condition_expression",
        "condition_label", "enabled",
    ]
    static let kafkaFields = [
        "connect_timeout", "group_id", "hosts_string", "initial_offset_reset_policy", "password", "sasl",
        "ssl",
        "topics_string", "username",
    ]
    static let kafkaFieldSet = Set(kafkaFields)

    static let workflowFieldSet = Set(workflowFields)
    static let jobFieldSet = Set(jobFields)
    static let triggerFieldSet = Set(triggerFields)
    static let edgeFieldSet = Set(edgeFields)
}

// MARK: - Values → document entries

/// The plain (last-writer-wins) fields of each entity, in document order, as `YAny`.
///
/// Job `body` and trigger `kafka_configuration` are nested types and are not in these lists.
enum DocumentFields {
    static func optional(_ value: String?) -> YAny { value.map(YAny.string) ?? .null }
    static func optional(_ value: Int?) -> YAny { value.map { .integer(Int64($0)) } ?? .null }
    static func optional(_ value: Bool?) -> YAny { value.map(YAny.bool) ?? .null }

    static func workflow(_ workflow: Workflow) -> [(String, YAny)] {
        [
            ("id", .string(workflow.id)),
            ("name", .string(workflow.name)),
            ("lock_version", .integer(Int64(workflow.lockVersion))),
            ("deleted_at", optional(workflow.deletedAt)),
            ("concurrency", optional(workflow.concurrency)),
            ("enable_job_logs", optional(workflow.enableJobLogs)),
        ]
    }

    /// Job fields other than `body`.
    static func job(_ job: Job) -> [(String, YAny)] {
        [
            ("id", .string(job.id)),
            ("name", .string(job.name)),
            ("adaptor", .string(job.adaptor)),
            ("project_credential_id", optional(job.projectCredentialID)),
            ("keychain_credential_id", optional(job.keychainCredentialID)),
        ]
    }

    /// Trigger fields other than `kafka_configuration`.
    static func trigger(_ trigger: Trigger) -> [(String, YAny)] {
        [
            ("id", .string(trigger.id)),
            ("type", .string(trigger.type.rawValue)),
            ("enabled", .bool(trigger.enabled)),
            ("cron_expression", optional(trigger.cronExpression)),
            ("cron_cursor_job_id", optional(trigger.cronCursorJobID)),
            ("webhook_reply", optional(trigger.webhookReply)),
        ]
    }

    static func edge(_ edge: Edge) -> [(String, YAny)] {
        [
            ("id", .string(edge.id)),
            ("source_job_id", optional(edge.sourceJobID)),
            ("source_trigger_id", optional(edge.sourceTriggerID)),
            ("target_job_id", .string(edge.targetJobID)),
            ("condition_type", .string(edge.conditionType.rawValue)),
            ("condition_expression", optional(edge.conditionExpression)),
            ("condition_label", optional(edge.conditionLabel)),
            ("enabled", .bool(edge.enabled)),
        ]
    }

    static func kafka(_ kafka: KafkaConfiguration) -> [(String, YAny)] {
        [
            ("connect_timeout", optional(kafka.connectTimeout)),
            ("group_id", optional(kafka.groupID)),
            ("hosts_string", optional(kafka.hostsString)),
            ("initial_offset_reset_policy", optional(kafka.initialOffsetResetPolicy)),
            ("password", optional(kafka.password)),
            ("sasl", optional(kafka.sasl)),
            ("ssl", optional(kafka.ssl)),
            ("topics_string", optional(kafka.topicsString)),
            ("username", optional(kafka.username)),
        ]
    }

    static func position(_ position: Position) -> YAny {
        .object(["x": .double(position.x), "y": .double(position.y)])
    }

    /// Unknown keys to write, sorted, leaving out any that would shadow a known key.
    static func extras(_ extra: [String: YAny], known: Set<String>) -> [(String, YAny)] {
        extra.keys.sorted().compactMap { key in known.contains(key) ? nil : (key, extra[key]!) }
    }
}

/// Preliminary maps for inserting whole entities, in the fixed key order.
enum DocumentInput {
    static func plain(_ fields: [(String, YAny)]) -> [(String, YInput)] {
        fields.map { ($0.0, .value($0.1)) }
    }

    static func job(_ job: Job) -> YInput {
        let fields = DocumentFields.job(job)
        // id, name, body, adaptor, … : the body goes third, as in the table.
        var entries = plain(Array(fields.prefix(2)))
        entries.append(("body", .text(job.body)))
        entries += plain(Array(fields.dropFirst(2)))
        entries += plain(DocumentFields.extras(job.extra, known: DocumentKey.jobFieldSet))
        return .map(entries)
    }

    static func trigger(_ trigger: Trigger) -> YInput {
        var entries = plain(DocumentFields.trigger(trigger))
        entries.append(("kafka_configuration", kafka(trigger.kafkaConfiguration)))
        entries += plain(DocumentFields.extras(trigger.extra, known: DocumentKey.triggerFieldSet))
        return .map(entries)
    }

    static func kafka(_ kafka: KafkaConfiguration?) -> YInput {
        guard let kafka else { return .value(.null) }
        return .map(
            plain(DocumentFields.kafka(kafka) + DocumentFields.extras(kafka.extra, known: DocumentKey.kafkaFieldSet)))
    }

    static func edge(_ edge: Edge) -> YInput {
        .map(
            plain(
                DocumentFields.edge(edge) + DocumentFields.extras(edge.extra, known: DocumentKey.edgeFieldSet)
            ))
    }
}

// MARK: - Document entries → values

/// Tolerant reads of single entries: a wrong type reads as absent, never as a crash.
enum DocumentRead {
    static func string(_ value: YValue?) -> String? {
        if case .value(.string(let string)) = value { return string }
        return nil
    }

    static func int(_ value: YValue?) -> Int? {
        guard case .value(let any) = value, let integer = any.integerValue else {
            // A float with a fraction (a hand-edited document) rounds toward zero, as Lightning's `trunc`.
            if case .value(.double(let double)) = value, double.isFinite, abs(double) < 9e15 {
                return Int(double)
            }
            return nil
        }
        return Int(clamping: integer)
    }

    static func bool(_ value: YValue?) -> Bool? {
        if case .value(.bool(let bool)) = value { return bool }
        return nil
    }

    static func double(_ value: YAny?) -> Double? { value?.number }

    /// A body: a Y.Text, or a plain string (Lightning's first reconciler wrote plain strings).
    static func body(_ value: YValue?) -> String {
        switch value {
        case .text(let text): text.string
        case .value(.string(let string)): string
        default: ""
        }
    }

    /// The keys of `map` not in `known`, as plain values (nested types become their JSON).
    static func extras(_ map: YMap, known: Set<String>) -> [String: YAny] {
        var extra: [String: YAny] = [:]
        for key in map.keys where !known.contains(key) {
            if let value = map[key] { extra[key] = value.json }
        }
        return extra
    }

    static func job(_ map: YMap) -> Job {
        Job(
            id: string(map["id"]) ?? "",
            name: string(map["name"]) ?? "",
            body: body(map["body"]),
            adaptor: string(map["adaptor"]) ?? Job.defaultAdaptor,
            projectCredentialID: string(map["project_credential_id"]),
            keychainCredentialID: string(map["keychain_credential_id"]),
            extra: extras(map, known: DocumentKey.jobFieldSet))
    }

    static func trigger(_ map: YMap) -> Trigger {
        Trigger(
            id: string(map["id"]) ?? "",
            type: string(map["type"]).flatMap(Trigger.Kind.init(rawValue:)) ?? .webhook,
            enabled: bool(map["enabled"]) ?? true,
            cronExpression: string(map["cron_expression"]),
            cronCursorJobID: string(map["cron_cursor_job_id"]),
            webhookReply: string(map["webhook_reply"]),
            kafkaConfiguration: kafka(map["kafka_configuration"]),
            extra: extras(map, known: DocumentKey.triggerFieldSet))
    }

    /// A Kafka configuration from a nested map or a plain object, its unknown keys in `extra`; nil when
    /// it is neither.
    static func kafka(_ value: YValue?) -> KafkaConfiguration? {
        let entry: (String) -> YValue?
        var extra: [String: YAny] = [:]
        switch value {
        case .map(let map):
            entry = { map[$0] }
            extra = extras(map, known: DocumentKey.kafkaFieldSet)
        case .value(.object(let object)):
            entry = { object[$0].map(YValue.value) }
            for (key, value) in object where !DocumentKey.kafkaFieldSet.contains(key) { extra[key] = value }
        default: return nil
        }
        return KafkaConfiguration(
            connectTimeout: int(entry("connect_timeout")),
            groupID: string(entry("group_id")),
            hostsString: string(entry("hosts_string")),
            initialOffsetResetPolicy: string(entry("initial_offset_reset_policy")),
            password: string(entry("password")),
            sasl: string(entry("sasl")),
            ssl: bool(entry("ssl")),
            topicsString: string(entry("topics_string")),
            username: string(entry("username")),
            extra: extra)
    }

    /// An edge; a missing or unknown `condition_type` takes ``Edge/defaultCondition(sourceTriggerID:)``.
    static func edge(_ map: YMap) -> Edge {
        Edge(
            id: string(map["id"]) ?? "",
            sourceJobID: string(map["source_job_id"]),
            sourceTriggerID: string(map["source_trigger_id"]),
            targetJobID: string(map["target_job_id"]) ?? "",
            conditionType: string(map["condition_type"]).flatMap(Edge.Condition.init(rawValue:)),
            conditionExpression: string(map["condition_expression"]),
            conditionLabel: string(map["condition_label"]),
            enabled: bool(map["enabled"]) ?? true,
            extra: extras(map, known: DocumentKey.edgeFieldSet))
    }

    /// A position from a plain `{x, y}` object or a nested map; nil when it is neither. A missing
    /// coordinate reads as 0.
    static func position(_ value: YValue) -> Position? {
        switch value {
        case .value(.object(let object)):
            return Position(x: object["x"]?.number ?? 0, y: object["y"]?.number ?? 0)
        case .map(let map):
            return Position(x: map["x"]?.anyValue?.number ?? 0, y: map["y"]?.anyValue?.number ?? 0)
        default:
            return nil
        }
    }

    /// The entity maps of an array; elements that are not maps are skipped.
    static func maps(_ array: YArray) -> [YMap] {
        array.values.compactMap(\.mapValue)
    }
}

// MARK: - Comparing document entries with values

enum DocumentCompare {
    /// Whether a document entry already holds `value`: numbers by value (pycrdt's 3.0 is 3), `null`
    /// and a missing key alike, strings byte for byte, objects and arrays element by element. A nested
    /// type never equals a plain value.
    static func holds(_ entry: YValue?, _ value: YAny) -> Bool {
        switch entry {
        case nil: return isAbsent(value)
        case .value(let any): return same(any, value)
        default: return false
        }
    }

    static func isAbsent(_ value: YAny) -> Bool {
        switch value {
        case .null, .undefined: true
        default: false
        }
    }

    static func same(_ lhs: YAny, _ rhs: YAny) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)):
            // Byte for byte: canonically equivalent strings are still different text to a peer.
            return TextDiff.identical(left, right)
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            for (key, value) in left {
                guard let other = right[key], same(value, other) else { return false }
            }
            return true
        case (.array(let left), .array(let right)):
            guard left.count == right.count else { return false }
            for index in left.indices where !same(left[index], right[index]) { return false }
            return true
        default:
            if let left = lhs.number, let right = rhs.number { return left == right }
            if isAbsent(lhs), isAbsent(rhs) { return true }
            return lhs == rhs
        }
    }
}
