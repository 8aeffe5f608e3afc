import Foundation

/// OpenFn's project-as-code v1: `project.yaml` as Lightning exports it and `openfn deploy` reads it.
///
/// ```yaml
/// name: my-project
/// credentials:
///   me@example.com-api:            # the key jobs name it by
///     name: api
///     owner: me@example.com
/// workflows:
///   ingest:
///     name: ingest
///     jobs:
///       fetch:
///         name: fetch
///         adaptor: '@openfn/language-http@latest'
///         credential: me@example.com-api    # or owner|name
///         body: |
///           get('/patients')
///     triggers:
///       webhook:
///         type: webhook
///         enabled: true
///     edges:
///       webhook->fetch:
///         source_trigger: webhook
///         target_job: fetch
///         condition_type: always
/// ```
///
/// The same document in JSON (as `@openfn/deploy`'s tests spell it) reads too.
public enum ProjectYAML {
    /// Reads a project spec.
    ///
    /// - Parameters:
    ///   - text: The file's text (YAML, or the same shape in JSON).
    ///   - file: The file's name, for messages.
    ///   - readBody: Supplies the text of a job body written as `{path: …}`, given that path as written
    ///     (relative to the project file). Without it such a body keeps its path and `content`, and
    ///     ``ProjectSpec/unresolvedBodies`` lists it. An error it throws is reported at the path.
    /// - Throws: ``FormatError`` with every problem found: syntax, unknown or missing keys, wrong types,
    ///   invalid values, names that refer to nothing (an edge's job, a job's credential, a cron cursor).
    public static func parse(
        _ text: String, file: String, readBody: ((_ path: String) throws -> String)? = nil
    ) throws(FormatError) -> ProjectSpec {
        try parseLocated(text, file: file, readBody: readBody).spec
    }

    /// ``parse(_:file:readBody:)``, also returning where each value is in the file (by path, as
    /// ``FormatPath`` writes it: `workflows.ingest.jobs.fetch.adaptor`).
    public static func parseLocated(
        _ text: String, file: String, readBody: ((_ path: String) throws -> String)? = nil
    ) throws(FormatError) -> (spec: ProjectSpec, locations: FormatLocations) {
        let (tree, problems) = parseTree(text, file: file)
        guard let tree else { throw FormatError(problems: problems) }
        var reader = FormatReader(file: file, problems: problems)
        let spec = SpecReader.read(tree, reader: &reader, readBody: readBody)
        if let error = reader.error() { throw error }
        guard let spec else { throw FormatError(problems: reader.problems) }
        return (spec, FormatLocations(reader.locations))
    }

    /// JSON-looking text is parsed as JSON (exact about escapes and numbers), anything else as YAML.
    static func parseTree(_ text: String, file: String) -> (node: FormatNode?, problems: [FormatProblem]) {
        let start = text.unicodeScalars.first { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }
        if start == "{", case .success(let node) = FormatNode.parseJSON(text, file: file) {
            return (node, [])
        }
        return FormatNode.parseYAML(text, file: file)
    }

    /// The spec as YAML, in Lightning's key order and style: bodies as literal blocks, adaptors and cron
    /// expressions single-quoted, keys the file spelled empty kept as they were.
    public static func write(_ spec: ProjectSpec) -> String {
        FormatWriter.yaml(SpecWriter.tree(spec))
    }

    /// The spec in its JSON spelling (`@openfn/deploy`'s `ProjectSpec` object).
    public static func writeJSON(_ spec: ProjectSpec) -> String {
        FormatWriter.json(SpecWriter.tree(spec))
    }
}

/// Where values are in a file, by path.
public struct FormatLocations: Hashable, Sendable {
    public var byPath: [String: FormatLocation]

    public init(_ byPath: [String: FormatLocation] = [:]) {
        self.byPath = byPath
    }

    public subscript(path: String) -> FormatLocation? { byPath[path] }

