import YCRDT

/// One problem with a workflow: which entity and field it is about, how bad it is, and what to tell a person.
///
/// Errors stop a save (they go into the document's `errors` map); warnings are advice (an unreachable
/// job, a cycle) shown beside them and never stop anything.
public struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// The kind of entity an issue is about, named as the document's `errors` map groups them.
    public enum EntityKind: String, Hashable, Sendable, Codable, CaseIterable {
        case workflow, job, trigger, edge

        /// The key of the document's `errors` map that holds this kind's messages.
        public var errorsKey: String {
            switch self {
            case .workflow: "workflow"
            case .job: "jobs"
            case .trigger: "triggers"
            case .edge: "edges"
            }
        }
    }

    public var severity: Severity
    public var entityKind: EntityKind
    /// The entity's id; nil for the workflow itself.
    public var entityID: String?
    /// The field at fault, in the document's snake_case (`"target_job_id"`, `"cron_expression"`, `"name"`).
    public var field: String
    /// What is wrong, for a person: a sentence without the field's name in front of it.
    public var message: String

    public init(severity: Severity, entityKind: EntityKind, entityID: String?, field: String, message: String)
    {
        self.severity = severity
        self.entityKind = entityKind
        self.entityID = entityID
        self.field = field
        self.message = message
    }

    public static func error(_ kind: EntityKind, _ id: String?, _ field: String, _ message: String) -> Self {
        Self(severity: .error, entityKind: kind, entityID: id, field: field, message: message)
    }

    public static func warning(_ kind: EntityKind, _ id: String?, _ field: String, _ message: String) -> Self
    {
        Self(severity: .warning, entityKind: kind, entityID: id, field: field, message: message)
    }

    /// `error: job 1b2c… name: job names must be unique …`, for logs and the command line.
    public var description: String {
        let entity = entityID.map { "\(entityKind.rawValue) \($0)" } ?? entityKind.rawValue
        return "\(severity.rawValue): \(entity) \(field): \(message)"
    }

    enum CodingKeys: String, CodingKey {
        case severity, field, message
        case entityKind = "entity_kind"
        case entityID = "entity_id"
    }
}

extension ValidationIssue {
    /// The document's `errors` map for `issues`, errors only: `workflow` → `{field: [message]}` and
    /// `jobs` / `triggers` / `edges` → `{entity id: {field: [message]}}`, as Lightning writes it on a
    /// failed save. Groups with no errors are left out, so no errors is an empty object.
    public static func errorsMap(_ issues: [ValidationIssue]) -> YAny {
        documentMap(issues, severity: .error)
    }

    /// The same shape as ``errorsMap(_:)`` for the issues of one severity (warnings go beside the
    /// errors, never into the document's `errors` map, which would stop a save).
    ///
    /// The groups come in the order workflow, jobs, triggers, edges; entities, fields and messages keep
    /// the order of `issues`; a message repeated for one field is listed once.
    public static func documentMap(_ issues: [ValidationIssue], severity: Severity) -> YAny {
        var workflow = YObject()
        var groups: [EntityKind: YObject] = [:]
        func appending(_ message: String, to messages: YAny?) -> YAny {
            var list = messages?.arrayValue ?? []
            if !list.contains(.string(message)) { list.append(.string(message)) }
            return .array(list)
        }
        for issue in issues where issue.severity == severity {
            if issue.entityKind == .workflow || issue.entityID == nil {
                workflow[issue.field] = appending(issue.message, to: workflow[issue.field])
                continue
            }
            let id = issue.entityID ?? ""
            var group = groups[issue.entityKind] ?? YObject()
            var fields = group[id]?.objectValue ?? YObject()
            fields[issue.field] = appending(issue.message, to: fields[issue.field])
            group[id] = .object(fields)
            groups[issue.entityKind] = group
        }
        var map = YObject()
        if workflow.count > 0 { map[EntityKind.workflow.errorsKey] = .object(workflow) }
        for kind in EntityKind.allCases {
            if let group = groups[kind] { map[kind.errorsKey] = .object(group) }
        }
        return .object(map)
    }
}
