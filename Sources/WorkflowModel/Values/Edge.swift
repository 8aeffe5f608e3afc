import YCRDT

/// A connection: after the source (a trigger or a job) the target job runs when the condition holds.
public struct Edge: Codable, Hashable, Sendable, Identifiable {
    public enum Condition: String, Codable, Hashable, Sendable, CaseIterable {
        case always
        case onJobSuccess = "on_job_success"
        case onJobFailure = "on_job_failure"
        case jsExpression = "js_expression"
    }

    public var id: String
    /// Exactly one of `sourceJobID` and `sourceTriggerID` is set in a valid edge.
    public var sourceJobID: String?
    public var sourceTriggerID: String?
    public var targetJobID: String
    public var conditionType: Condition
    /// The JavaScript expression, for `js_expression` edges.
    public var conditionExpression: String?
    public var conditionLabel: String?
    public var enabled: Bool
    public var extra: [String: YAny]

    /// The condition an edge has when none is given: `always` from a trigger (the only conditions
    /// Lightning allows there are `always` and `js_expression`), `on_job_success` from a job (what
    /// Lightning's editor gives a new edge). The same rule applies to `init` without a condition, to
    /// decoding, and to reading a document or provisioning JSON without `condition_type`.
    public static func defaultCondition(sourceTriggerID: String?) -> Condition {
        sourceTriggerID == nil ? .onJobSuccess : .always
    }

    /// A nil `conditionType` takes ``defaultCondition(sourceTriggerID:)``.
    public init(
        id: String, sourceJobID: String? = nil, sourceTriggerID: String? = nil, targetJobID: String,
        conditionType: Condition? = nil, conditionExpression: String? = nil, conditionLabel: String? = nil,
        enabled: Bool = true, extra: [String: YAny] = [:]
    ) {
        self.id = id
        self.sourceJobID = sourceJobID
        self.sourceTriggerID = sourceTriggerID
        self.targetJobID = targetJobID
        self.conditionType = conditionType ?? Self.defaultCondition(sourceTriggerID: sourceTriggerID)
        self.conditionExpression = conditionExpression
        self.conditionLabel = conditionLabel
        self.enabled = enabled
        self.extra = extra
    }

    /// The source node's id, whichever kind it is.
    public var sourceID: String? { sourceJobID ?? sourceTriggerID }

    enum CodingKeys: String, CodingKey {
        case id, enabled, extra
        case sourceJobID = "source_job_id"
        case sourceTriggerID = "source_trigger_id"
        case targetJobID = "target_job_id"
        case conditionType = "condition_type"
        case conditionExpression = "condition_expression"
        case conditionLabel = "condition_label"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        sourceJobID = try container.decodeIfPresent(String.self, forKey: .sourceJobID)
        sourceTriggerID = try container.decodeIfPresent(String.self, forKey: .sourceTriggerID)
        targetJobID = try container.decode(String.self, forKey: .targetJobID)
        conditionType =
            try container.decodeIfPresent(Condition.self, forKey: .conditionType)
            ?? Self.defaultCondition(sourceTriggerID: sourceTriggerID)
        conditionExpression = try container.decodeIfPresent(String.self, forKey: .conditionExpression)
        conditionLabel = try container.decodeIfPresent(String.self, forKey: .conditionLabel)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        extra = try container.decodeIfPresent([String: YAny].self, forKey: .extra) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sourceJobID, forKey: .sourceJobID)
        try container.encode(sourceTriggerID, forKey: .sourceTriggerID)
        try container.encode(targetJobID, forKey: .targetJobID)
        try container.encode(conditionType, forKey: .conditionType)
        try container.encode(conditionExpression, forKey: .conditionExpression)
        try container.encode(conditionLabel, forKey: .conditionLabel)
        try container.encode(enabled, forKey: .enabled)
        if !extra.isEmpty { try container.encode(extra, forKey: .extra) }
    }
}