    /// The location of `path`, or of the nearest enclosing path that has one.
    public func nearest(_ path: FormatPath) -> FormatLocation? {
        var components = path.components
        while true {
            if let location = byPath[FormatPath(components).description] { return location }
            if components.isEmpty { return nil }
            components.removeLast()
        }
    }
}

// MARK: - Reading

private enum SpecReader {
    static let projectKeys = ["name", "description", "collections", "channels", "credentials", "workflows"]
    static let credentialKeys = ["name", "owner"]
    static let collectionKeys = ["name"]
    static let channelKeys = ["name", "destination_url", "enabled", "destination_credential"]
    static let workflowKeys = ["id", "name", "jobs", "triggers", "edges"]
    static let jobKeys = ["id", "name", "adaptor", "credential", "body"]
    static let bodyKeys = ["path", "content"]
    static let triggerKeys = [
        "type", "webhook_reply", "webhook_response_config", "cron_expression", "cron_cursor_job", "enabled",
        "kafka_configuration",
    ]
    static let webhookResponseKeys = ["success_code", "error_code"]
    static let kafkaKeys = ["hosts", "topics", "initial_offset_reset_policy", "connect_timeout"]
    static let edgeKeys = [
        "source_trigger", "source_job", "target_job", "condition_type", "condition_label",
        "condition_expression",
        "enabled",
    ]

    static func emptyKeys(_ fields: FormatReader.Fields) -> [String: EmptyValue] {
        var empty: [String: EmptyValue] = [:]
        for member in fields.members {
            if member.value.isNull {
                empty[member.key] = .null
            } else if case .mapping(let members) = member.value.content, members.isEmpty {
                empty[member.key] = .emptyMapping
            } else if case .sequence(let items) = member.value.content, items.isEmpty {
                empty[member.key] = .emptyList
            }
        }
        return empty
    }

    static func read(
        _ root: FormatNode, reader: inout FormatReader, readBody: ((String) throws -> String)?
    ) -> ProjectSpec? {
        guard
            let project = reader.fields(
                root, at: .root, allowed: projectKeys, required: ["name"], what: "the project")
        else { return nil }
        let name = reader.string(project, "name", required: true, nonEmpty: true) ?? ""
        let description = reader.string(project, "description")

        var credentials: [CredentialSpec] = []
        let credentialsPath = FormatPath.root / "credentials"
        for entry in reader.keyedEntries(project["credentials"], at: credentialsPath, what: "credentials") {
            let path = credentialsPath / entry.key
            guard
                let fields = reader.fields(
                    entry.value, at: path, allowed: credentialKeys, required: credentialKeys,
                    what: "credential \"\(entry.key)\"")
            else { continue }
            credentials.append(
                CredentialSpec(
                    key: entry.key, name: reader.string(fields, "name", required: true, nonEmpty: true) ?? "",
                    owner: reader.string(fields, "owner", required: true, nonEmpty: true) ?? ""))
        }

        var collections: [CollectionSpec] = []
        let collectionsPath = FormatPath.root / "collections"
        for entry in reader.keyedEntries(project["collections"], at: collectionsPath, what: "collections") {
            let path = collectionsPath / entry.key
            guard
                let fields = reader.fields(
                    entry.value, at: path, allowed: collectionKeys, required: ["name"],
                    what: "collection \"\(entry.key)\"")
            else { continue }
            collections.append(
                CollectionSpec(
                    key: entry.key, name: reader.string(fields, "name", required: true, nonEmpty: true) ?? "")
            )
        }

        var spec = ProjectSpec(
            name: name, description: description, credentials: credentials, collections: collections,
            emptyKeys: emptyKeys(project))

        let channelsPath = FormatPath.root / "channels"
        for entry in reader.keyedEntries(project["channels"], at: channelsPath, what: "channels") {
            let path = channelsPath / entry.key
            guard
                let fields = reader.fields(
                    entry.value, at: path, allowed: channelKeys, required: ["name"],
                    what: "channel \"\(entry.key)\"")
            else { continue }
            let credential = reader.string(fields, "destination_credential")
            if let credential, spec.credential(named: credential) == nil {
                reader.report(
                    .brokenReference, path / "destination_credential", at: fields["destination_credential"],
                    missingCredentialMessage(credential, in: spec))
            }
            spec.channels.append(
                ChannelSpec(
                    key: entry.key, name: reader.string(fields, "name", required: true, nonEmpty: true) ?? "",
                    destinationURL: reader.string(fields, "destination_url"),
                    enabled: reader.bool(fields, "enabled"),
                    destinationCredential: credential, emptyKeys: emptyKeys(fields)))
        }

        let workflowsPath = FormatPath.root / "workflows"
        for entry in reader.keyedEntries(project["workflows"], at: workflowsPath, what: "workflows") {
            if let workflow = readWorkflow(
                entry, at: workflowsPath / entry.key, spec: spec, reader: &reader, readBody: readBody)
            {
                spec.workflows.append(workflow)
            }
        }
        return spec
    }

