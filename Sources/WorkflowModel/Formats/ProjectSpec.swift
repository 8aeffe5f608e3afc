/// An OpenFn project as a person writes it: project-as-code v1 (`project.yaml`, or the same shape in
/// JSON), with workflows, jobs, triggers, edges and credentials keyed by name rather than by id.
///
/// Every field of the format is kept, in the order of the file, so that writing a spec back gives the
/// same document. Optional fields are nil when the file leaves them out; ``emptyKeys`` remembers the
/// keys the file spelled with no value (`credentials: null`, `edges: {}`), so those come back too.
///
/// A spec has no ids: ``ProjectState/resolve(spec:state:makeID:)`` gives each key a UUID (the same one on
/// every deploy, from the state file) and turns the spec into a ``Project``.
public struct ProjectSpec: Hashable, Sendable {
    public var name: String
    public var description: String?
    /// The project's credentials, by reference: Weft never holds a secret.
    public var credentials: [CredentialSpec]
    public var collections: [CollectionSpec]
    /// Lightning's channels, kept so that a project file Lightning exported reads and writes back whole;
    /// Weft does not deploy them.
    public var channels: [ChannelSpec]
    public var workflows: [WorkflowSpec]
    /// Keys the file wrote with an empty value: `description: null`, `credentials: {}`.
    public var emptyKeys: [String: EmptyValue]

    public init(
        name: String, description: String? = nil, credentials: [CredentialSpec] = [],
        collections: [CollectionSpec] = [],
        channels: [ChannelSpec] = [], workflows: [WorkflowSpec] = [], emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.name = name
        self.description = description
        self.credentials = credentials
        self.collections = collections
        self.channels = channels
        self.workflows = workflows
        self.emptyKeys = emptyKeys
    }

    public func workflow(_ key: String) -> WorkflowSpec? { workflows.first { $0.key == key } }

    /// The credential a job's `credential` names: a key of ``credentials``, or `owner|name`.
    public func credential(named reference: String) -> CredentialSpec? {
        if let byKey = credentials.first(where: { $0.key == reference }) { return byKey }
        guard let bar = reference.lastIndex(of: "|") else { return nil }
        let owner = reference[..<bar]
        let name = reference[reference.index(after: bar)...]
        return credentials.first { $0.owner == String(owner) && $0.name == String(name) }
    }

    /// Job bodies that name a file (`body: {path: …}`) whose text was not supplied: deploying them would
    /// deploy an empty body. Pass `readBody` to ``ProjectYAML/parse(_:file:readBody:)`` to supply them.
    public var unresolvedBodies: [(workflow: String, job: String, path: String)] {
        workflows.flatMap { workflow in
            workflow.jobs.compactMap { job in
                guard job.bodyText == nil, case .file(let path?, nil) = job.body else { return nil }
                return (workflow.key, job.key, path)
            }
        }
    }
}

/// How a file spelled a key with no value.
public enum EmptyValue: String, Hashable, Sendable {
    /// `key: null`, `key: ~` or `key:`.
    case null
    /// `key: {}`.
    case emptyMapping
    /// `key: []`.
    case emptyList
}

/// A credential by reference: the owner's e-mail and the credential's name in Lightning.
public struct CredentialSpec: Hashable, Sendable {
    /// The key jobs name it by; Lightning writes `<owner>-<name>` with spaces made hyphens.
    public var key: String
    public var name: String
    public var owner: String

    public init(key: String, name: String, owner: String) {
        self.key = key
        self.name = name
        self.owner = owner
    }

    /// The key Lightning's export gives a credential: `owner name` with spaces made hyphens.
    public static func defaultKey(owner: String, name: String) -> String {
        "\(owner) \(name)".replacingOccurrences(of: " ", with: "-")
    }
}

/// A collection (a key-value store of the project), by name.
public struct CollectionSpec: Hashable, Sendable {
    public var key: String
    public var name: String

    public init(key: String, name: String) {
        self.key = key
        self.name = name
    }
}

/// A Lightning channel, kept as written.
public struct ChannelSpec: Hashable, Sendable {
    public var key: String
    public var name: String
    public var destinationURL: String?
    public var enabled: Bool?
    /// A key of the project's credentials.
    public var destinationCredential: String?
    public var emptyKeys: [String: EmptyValue]

    public init(
        key: String, name: String, destinationURL: String? = nil, enabled: Bool? = nil,
        destinationCredential: String? = nil,
        emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.key = key
        self.name = name
        self.destinationURL = destinationURL
        self.enabled = enabled
        self.destinationCredential = destinationCredential
        self.emptyKeys = emptyKeys
    }
}

public struct WorkflowSpec: Hashable, Sendable {
    public var key: String
    /// A UUID the file pins, used when the state file has none for this key (OpenFn's CLI allows it).
    public var id: String?
    public var name: String
    public var jobs: [JobSpec]
    public var triggers: [TriggerSpec]
    public var edges: [EdgeSpec]
    public var emptyKeys: [String: EmptyValue]

    public init(
        key: String, id: String? = nil, name: String, jobs: [JobSpec] = [], triggers: [TriggerSpec] = [],
        edges: [EdgeSpec] = [], emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.key = key
        self.id = id
        self.name = name
        self.jobs = jobs
        self.triggers = triggers
        self.edges = edges
        self.emptyKeys = emptyKeys
    }

