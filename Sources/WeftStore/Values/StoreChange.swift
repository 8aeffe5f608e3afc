import Foundation

/// A change committed to a database that several relays share, as the store announces it to every
/// process listening (PostgreSQL's LISTEN/NOTIFY; docs/storage.md).
///
/// A change names what moved and how far, never the content: a relay that hears of one reads the
/// content from the database. Notifications can be lost (a dropped listening connection, a server
/// restart), so a change only makes a relay look sooner; ``resync`` tells it to look at everything it
/// holds, and a relay also looks on its own from time to time.
public enum StoreChange: Hashable, Sendable {
    /// The log of document `docID` holds updates through number `seq`.
    case documentLog(docID: String, seq: Int64)
    /// Workflow `workflowID` was written at `lockVersion` (a save, deploy, restore, merge, sync or delete).
    case workflowSaved(workflowID: String, lockVersion: Int)
    /// Announcements may have been missed (the listener reconnected): re-read everything held.
    case resync
    /// Another relay's presence for workflow `workflowID` (``WorkflowStorage/sendPresence(_:workflowID:)``):
    /// not committed, not stored, never replayed; a store does not hear its own.
    case presence(workflowID: String, PresenceSignal)
}

/// Presence (y-protocols awareness) one relay passes to the others serving the same workflow. Best
/// effort: a signal may be lost, and the presence timeout clears what is never renewed.
public enum PresenceSignal: Hashable, Sendable {
    /// An awareness update (y-protocols encoding) holding states of the sending relay's own clients.
    case update([UInt8])
    /// "Tell me who is here": a relay that starts serving a workflow asks, and every relay serving it
    /// answers with an ``update(_:)`` of its own clients' current states.
    case query
}
