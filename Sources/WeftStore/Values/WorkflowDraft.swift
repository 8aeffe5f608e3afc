import Foundation
import WorkflowModel

/// Unsaved edits a `reset`-mode relay discarded when a new version of their workflow arrived, kept so
/// that they can be brought back (`weft drafts restore`).
public struct WorkflowDraft: Hashable, Sendable {
    /// The draft's number, as `weft drafts` lists it.
    public var id: Int
    public var workflowID: String
    /// The lock_version the edits were made on (the draft's base).
    public var basedOn: Int
    /// The lock_version whose arrival discarded them.
    public var displacedBy: Int
    /// The document as it was, unsaved edits included.
    public var workflow: Workflow
    /// Who had made the edits, when the relay knew (empty when it did not: a document healed on load).
    public var people: [String]
    public var createdAt: Date
    /// When and by whom the draft was restored; nil while it waits.
    public var restoredAt: Date?
    public var restoredBy: String?

    public var isRestored: Bool { restoredAt != nil }
}
