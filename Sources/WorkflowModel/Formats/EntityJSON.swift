import Foundation
import YCRDT

/// One entity as the provisioning JSON and the state file hold it: alive, or marked `"delete": true`.
enum EntityRead<Value> {
    case live(Value)
    case deleted(id: String)
}

/// Jobs, triggers, edges, credentials and collections in the JSON shape Lightning's provisioning API
/// takes and returns (`LightningWeb.API.ProvisioningJSON`), which the CLI's state file shares.
enum EntityJSON {
    static let jobKeys = [
        "id", "name", "adaptor", "body", "project_credential_id", "keychain_credential_id", "delete",
    ]
    static let triggerKeys = [
        "id", "type", "enabled", "cron_expression", "cron_cursor_job_id", "webhook_reply",
        "webhook_response_config",
        "kafka_configuration", "comment", "custom_path", "delete",
    ]
    /// Trigger keys Weft has no field for, kept in ``Trigger/extra`` and written back.
    static let triggerExtraKeys = ["webhook_response_config", "comment", "custom_path"]
    static let kafkaKeys = [
        "hosts", "topics", "initial_offset_reset_policy", "connect_timeout", "group_id", "sasl", "ssl",
        "username",
        "password",
    ]
    static let edgeKeys = [
        "id", "source_job_id", "source_trigger_id", "target_job_id", "condition_type", "condition_expression",
        "condition_label", "enabled", "delete",
    ]
    static let credentialKeys = ["id", "name", "owner"]
    static let collectionKeys = ["id", "name", "delete"]

    /// Whether `text` is a UUID (8-4-4-4-12 hex digits), as Lightning's ids are.
    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// Reads the id, and `delete: true`: a deleted entity may carry nothing but its id (Lightning refuses
    /// "cannot change or add a record while deleting").
    static func identity(
        _ fields: FormatReader.Fields, what: String, reader: inout FormatReader
    ) -> (id: String, deleted: Bool)? {
        let id = reader.string(fields, "id", required: true, nonEmpty: true)
        if let id, !id.isEmpty, !isUUID(id) {
            reader.report(
                .invalidValue, fields.path / "id", at: fields["id"],
                "\"\(id)\" is not a UUID; every id in a provisioning document is a UUID")
        }
        let deleted = reader.bool(fields, "delete") ?? false
        if deleted {
            for key in fields.keys where key != "id" && key != "delete" {
                reader.report(
                    .invalidValue, fields.path / key, at: fields[key],
                    "\(what) marked \"delete\": true may hold only its id (cannot change or add a record while deleting)"
                )
            }
        }
        return id.map { ($0, deleted) }
    }

    // MARK: Reading

