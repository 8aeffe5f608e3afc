import WeftProtocol
import WorkflowModel
import YCRDT

/// Something the owner of an ``EditorSession`` should know, returned by ``EditorSession/pump(timeout:)``
/// in the order it happened.
public enum SessionEvent: Hashable, Sendable {
    /// The replica has everything the relay had when it answered our sync step 1 (after a join, and
    /// again after every reconnect).
    case synced
    /// Someone else's edits (another client, or the relay rebasing a deploy) changed the document.
    case remoteChange(RemoteChange)
    /// Our save succeeded: the base is now the saved workflow at `lockVersion`.
    case saved(lockVersion: Int)
    /// Our save was refused; nothing was written.
    case saveFailed(SaveFailure)
    /// Someone else made a new version (a save, deploy, merge, sync or restore); the base is reset to
    /// it and the marker recomputed.
    case workflowSaved(WorkflowSavedNotice)
    /// Who else is here changed (joined, left, selected a node, moved a cursor). The whole list.
    case presence([Collaborator])
    /// The connection to the relay changed state.
    case connection(ConnectionState)
    /// The relay reported an error (`code` is an ``ErrorCode`` raw value, or a newer one), or the
    /// client met one it can go on after.
    case error(code: String, message: String)
}

/// Where the connection to the relay stands.
public enum ConnectionState: Hashable, Sendable {
    /// Joined and synced: edits reach the relay as they are made.
    case connected
    /// Not connected and not trying (before ``EditorSession/join(workflow:)``, after
    /// ``EditorSession/close()``, or after the relay refused a rejoin for good).
    case disconnected
    /// The connection dropped; attempt `attempt` is made in `nextIn`. Edits go on locally and reach
    /// the relay through the sync when the connection is back.
    case reconnecting(attempt: Int, nextIn: Duration)
}

/// A refused save, as `save_failed` says it.
public struct SaveFailure: Hashable, Sendable {
    /// `stale`, `invalid`, `forbidden`, or ``disconnected`` when the connection dropped before an
    /// answer came.
    public var reason: SaveFailureReason
    public var message: String?
    /// Validation messages (for `invalid`): `workflow` → `{field: [msg]}`, `jobs`/`triggers`/`edges`
    /// → `{id: {field: [msg]}}`. The relay also writes them to the document's `errors` map.
    public var errors: YAny?
    /// The version saved now (for `stale`).
    public var currentLockVersion: Int?
    /// What changed since our version (for `stale`).
    public var moved: YAny?

    public init(
        reason: SaveFailureReason, message: String? = nil, errors: YAny? = nil,
        currentLockVersion: Int? = nil,
        moved: YAny? = nil
    ) {
        self.reason = reason
        self.message = message
        self.errors = errors
        self.currentLockVersion = currentLockVersion
        self.moved = moved
    }
}

extension SaveFailureReason {
    /// The connection dropped while a save was waiting for its answer. Whether it was written shows
    /// after the reconnect: a base that moved to our edits means it was.
    public static let disconnected: SaveFailureReason = "disconnected"
}

/// A new version of the workflow made by someone else, and what it did to the document.
public struct WorkflowSavedNotice: Hashable, Sendable {
    /// The new base's version: what the next save carries.
    public var lockVersion: Int
    /// Who made it; nil when the client learned of it on reconnecting (the version moved while the
    /// connection was down, and `joined` does not say who moved it).
    public var actor: WeftProtocol.Actor?
    /// How (`editor`, `deploy`, `merge`, `sync`, `restore`); nil when learned on reconnecting.
    public var source: ChangeSource?
    /// What changed, per entity and field (from the relay; computed from the bases on reconnect).
    public var summary: ReconcileSummary
    /// Unsaved edits the new version overrode while the relay rebased them (none on reconnect).
    public var conflicts: [RebaseConflict]
    /// Whether unsaved changes remain after the base was reset (the marker after the notice).
    public var isDirty: Bool

    public init(
        lockVersion: Int, actor: WeftProtocol.Actor?, source: ChangeSource?, summary: ReconcileSummary,
        conflicts: [RebaseConflict], isDirty: Bool
    ) {
        self.lockVersion = lockVersion
        self.actor = actor
        self.source = source
        self.summary = summary
        self.conflicts = conflicts
        self.isDirty = isDirty
    }
}