    public func job(_ key: String) -> JobSpec? { jobs.first { $0.key == key } }
    public func trigger(_ key: String) -> TriggerSpec? { triggers.first { $0.key == key } }
    public func edge(_ key: String) -> EdgeSpec? { edges.first { $0.key == key } }
}

public struct JobSpec: Hashable, Sendable {
    public var key: String
    public var id: String?
    public var name: String
    public var adaptor: String
    /// A key of the project's credentials, or `owner|name`.
    public var credential: String?
    /// The body as the file wrote it.
    public var body: JobBody?
    /// The text of a `body: {path: …}` file, as the `readBody` closure supplied it. Not written back.
    public var resolvedBody: String?
    public var emptyKeys: [String: EmptyValue]

    public init(
        key: String, id: String? = nil, name: String, adaptor: String = Job.defaultAdaptor,
        credential: String? = nil,
        body: JobBody? = nil, resolvedBody: String? = nil, emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.key = key
        self.id = id
        self.name = name
        self.adaptor = adaptor
        self.credential = credential
        self.body = body
        self.resolvedBody = resolvedBody
        self.emptyKeys = emptyKeys
    }

    /// The JavaScript this job runs: the file's text when a `path` was read, else the inline text or
    /// `content`; nil when the body is only a path nobody read.
    public var bodyText: String? {
        switch body {
        case nil: ""
        case .inline(let text): text
        case .file(let path, let content): resolvedBody ?? (path == nil ? content ?? "" : content)
        }
    }
}

/// A job body as the file wrote it.
public enum JobBody: Hashable, Sendable {
    /// `body: "fn(state => state)"`.
    case inline(String)
    /// `body: {path: ./jobs/fetch.js, content: …}`: the text lives in a file beside the project file,
    /// `content` (when present) is a copy of it.
    case file(path: String?, content: String?)
}

public struct TriggerSpec: Hashable, Sendable {
    public var key: String
    public var type: Trigger.Kind
    public var enabled: Bool?
    public var cronExpression: String?
    /// The key of the job whose last run's final state a cron run starts from.
    public var cronCursorJob: String?
    public var webhookReply: String?
    public var webhookResponseConfig: WebhookResponseConfigSpec?
    public var kafkaConfiguration: KafkaConfigurationSpec?
    public var emptyKeys: [String: EmptyValue]

    public init(
        key: String, type: Trigger.Kind, enabled: Bool? = nil, cronExpression: String? = nil,
        cronCursorJob: String? = nil,
        webhookReply: String? = nil, webhookResponseConfig: WebhookResponseConfigSpec? = nil,
        kafkaConfiguration: KafkaConfigurationSpec? = nil, emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.key = key
        self.type = type
        self.enabled = enabled
        self.cronExpression = cronExpression
        self.cronCursorJob = cronCursorJob
        self.webhookReply = webhookReply
        self.webhookResponseConfig = webhookResponseConfig
        self.kafkaConfiguration = kafkaConfiguration
        self.emptyKeys = emptyKeys
    }
}

/// The HTTP status codes a webhook answers with (Lightning's `webhook_response_config`).
public struct WebhookResponseConfigSpec: Hashable, Sendable {
    public var successCode: Int?
    public var errorCode: Int?

    public init(successCode: Int? = nil, errorCode: Int? = nil) {
        self.successCode = successCode
        self.errorCode = errorCode
    }
}

public struct KafkaConfigurationSpec: Hashable, Sendable {
    /// `host:port` each.
    public var hosts: [String]?
    public var topics: [String]?
    public var initialOffsetResetPolicy: String?
    public var connectTimeout: Int?

    public init(
        hosts: [String]? = nil, topics: [String]? = nil, initialOffsetResetPolicy: String? = nil,
        connectTimeout: Int? = nil
    ) {
        self.hosts = hosts
        self.topics = topics
        self.initialOffsetResetPolicy = initialOffsetResetPolicy
        self.connectTimeout = connectTimeout
    }
}

public struct EdgeSpec: Hashable, Sendable {
    /// A label, by convention `source->target`; nothing is read from it (the fields say what it joins).
    public var key: String
    /// The key of the source job, for an edge after a job.
    public var sourceJob: String?
    /// The key of the source trigger, for an edge after a trigger.
    public var sourceTrigger: String?
    public var targetJob: String
    public var conditionType: Edge.Condition
    public var conditionExpression: String?
    public var conditionLabel: String?
    public var enabled: Bool?
    public var emptyKeys: [String: EmptyValue]

    public init(
        key: String, sourceJob: String? = nil, sourceTrigger: String? = nil, targetJob: String,
        conditionType: Edge.Condition, conditionExpression: String? = nil, conditionLabel: String? = nil,
        enabled: Bool? = nil, emptyKeys: [String: EmptyValue] = [:]
    ) {
        self.key = key
        self.sourceJob = sourceJob
        self.sourceTrigger = sourceTrigger
        self.targetJob = targetJob
        self.conditionType = conditionType
        self.conditionExpression = conditionExpression
        self.conditionLabel = conditionLabel
        self.enabled = enabled
        self.emptyKeys = emptyKeys
    }
}
