import YCRDT

/// What starts a workflow: a webhook, a cron schedule or a Kafka topic.
public struct Trigger: Codable, Hashable, Sendable, Identifiable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case webhook, cron, kafka
    }

    public var id: String
    public var type: Kind
    public var enabled: Bool
    /// Five-field cron, for cron triggers.
    public var cronExpression: String?
    /// The job whose last run's state a cron run starts from.
    public var cronCursorJobID: String?
    /// `before_start` or `after_completion`, for webhooks.
    public var webhookReply: String?
    public var kafkaConfiguration: KafkaConfiguration?
    public var extra: [String: YAny]

    public init(
        id: String, type: Kind, enabled: Bool = true, cronExpression: String? = nil, cronCursorJobID: String? = nil,
        webhookReply: String? = nil, kafkaConfiguration: KafkaConfiguration? = nil, extra: [String: YAny] = [:]
    ) {
        self.id = id
        self.type = type
        self.enabled = enabled
        self.cronExpression = cronExpression
        self.cronCursorJobID = cronCursorJobID
        self.webhookReply = webhookReply
        self.kafkaConfiguration = kafkaConfiguration
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case id, type, enabled, extra
        case cronExpression = "cron_expression"
        case cronCursorJobID = "cron_cursor_job_id"
        case webhookReply = "webhook_reply"
        case kafkaConfiguration = "kafka_configuration"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(Kind.self, forKey: .type)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        cronExpression = try container.decodeIfPresent(String.self, forKey: .cronExpression)
        cronCursorJobID = try container.decodeIfPresent(String.self, forKey: .cronCursorJobID)
        webhookReply = try container.decodeIfPresent(String.self, forKey: .webhookReply)
        kafkaConfiguration = try container.decodeIfPresent(KafkaConfiguration.self, forKey: .kafkaConfiguration)
        extra = try container.decodeIfPresent([String: YAny].self, forKey: .extra) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(cronExpression, forKey: .cronExpression)
        try container.encode(cronCursorJobID, forKey: .cronCursorJobID)
        try container.encode(webhookReply, forKey: .webhookReply)
        try container.encode(kafkaConfiguration, forKey: .kafkaConfiguration)
        if !extra.isEmpty { try container.encode(extra, forKey: .extra) }
    }
}

/// Connection settings of a Kafka trigger.
///
/// Keys Weft has no field for (Lightning's `partition_timestamps`, `reset_request`, or whatever a newer
/// Lightning adds) are kept in ``extra`` and written back — in the document, the store and the project
/// files — so a round trip through Weft loses nothing.
public struct KafkaConfiguration: Codable, Hashable, Sendable {
    public var connectTimeout: Int?
    public var groupID: String?
    public var hostsString: String?
    public var initialOffsetResetPolicy: String?
    public var password: String?
    public var sasl: String?
    public var ssl: Bool?
    public var topicsString: String?
    public var username: String?
    /// Unknown keys of the configuration, with their values as they were read.
    public var extra: [String: YAny]

    public init(
        connectTimeout: Int? = nil, groupID: String? = nil, hostsString: String? = nil,
        initialOffsetResetPolicy: String? = nil, password: String? = nil, sasl: String? = nil, ssl: Bool? = nil,
        topicsString: String? = nil, username: String? = nil, extra: [String: YAny] = [:]
    ) {
        self.connectTimeout = connectTimeout
        self.groupID = groupID
        self.hostsString = hostsString
        self.initialOffsetResetPolicy = initialOffsetResetPolicy
        self.password = password
        self.sasl = sasl
        self.ssl = ssl
        self.topicsString = topicsString
        self.username = username
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case password, sasl, ssl, username, extra
        case connectTimeout = "connect_timeout"
        case groupID = "group_id"
        case hostsString = "hosts_string"
        case initialOffsetResetPolicy = "initial_offset_reset_policy"
        case topicsString = "topics_string"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connectTimeout = try container.decodeIfPresent(Int.self, forKey: .connectTimeout)
        groupID = try container.decodeIfPresent(String.self, forKey: .groupID)
        hostsString = try container.decodeIfPresent(String.self, forKey: .hostsString)
        initialOffsetResetPolicy = try container.decodeIfPresent(String.self, forKey: .initialOffsetResetPolicy)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        sasl = try container.decodeIfPresent(String.self, forKey: .sasl)
        ssl = try container.decodeIfPresent(Bool.self, forKey: .ssl)
        topicsString = try container.decodeIfPresent(String.self, forKey: .topicsString)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        extra = try container.decodeIfPresent([String: YAny].self, forKey: .extra) ?? [:]
    }

    /// Absent fields are left out, and `extra` only when it holds something, so configurations stored
    /// before it existed encode as they did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(connectTimeout, forKey: .connectTimeout)
        try container.encodeIfPresent(groupID, forKey: .groupID)
        try container.encodeIfPresent(hostsString, forKey: .hostsString)
        try container.encodeIfPresent(initialOffsetResetPolicy, forKey: .initialOffsetResetPolicy)
        try container.encodeIfPresent(password, forKey: .password)
        try container.encodeIfPresent(sasl, forKey: .sasl)
        try container.encodeIfPresent(ssl, forKey: .ssl)
        try container.encodeIfPresent(topicsString, forKey: .topicsString)
        try container.encodeIfPresent(username, forKey: .username)
        if !extra.isEmpty { try container.encode(extra, forKey: .extra) }
    }
}