    static func missingCredentialMessage(_ reference: String, in spec: ProjectSpec) -> String {
        let known = spec.credentials.map(\.key)
        return "no credential \"\(reference)\" in the project's credentials"
            + (known.isEmpty ? " (it has none)" : " (it has: \(known.joined(separator: ", ")))")
    }

    static func readWorkflow(
        _ entry: FormatNode.Member, at path: FormatPath, spec: ProjectSpec, reader: inout FormatReader,
        readBody: ((String) throws -> String)?
    ) -> WorkflowSpec? {
        guard
            let fields = reader.fields(
                entry.value, at: path, allowed: workflowKeys, required: ["name"],
                what: "workflow \"\(entry.key)\"")
        else { return nil }
        var workflow = WorkflowSpec(
            key: entry.key, id: reader.string(fields, "id"),
            name: reader.string(fields, "name", required: true) ?? "",
            emptyKeys: emptyKeys(fields))

        let jobEntries = reader.keyedEntries(
            fields["jobs"], at: path / "jobs", what: "the jobs of \"\(entry.key)\"")
        let triggerEntries = reader.keyedEntries(
            fields["triggers"], at: path / "triggers", what: "the triggers of \"\(entry.key)\"")
        let edgeEntries = reader.keyedEntries(
            fields["edges"], at: path / "edges", what: "the edges of \"\(entry.key)\"")
        let jobKeys = Set(jobEntries.map(\.key))
        let triggerKeys = Set(triggerEntries.map(\.key))

        for job in jobEntries {
            if let value = readJob(
                job, at: path / "jobs" / job.key, spec: spec, reader: &reader, readBody: readBody)
            {
                workflow.jobs.append(value)
            }
        }
        for trigger in triggerEntries {
            if let value = readTrigger(
                trigger, at: path / "triggers" / trigger.key, jobKeys: jobKeys, reader: &reader)
            {
                workflow.triggers.append(value)
            }
        }
        for edge in edgeEntries {
            if let value = readEdge(
                edge, at: path / "edges" / edge.key, jobKeys: jobKeys, triggerKeys: triggerKeys,
                reader: &reader)
            {
                workflow.edges.append(value)
            }
        }
        return workflow
    }