    static func readJob(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> EntityRead<Job>? {
        guard let fields = reader.fields(node, at: path, allowed: jobKeys, required: ["id"], what: "a job")
        else { return nil }
        guard let found = identity(fields, what: "a job", reader: &reader) else { return nil }
        let id = found.id
        let deleted = found.deleted
        if deleted { return .deleted(id: id) }
        if !fields.has("name") {
            reader.report(.missingKey, path / "name", at: node, "a job has no \"name\"")
        }
        return .live(
            Job(
                id: id, name: reader.string(fields, "name", required: true) ?? "",
                body: reader.string(fields, "body") ?? "",
                adaptor: reader.string(fields, "adaptor") ?? Job.defaultAdaptor,
                projectCredentialID: reader.string(fields, "project_credential_id"),
                keychainCredentialID: reader.string(fields, "keychain_credential_id")))
    }

    static func readTrigger(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> EntityRead<Trigger>? {
        guard
            let fields = reader.fields(
                node, at: path, allowed: triggerKeys, required: ["id"], what: "a trigger")
        else {
            return nil
        }
        guard let found = identity(fields, what: "a trigger", reader: &reader) else { return nil }
        let id = found.id
        let deleted = found.deleted
        if deleted { return .deleted(id: id) }
        if !fields.has("type") {
            reader.report(.missingKey, path / "type", at: node, "a trigger has no \"type\"")
        }
        let type = reader.choice(fields, "type", as: Trigger.Kind.self, required: true)
        var trigger = Trigger(
            id: id, type: type ?? .webhook, enabled: reader.bool(fields, "enabled") ?? true,
            cronExpression: reader.string(fields, "cron_expression"),
            cronCursorJobID: reader.string(fields, "cron_cursor_job_id"),
            webhookReply: reader.string(fields, "webhook_reply"))
        for key in triggerExtraKeys {
            if let value = fields[key], !value.isNull { trigger.extra[key] = value.anyValue }
        }
        if let config = fields["webhook_response_config"], !config.isNull,
            let response = reader.fields(
                config, at: path / "webhook_response_config", allowed: ["success_code", "error_code"],
                what: "webhook_response_config")
        {
            _ = reader.integer(response, "success_code")
            _ = reader.integer(response, "error_code")
        }
        if let node = fields["kafka_configuration"], !node.isNull {
            trigger.kafkaConfiguration = readKafka(node, at: path / "kafka_configuration", reader: &reader)
        }
        return type == nil ? nil : .live(trigger)
    }

    static func readKafka(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> KafkaConfiguration? {
        // Keys Weft has no field for are kept in `extra`, as Lightning's own configuration casts what it
        // knows and its output holds keys Weft does not model (`partition_timestamps`, `reset_request`).
        var allowed = kafkaKeys
        if case .mapping(let members) = node.content { allowed += members.map(\.key).filter { !allowed.contains($0) } }
        guard let fields = reader.fields(node, at: path, allowed: allowed, what: "kafka_configuration")
        else { return nil }
        for key in ["username", "password"] where fields.has(key) {
            reader.report(
                .invalidValue, path / key, at: fields[key],
                "Kafka credentials are changed in Lightning's dashboard, never in a project file")
        }
        var config = KafkaConfiguration(
            connectTimeout: reader.integer(fields, "connect_timeout"),
            groupID: reader.string(fields, "group_id"),
            initialOffsetResetPolicy: reader.string(fields, "initial_offset_reset_policy"),
            sasl: reader.string(fields, "sasl"), ssl: reader.bool(fields, "ssl"))
        if let hosts = reader.list(fields, "hosts", what: "\"hosts\"") {
            var written: [String] = []
            for (index, host) in hosts.enumerated() {
                let hostPath = (path / "hosts").appending(index: index)
                guard case .sequence(let parts) = host.content, parts.count == 2,
                    let name = reader.string(parts[0], at: hostPath.appending(index: 0), required: true),
                    let port = reader.string(parts[1], at: hostPath.appending(index: 1), required: true)
                else {
                    reader.report(
                        .wrongType, hostPath, at: host, "a Kafka host is a list of two: [host, port]")
                    continue
                }
                written.append("\(name):\(port)")
            }
            config.hostsString = written.joined(separator: ", ")
        }
        if let topics = reader.stringList(fields, "topics") {
            config.topicsString = topics.joined(separator: ", ")
        }
        for key in fields.keys where !kafkaKeys.contains(key) {
            if let value = reader.verbatim(fields, key) { config.extra[key] = value }
        }
        return config
    }

    static func readEdge(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> EntityRead<Edge>? {
        guard let fields = reader.fields(node, at: path, allowed: edgeKeys, required: ["id"], what: "an edge")
        else {
            return nil
        }
        guard let found = identity(fields, what: "an edge", reader: &reader) else { return nil }
        let id = found.id
        let deleted = found.deleted
        if deleted { return .deleted(id: id) }
        if !fields.has("target_job_id") {
            reader.report(.missingKey, path / "target_job_id", at: node, "an edge has no \"target_job_id\"")
        }
        let sourceJob = reader.string(fields, "source_job_id")
        let sourceTrigger = reader.string(fields, "source_trigger_id")
        if sourceJob == nil && sourceTrigger == nil {
            reader.report(
                .missingKey, path, at: node, "an edge has no source: give source_job_id or source_trigger_id")
        } else if sourceJob != nil && sourceTrigger != nil {
            reader.report(
                .invalidValue, path / "source_job_id", at: fields["source_job_id"],
                "an edge has both source_job_id and source_trigger_id; it has one source")
        }
        return .live(
            Edge(
                id: id, sourceJobID: sourceJob, sourceTriggerID: sourceTrigger,
                targetJobID: reader.string(fields, "target_job_id", required: true) ?? "",
                conditionType: reader.choice(fields, "condition_type", as: Edge.Condition.self),
                conditionExpression: reader.string(fields, "condition_expression"),
                conditionLabel: reader.string(fields, "condition_label"),
                enabled: reader.bool(fields, "enabled") ?? true))
    }

    static func readCredential(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> ProjectCredential? {
        guard
            let fields = reader.fields(
                node, at: path, allowed: credentialKeys, required: credentialKeys,
                what: "a project credential")
        else { return nil }
        guard let id = identity(fields, what: "a credential", reader: &reader)?.id else { return nil }
        return ProjectCredential(
            id: id, name: reader.string(fields, "name", required: true) ?? "",
            owner: reader.string(fields, "owner"))
    }

    static func readCollection(
        _ node: FormatNode, at path: FormatPath, reader: inout FormatReader
    ) -> EntityRead<ProjectCollection>? {
        guard
            let fields = reader.fields(
                node, at: path, allowed: collectionKeys, required: ["id"], what: "a collection")
        else { return nil }
        guard let found = identity(fields, what: "a collection", reader: &reader) else { return nil }
        let id = found.id
        let deleted = found.deleted
        if deleted { return .deleted(id: id) }
        return .live(ProjectCollection(id: id, name: reader.string(fields, "name", required: true) ?? ""))
    }

    // MARK: Writing

    static func deleted(_ id: String) -> FormatNode {
        .mapping([("id", .string(id)), ("delete", .bool(true))])
    }

    static func optional(_ value: String?) -> FormatNode { value.map(FormatNode.string) ?? .null }

    static func job(_ job: Job) -> FormatNode {
        var members: [(String, FormatNode)] = [
            ("id", .string(job.id)), ("name", .string(job.name)), ("adaptor", .string(job.adaptor)),
            ("body", .string(job.body)), ("project_credential_id", optional(job.projectCredentialID)),
        ]
        if let keychain = job.keychainCredentialID {
            members.append(("keychain_credential_id", .string(keychain)))
        }
        return .mapping(members)
    }

    static func trigger(_ trigger: Trigger) -> FormatNode {
        var members: [(String, FormatNode)] = [
            ("id", .string(trigger.id)), ("type", .string(trigger.type.rawValue)),
            ("enabled", .bool(trigger.enabled)),
        ]
        if let cron = trigger.cronExpression { members.append(("cron_expression", .string(cron))) }
        if let cursor = trigger.cronCursorJobID { members.append(("cron_cursor_job_id", .string(cursor))) }
        if let reply = trigger.webhookReply { members.append(("webhook_reply", .string(reply))) }
        if let kafka = trigger.kafkaConfiguration {
            members.append(("kafka_configuration", Self.kafka(kafka)))
        }
        for key in triggerExtraKeys {
            if let value = trigger.extra[key] { members.append((key, FormatNode(any: value))) }
        }
        return .mapping(members)
    }

    static func kafka(_ config: KafkaConfiguration) -> FormatNode {
        var members: [(String, FormatNode)] = []
        if let hosts = config.hostsString {
            let pairs = splitList(hosts).map { host -> FormatNode in
                guard let colon = host.lastIndex(of: ":") else {
                    return .sequence([.string(host), .string("")])
                }
                return .sequence([
                    .string(String(host[..<colon])), .string(String(host[host.index(after: colon)...])),
                ])
            }
            members.append(("hosts", .sequence(pairs)))
        }
        if let topics = config.topicsString {
            members.append(("topics", .sequence(splitList(topics).map(FormatNode.string))))
        }
        if let policy = config.initialOffsetResetPolicy {
            members.append(("initial_offset_reset_policy", .string(policy)))
        }
        if let timeout = config.connectTimeout { members.append(("connect_timeout", .integer(timeout))) }
        if let group = config.groupID { members.append(("group_id", .string(group))) }
        if let sasl = config.sasl { members.append(("sasl", .string(sasl))) }
        if let ssl = config.ssl { members.append(("ssl", .bool(ssl))) }
        for key in config.extra.keys.sorted() where !kafkaKeys.contains(key) {
            members.append((key, FormatNode(any: config.extra[key]!)))
        }
        return .mapping(members)
    }

    /// `"a, b"` → `["a", "b"]`, as Lightning's `hosts_string` and `topics_string` are joined.
    static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func edge(_ edge: Edge) -> FormatNode {
        var members: [(String, FormatNode)] = [("id", .string(edge.id))]
        if let source = edge.sourceJobID { members.append(("source_job_id", .string(source))) }
        if let source = edge.sourceTriggerID { members.append(("source_trigger_id", .string(source))) }
        members.append(("target_job_id", .string(edge.targetJobID)))
        members.append(("condition_type", .string(edge.conditionType.rawValue)))
        if let expression = edge.conditionExpression {
            members.append(("condition_expression", .string(expression)))
        }
        if let label = edge.conditionLabel { members.append(("condition_label", .string(label))) }
        members.append(("enabled", .bool(edge.enabled)))
        return .mapping(members)
    }

    static func credential(_ credential: ProjectCredential) -> FormatNode {
        .mapping([
            ("id", .string(credential.id)), ("name", .string(credential.name)),
            ("owner", optional(credential.owner)),
        ])
    }

    static func collection(_ collection: ProjectCollection) -> FormatNode {
        .mapping([("id", .string(collection.id)), ("name", .string(collection.name))])
    }

    /// Values kept verbatim, in `order` first and then the rest by key.
    static func verbatim(_ fields: [String: YAny], order: [String]) -> [(String, FormatNode)] {
        let rest = fields.keys.filter { !order.contains($0) }.sorted()
        return (order + rest).compactMap { key in fields[key].map { (key, FormatNode(any: $0)) } }
    }
}

/// A collection of a project: a named key-value store its jobs use.
public struct ProjectCollection: Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
