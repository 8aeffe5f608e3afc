import YCRDT

/// One field of an entity as the three-way merge sees it: its document key, its value as JSON for a
/// conflict, whether two entities hold the same value (compared as the unsaved-changes marker compares),
/// and how to copy it from one entity to another.
struct MergeField<Entity> {
    let key: String
    let json: (Entity) -> YAny
    let same: (Entity, Entity) -> Bool
    let copy: (Entity, inout Entity) -> Void
    /// The key a conflict names, given theirs' entity (the key itself, except for compound fields).
    var conflictKey: ((Entity) -> String)? = nil

    func conflictKey(for theirs: Entity) -> String { conflictKey?(theirs) ?? key }
}

extension MergeField {
    /// A string field, compared trimmed.
    static func text(_ key: String, _ path: WritableKeyPath<Entity, String>) -> Self {
        Self(
            key: key, json: { .string($0[keyPath: path]) },
            same: { MergeNormalization.same($0[keyPath: path], $1[keyPath: path]) },
            copy: { $1[keyPath: path] = $0[keyPath: path] })
    }

    /// An optional string field, compared trimmed with nil as empty, a blank value as `fallback`.
    static func text(
        _ key: String, _ path: WritableKeyPath<Entity, String?>, default fallback: String = ""
    ) -> Self {
        Self(
            key: key, json: { $0[keyPath: path].map(YAny.string) ?? .null },
            same: { MergeNormalization.same($0[keyPath: path], $1[keyPath: path], default: fallback) },
            copy: { $1[keyPath: path] = $0[keyPath: path] })
    }

    /// A field compared exactly.
    static func exact<Value: Equatable>(
        _ key: String, _ path: WritableKeyPath<Entity, Value>, json: @escaping (Value) -> YAny
    ) -> Self {
        Self(
            key: key, json: { json($0[keyPath: path]) }, same: { $0[keyPath: path] == $1[keyPath: path] },
            copy: { $1[keyPath: path] = $0[keyPath: path] })
    }
}

/// The fields of each entity that the merge takes key by key. Job bodies are merged by lines and
/// `extra` keys one by one, separately; ids are what entities are matched by. (Computed rather than
/// stored: closures over key paths are not `Sendable`, and building a list of a few fields is cheap.)
enum MergeFields {
    static var workflow: [MergeField<Workflow>] {
        [
            .text("name", \.name),
            .text("deleted_at", \.deletedAt),
            .exact("concurrency", \.concurrency) { $0.map { .integer(Int64($0)) } ?? .null },
            .exact("enable_job_logs", \.enableJobLogs) { $0.map(YAny.bool) ?? .null },
        ]
    }

    static var job: [MergeField<Job>] {
        [
            .text("name", \.name),
            .text("adaptor", \.adaptor),
            .text("project_credential_id", \.projectCredentialID),
            .text("keychain_credential_id", \.keychainCredentialID),
        ]
    }

    static var trigger: [MergeField<Trigger>] {
        [
            .exact("type", \.type) { .string($0.rawValue) },
            .exact("enabled", \.enabled) { .bool($0) },
            .text("cron_expression", \.cronExpression, default: "0 0 * * *"),
            .text("cron_cursor_job_id", \.cronCursorJobID),
            .text("webhook_reply", \.webhookReply, default: "before_start"),
            MergeField(
                key: "kafka_configuration", json: { $0.kafkaConfiguration.map(json) ?? .null },
                same: { MergeNormalization.same($0.kafkaConfiguration, $1.kafkaConfiguration) },
                copy: { $1.kafkaConfiguration = $0.kafkaConfiguration }),
        ]
    }

    /// An edge's two source keys merge as one value (an edge has one source, so taking the job source
    /// from one side and the trigger source from the other would give it two). A conflict names the key
    /// the new version uses.
    static var edgeSource: MergeField<Edge> {
        MergeField<Edge>(
            key: "source_job_id",
            json: { edge in
                edge.sourceTriggerID.map(YAny.string) ?? edge.sourceJobID.map(YAny.string) ?? .null
            },
            same: {
                MergeNormalization.same($0.sourceJobID, $1.sourceJobID)
                    && MergeNormalization.same($0.sourceTriggerID, $1.sourceTriggerID)
            },
            copy: {
                $1.sourceJobID = $0.sourceJobID
                $1.sourceTriggerID = $0.sourceTriggerID
            },
            conflictKey: { ($0.sourceTriggerID ?? "").isEmpty ? "source_job_id" : "source_trigger_id" })
    }

