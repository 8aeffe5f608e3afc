import Foundation
import YCRDT

/// One line of the audit trail.
public struct AuditEntry: Hashable, Sendable {
    /// Its place in the trail (increasing with time).
    public var id: Int64
    public var time: Date
    /// Who did it: a user name or a system actor's name.
    public var actor: String
    /// What was done, dotted: `workflow.saved`, `project.imported`, `role.granted`, ….
    public var action: String
    /// What it was done to: a workflow, project or user id.
    public var subject: String
    /// Anything else worth keeping, as a JSON object.
    public var details: [String: YAny]
}