    static func readJob(
        _ entry: FormatNode.Member, at path: FormatPath, spec: ProjectSpec, reader: inout FormatReader,
        readBody: ((String) throws -> String)?
    ) -> JobSpec? {
        guard
            let fields = reader.fields(
                entry.value, at: path, allowed: jobKeys, required: ["name", "adaptor"],
                what: "job \"\(entry.key)\"")
        else { return nil }
        var job = JobSpec(
            key: entry.key, id: reader.string(fields, "id"),
            name: reader.string(fields, "name", required: true) ?? "",
            adaptor: reader.string(fields, "adaptor", required: true, nonEmpty: true) ?? "",
            credential: reader.string(fields, "credential"), emptyKeys: emptyKeys(fields))
        if let credential = job.credential, spec.credential(named: credential) == nil {
            reader.report(
                .brokenReference, path / "credential", at: fields["credential"],
                missingCredentialMessage(credential, in: spec))
        }
        if let bodyNode = fields["body"], !bodyNode.isNull {
            let bodyPath = path / "body"
            if case .mapping = bodyNode.content {
                if let body = reader.fields(
                    bodyNode, at: bodyPath, allowed: bodyKeys, what: "the body of job \"\(entry.key)\"")
                {
                    let file = reader.string(body, "path", nonEmpty: true)
                    let content = reader.string(body, "content")
                    if !body.has("path") && !body.has("content") {
                        reader.report(
                            .missingKey, bodyPath, at: bodyNode,
                            "a body written as a mapping needs \"path\" or \"content\"")
                    }
                    job.body = .file(path: file, content: content)
                    if let file, let readBody {
                        do {
                            job.resolvedBody = try readBody(file)
                        } catch {
                            reader.report(
                                .unreadableFile, bodyPath / "path", at: body["path"],
                                "cannot read the body file \"\(file)\": \(error)")
                        }
                    }
                }
            } else if let text = reader.string(bodyNode, at: bodyPath) {
                job.body = .inline(text)
            }
        }
        return job
    }

    static func readTrigger(
        _ entry: FormatNode.Member, at path: FormatPath, jobKeys: Set<String>, reader: inout FormatReader
    ) -> TriggerSpec? {
        guard
            let fields = reader.fields(
                entry.value, at: path, allowed: triggerKeys, required: ["type"],
                what: "trigger \"\(entry.key)\"")
        else { return nil }
        let type = reader.choice(fields, "type", as: Trigger.Kind.self, required: true)
        var trigger = TriggerSpec(
            key: entry.key, type: type ?? .webhook, enabled: reader.bool(fields, "enabled"),
            cronExpression: reader.string(fields, "cron_expression"),
            cronCursorJob: reader.string(fields, "cron_cursor_job"),
            webhookReply: reader.string(fields, "webhook_reply"), emptyKeys: emptyKeys(fields))
        if let cursor = trigger.cronCursorJob, !jobKeys.contains(cursor) {
            reader.report(
                .brokenReference, path / "cron_cursor_job", at: fields["cron_cursor_job"],
                "no job \"\(cursor)\" in this workflow\(knownKeys(jobKeys))")
        }
        if let node = fields["webhook_response_config"], !node.isNull,
            let config = reader.fields(
                node, at: path / "webhook_response_config", allowed: webhookResponseKeys,
                what: "webhook_response_config")
        {
            trigger.webhookResponseConfig = WebhookResponseConfigSpec(
                successCode: reader.integer(config, "success_code"),
                errorCode: reader.integer(config, "error_code"))
        }
        if let node = fields["kafka_configuration"], !node.isNull,
            let config = reader.fields(
                node, at: path / "kafka_configuration", allowed: kafkaKeys, what: "kafka_configuration")
        {
            let hosts = reader.stringList(config, "hosts")
            for (index, host) in (hosts ?? []).enumerated() where !isHostAndPort(host) {
                reader.report(
                    .invalidValue, (path / "kafka_configuration" / "hosts").appending(index: index),
                    at: nil, "\"\(host)\" is not host:port")
            }
            trigger.kafkaConfiguration = KafkaConfigurationSpec(
                hosts: hosts, topics: reader.stringList(config, "topics"),
                initialOffsetResetPolicy: reader.string(config, "initial_offset_reset_policy"),
                connectTimeout: reader.integer(config, "connect_timeout"))
        }
        return type == nil ? nil : trigger
    }