    static var edge: [MergeField<Edge>] {
        [
            edgeSource,
            .text("target_job_id", \.targetJobID),
            .exact("condition_type", \.conditionType) { .string($0.rawValue) },
            .text("condition_expression", \.conditionExpression),
            .text("condition_label", \.conditionLabel),
            .exact("enabled", \.enabled) { .bool($0) },
        ]
    }

    static func json(_ kafka: KafkaConfiguration) -> YAny {
        func text(_ value: String?) -> YAny { value.map(YAny.string) ?? .null }
        var object: YObject = [
            "connect_timeout": kafka.connectTimeout.map { .integer(Int64($0)) } ?? .null,
            "group_id": text(kafka.groupID), "hosts_string": text(kafka.hostsString),
            "initial_offset_reset_policy": text(kafka.initialOffsetResetPolicy),
            "password": text(kafka.password), "sasl": text(kafka.sasl),
            "ssl": kafka.ssl.map(YAny.bool) ?? .null,
            "topics_string": text(kafka.topicsString), "username": text(kafka.username),
        ]
        for (key, value) in DocumentFields.extras(kafka.extra, known: DocumentKey.kafkaFieldSet) {
            object[key] = value
        }
        return .object(object)
    }

    static func json(_ position: Position) -> YAny { ["x": .double(position.x), "y": .double(position.y)] }

    /// An entity in the document's shape, for a conflict that carries a whole entity.
    static func json<Entity>(
        _ entity: Entity, id: String, fields: [MergeField<Entity>], extra: [String: YAny],
        more: [(String, YAny)] = []
    ) -> YAny {
        var object = YObject()
        object["id"] = .string(id)
        for field in fields { object[field.key] = field.json(entity) }
        for (key, value) in more { object[key] = value }
        for key in extra.keys.sorted() where object[key] == nil { object[key] = extra[key] }
        return .object(object)
    }

    static func json(_ job: Job) -> YAny {
        json(job, id: job.id, fields: MergeFields.job, extra: job.extra, more: [("body", .string(job.body))])
    }

    static func json(_ trigger: Trigger) -> YAny {
        json(trigger, id: trigger.id, fields: MergeFields.trigger, extra: trigger.extra)
    }

    static func json(_ edge: Edge) -> YAny {
        json(
            edge, id: edge.id, fields: MergeFields.edge.filter { $0.key != "source_job_id" },
            extra: edge.extra,
            more: [
                ("source_job_id", edge.sourceJobID.map(YAny.string) ?? .null),
                ("source_trigger_id", edge.sourceTriggerID.map(YAny.string) ?? .null),
            ])
    }
}

/// "Changed" as the unsaved-changes marker decides it (Lightning's compare): strings trimmed as
/// JavaScript's `trim()` trims, nil the same as empty, a blank value the same as the field's default.
///
/// Strings and Kafka settings go through ``UnsavedChanges``'s own normalisation, so the merge and the
/// marker cannot drift apart; ThreeWayMergeTests holds them together.
enum MergeNormalization {
    static func same(_ lhs: String?, _ rhs: String?, default fallback: String = "") -> Bool {
        fallback.isEmpty ? UnsavedChanges.same(lhs, rhs) : UnsavedChanges.same(lhs, rhs, default: fallback)
    }

    static func same(_ lhs: KafkaConfiguration?, _ rhs: KafkaConfiguration?) -> Bool {
        UnsavedChanges.same(lhs, rhs)
    }

    /// Extra keys (which the marker does not compare): a missing key, null and undefined are the same;
    /// strings compare trimmed.
    static func same(_ lhs: YAny?, _ rhs: YAny?) -> Bool {
        func normal(_ value: YAny?) -> YAny? {
            switch value {
            case nil, .null?, .undefined?: return nil
            case .string(let text)?:
                let trimmed = String(UnsavedChanges.trimmed(text))
                return trimmed.isEmpty ? nil : .string(trimmed)
            case let other?: return other
            }
        }
        return normal(lhs) == normal(rhs)
    }
}
