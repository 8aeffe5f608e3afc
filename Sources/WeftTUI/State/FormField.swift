import Foundation
import WorkflowModel

/// One editable field of the inspector: which entity kind it belongs to, its document key, what the
/// form calls it and how it is edited.
///
/// The keys are the document's (and the validator's) snake_case names, so an error the validator or
/// the relay reports for `cron_expression` lands on the cron field.
public struct FormField: Hashable, Sendable {
    /// How a field is edited.
    public enum Input: Hashable, Sendable {
        /// Typed text; `optional` ones are unset (JSON `null`) when left empty.
        case text(optional: Bool)
        /// One of a list (nil: not set); Space or Enter takes the next, Left and Right step.
        case choice([String?])
        /// Yes or no; Space or Enter flips it.
        case toggle
    }

    public var kind: ValidationIssue.EntityKind
    /// The document key (`name`, `cron_expression`, …).
    public var key: String
    /// What the form shows beside the value.
    public var label: String
    public var input: Input

    public init(_ kind: ValidationIssue.EntityKind, _ key: String, _ label: String, _ input: Input) {
        self.kind = kind
        self.key = key
        self.label = label
        self.input = input
    }

    public var isText: Bool {
        if case .text = input { return true }
        return false
    }

    // MARK: The fields of each kind

    public static let workflowName = FormField(.workflow, "name", "name", .text(optional: false))

    public static let jobName = FormField(.job, "name", "name", .text(optional: false))
    public static let jobAdaptor = FormField(.job, "adaptor", "adaptor", .text(optional: false))
    public static let jobCredential = FormField(
        .job, "project_credential_id", "credential", .text(optional: true))
    public static let jobKeychain = FormField(
        .job, "keychain_credential_id", "keychain", .text(optional: true))

    public static let triggerType = FormField(
        .trigger, "type", "type", .choice(Trigger.Kind.allCases.map(\.rawValue)))
    public static let triggerCron = FormField(.trigger, "cron_expression", "cron", .text(optional: true))
    public static let triggerEnabled = FormField(.trigger, "enabled", "enabled", .toggle)
    public static let triggerReply = FormField(
        .trigger, "webhook_reply", "reply", .choice([nil] + WorkflowValidator.webhookReplies.sorted()))

    public static let edgeCondition = FormField(
        .edge, "condition_type", "condition", .choice(Edge.Condition.allCases.map(\.rawValue)))
    /// A trigger's edge may only be `always` or `js_expression`.
    public static let triggerEdgeCondition = FormField(
        .edge, "condition_type", "condition", .choice([Edge.Condition.always, .jsExpression].map(\.rawValue)))
    public static let edgeExpression = FormField(
        .edge, "condition_expression", "expression", .text(optional: true))
    public static let edgeLabel = FormField(.edge, "condition_label", "label", .text(optional: true))
    public static let edgeEnabled = FormField(.edge, "enabled", "enabled", .toggle)

    /// The fields the form shows for entity `id` of `workflow` (the workflow's own for its id or
    /// nil), in order. A trigger shows its cron field only when it is a cron trigger and its reply
    /// only when it is a webhook; an edge its expression only when it is a `js_expression`.
    public static func fields(for id: String?, in workflow: Workflow) -> [FormField] {
        guard let id else { return [workflowName] }
        if workflow.job(id) != nil { return [jobName, jobAdaptor, jobCredential, jobKeychain] }
        if let trigger = workflow.trigger(id) {
            switch trigger.type {
            case .cron: return [triggerType, triggerCron, triggerEnabled]
            case .webhook: return [triggerType, triggerReply, triggerEnabled]
            case .kafka: return [triggerType, triggerEnabled]
            }
        }
        if let edge = workflow.edge(id) {
            let condition =
                edge.sourceTriggerID != nil && edge.sourceJobID == nil ? triggerEdgeCondition : edgeCondition
            return edge.conditionType == .jsExpression
                ? [condition, edgeExpression, edgeLabel, edgeEnabled] : [condition, edgeLabel, edgeEnabled]
        }
        return id == workflow.id ? [workflowName] : []
    }

    // MARK: Reading values

    /// The field's value on entity `id` of `workflow`: text for text and choice fields (nil when
    /// unset), "yes"/"no" never — toggles read through ``flag(of:in:)``.
    public func text(of id: String, in workflow: Workflow) -> String? {
        switch (kind, key) {
        case (.workflow, "name"): return workflow.name
        case (.job, _):
            guard let job = workflow.job(id) else { return nil }
            switch key {
            case "name": return job.name
            case "adaptor": return job.adaptor
            case "project_credential_id": return job.projectCredentialID
            case "keychain_credential_id": return job.keychainCredentialID
            default: return nil
            }
        case (.trigger, _):
            guard let trigger = workflow.trigger(id) else { return nil }
            switch key {
            case "type": return trigger.type.rawValue
            case "cron_expression": return trigger.cronExpression
            case "webhook_reply": return trigger.webhookReply
            default: return nil
            }
        case (.edge, _):
            guard let edge = workflow.edge(id) else { return nil }
            switch key {
            case "condition_type": return edge.conditionType.rawValue
            case "condition_expression": return edge.conditionExpression
            case "condition_label": return edge.conditionLabel
            default: return nil
            }
        default:
            return nil
        }
    }

    /// A toggle's value on entity `id` of `workflow`.
    public func flag(of id: String, in workflow: Workflow) -> Bool {
        switch kind {
        case .trigger: workflow.trigger(id)?.enabled ?? false
        case .edge: workflow.edge(id)?.enabled ?? false
        default: false
        }
    }

    /// The value typed text gives this field: nil for an empty optional field.
    public func value(ofTyped text: String) -> FieldValue {
        if case .text(optional: true) = input, text.trimmingCharacters(in: .whitespaces).isEmpty {
            return .text(nil)
        }
        return .text(text)
    }
}

/// A value written into a field.
public enum FieldValue: Hashable, Sendable {
    /// Text, or nil for "not set" (JSON `null`).
    case text(String?)
    case flag(Bool)
}