    static func isHostAndPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex else { return false }
        let port = text[text.index(after: colon)...]
        return !port.isEmpty && port.allSatisfy(\.isASCIIDigit) && !text[..<colon].contains(":")
    }

    static func knownKeys(_ keys: Set<String>) -> String {
        keys.isEmpty ? " (it has none)" : " (it has: \(keys.sorted().joined(separator: ", ")))"
    }

    static func readEdge(
        _ entry: FormatNode.Member, at path: FormatPath, jobKeys: Set<String>, triggerKeys: Set<String>,
        reader: inout FormatReader
    ) -> EdgeSpec? {
        guard
            let fields = reader.fields(
                entry.value, at: path, allowed: edgeKeys, required: ["target_job", "condition_type"],
                what: "edge \"\(entry.key)\"")
        else { return nil }
        let sourceJob = reader.string(fields, "source_job")
        let sourceTrigger = reader.string(fields, "source_trigger")
        let targetJob = reader.string(fields, "target_job", required: true)
        let condition = reader.choice(fields, "condition_type", as: Edge.Condition.self, required: true)
        switch (sourceJob, sourceTrigger) {
        case (nil, nil):
            reader.report(
                .missingKey, path, at: entry.value,
                "edge \"\(entry.key)\" has no source: give source_job or source_trigger")
        case (.some, .some):
            reader.report(
                .invalidValue, path / "source_job", at: fields["source_job"],
                "edge \"\(entry.key)\" has both source_job and source_trigger; an edge has one source")
        default:
            break
        }
        if let sourceJob, !jobKeys.contains(sourceJob) {
            reader.report(
                .brokenReference, path / "source_job", at: fields["source_job"],
                "no job \"\(sourceJob)\" in this workflow\(knownKeys(jobKeys))")
        }
        if let sourceTrigger, !triggerKeys.contains(sourceTrigger) {
            reader.report(
                .brokenReference, path / "source_trigger", at: fields["source_trigger"],
                "no trigger \"\(sourceTrigger)\" in this workflow\(knownKeys(triggerKeys))")
        }
        if let targetJob, !jobKeys.contains(targetJob) {
            reader.report(
                .brokenReference, path / "target_job", at: fields["target_job"],
                "no job \"\(targetJob)\" in this workflow\(knownKeys(jobKeys))"
                    + (triggerKeys.contains(targetJob)
                        ? "; \"\(targetJob)\" is a trigger, and an edge cannot lead into one" : ""))
        }
        guard let targetJob, let condition else { return nil }
        return EdgeSpec(
            key: entry.key, sourceJob: sourceJob, sourceTrigger: sourceTrigger, targetJob: targetJob,
            conditionType: condition, conditionExpression: reader.string(fields, "condition_expression"),
            conditionLabel: reader.string(fields, "condition_label"), enabled: reader.bool(fields, "enabled"),
            emptyKeys: emptyKeys(fields))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - Writing

private enum SpecWriter {
    /// Members in order, leaving out what is absent and restoring what the file spelled empty.
    struct Builder {
        var members: [(String, FormatNode)] = []
        let empty: [String: EmptyValue]

        init(empty: [String: EmptyValue]) {
            self.empty = empty
        }

        mutating func add(_ key: String, _ node: FormatNode) {
            members.append((key, node))
        }

        mutating func optional(_ key: String, _ node: FormatNode?) {
            if let node {
                members.append((key, node))
            } else if let form = empty[key] {
                members.append((key, Self.node(for: form)))
            }
        }

        mutating func string(_ key: String, _ value: String?) { optional(key, value.map(FormatNode.string)) }
        mutating func bool(_ key: String, _ value: Bool?) { optional(key, value.map(FormatNode.bool)) }
        mutating func integer(_ key: String, _ value: Int?) { optional(key, value.map(FormatNode.integer)) }

        mutating func entries(_ key: String, _ entries: [(String, FormatNode)]) {
            optional(key, entries.isEmpty ? nil : FormatNode.mapping(entries))
        }

        static func node(for form: EmptyValue) -> FormatNode {
            switch form {
            case .null: .null
            case .emptyMapping: .mapping([])
            case .emptyList: .sequence([])
            }
        }

        var node: FormatNode { .mapping(members) }
    }

    static func tree(_ spec: ProjectSpec) -> FormatNode {
        var project = Builder(empty: spec.emptyKeys)
        project.add("name", .string(spec.name))
        project.string("description", spec.description)
        project.entries(
            "collections", spec.collections.map { ($0.key, FormatNode.mapping([("name", .string($0.name))])) }
        )
        project.entries(
            "channels",
            spec.channels.map { channel in
                var fields = Builder(empty: channel.emptyKeys)
                fields.add("name", .string(channel.name))
                fields.string("destination_url", channel.destinationURL)
                fields.bool("enabled", channel.enabled)
                fields.string("destination_credential", channel.destinationCredential)
                return (channel.key, fields.node)
            })
        project.entries(
            "credentials",
            spec.credentials.map {
                ($0.key, FormatNode.mapping([("name", .string($0.name)), ("owner", .string($0.owner))]))
            })
        project.entries("workflows", spec.workflows.map { ($0.key, workflow($0)) })
        return project.node
    }

    static func workflow(_ workflow: WorkflowSpec) -> FormatNode {
        var fields = Builder(empty: workflow.emptyKeys)
        fields.string("id", workflow.id)
        fields.add("name", .string(workflow.name))
        fields.entries("jobs", workflow.jobs.map { ($0.key, job($0)) })
        fields.entries("triggers", workflow.triggers.map { ($0.key, trigger($0)) })
        fields.entries("edges", workflow.edges.map { ($0.key, edge($0)) })
        return fields.node
    }

    static func job(_ job: JobSpec) -> FormatNode {
        var fields = Builder(empty: job.emptyKeys)
        fields.string("id", job.id)
        fields.add("name", .string(job.name))
        fields.add("adaptor", .string(job.adaptor))
        fields.string("credential", job.credential)
        switch job.body {
        case .inline(let text):
            fields.add("body", .string(text))
        case .file(let path, let content):
            var body: [(String, FormatNode)] = []
            if let path { body.append(("path", .string(path))) }
            if let content { body.append(("content", .string(content))) }
            fields.add("body", .mapping(body))
        case nil:
            fields.optional("body", nil)
        }
        return fields.node
    }

    static func trigger(_ trigger: TriggerSpec) -> FormatNode {
        var fields = Builder(empty: trigger.emptyKeys)
        fields.add("type", .string(trigger.type.rawValue))
        fields.string("webhook_reply", trigger.webhookReply)
        fields.optional(
            "webhook_response_config",
            trigger.webhookResponseConfig.map { config in
                var members: [(String, FormatNode)] = []
                if let code = config.successCode { members.append(("success_code", .integer(code))) }
                if let code = config.errorCode { members.append(("error_code", .integer(code))) }
                return .mapping(members)
            })
        fields.string("cron_expression", trigger.cronExpression)
        fields.string("cron_cursor_job", trigger.cronCursorJob)
        fields.bool("enabled", trigger.enabled)
        fields.optional(
            "kafka_configuration",
            trigger.kafkaConfiguration.map { config in
                var members: [(String, FormatNode)] = []
                if let hosts = config.hosts {
                    members.append(("hosts", .sequence(hosts.map(FormatNode.string))))
                }
                if let topics = config.topics {
                    members.append(("topics", .sequence(topics.map(FormatNode.string))))
                }
                if let policy = config.initialOffsetResetPolicy {
                    members.append(("initial_offset_reset_policy", .string(policy)))
                }
                if let timeout = config.connectTimeout {
                    members.append(("connect_timeout", .integer(timeout)))
                }
                return .mapping(members)
            })
        return fields.node
    }

    static func edge(_ edge: EdgeSpec) -> FormatNode {
        var fields = Builder(empty: edge.emptyKeys)
        fields.string("source_trigger", edge.sourceTrigger)
        fields.string("source_job", edge.sourceJob)
        fields.add("target_job", .string(edge.targetJob))
        fields.add("condition_type", .string(edge.conditionType.rawValue))
        fields.string("condition_label", edge.conditionLabel)
        fields.string("condition_expression", edge.conditionExpression)
        fields.bool("enabled", edge.enabled)
        return fields.node
    }
}
