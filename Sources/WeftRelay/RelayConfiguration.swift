import WorkflowModel

/// How a relay runs: where it listens and stores, how it treats external writes, and its limits.
public struct RelayConfiguration: Sendable {
    /// The Unix socket path.
    public var socketPath: String
    /// The database: a SQLite path, or how a shared database is named in logs (never with a password).
    public var databasePath: String
    /// How long a document stays loaded after its last client leaves.
    public var unloadAfter: Duration = .seconds(30)
    /// What an external write does to unsaved edits in a live document.
    public var externalUpdatePolicy: ExternalUpdatePolicy = .rebase
    /// Share the socket with this group (mode 0660); nil keeps it private to the user (0600).
    public var sharedGroup: String?
    /// The largest frame payload accepted from a client.
    public var maximumFrameBytes = 16 * 1024 * 1024
    /// The largest a document may grow (its encoded state); updates beyond are refused.
    public var maximumDocumentBytes = 64 * 1024 * 1024
    /// Unsent bytes queued for one client before it counts as stuck and is disconnected (a single
    /// frame larger than this still goes to a client whose queue is empty).
    public var sendQueueBytes = 16 * 1024 * 1024
    /// Compact a document's log into a snapshot once the log holds this many bytes.
    public var compactAfterLogBytes = 1024 * 1024
    /// Presence not renewed for this long is dropped, as y-protocols awareness does (clients renew
    /// every 15 s; an editor suspended with Ctrl-Z stops renewing).
    public var presenceTimeout: Duration = .seconds(30)
    /// Serve Prometheus metrics on 127.0.0.1 at this port; nil serves none.
    public var metricsPort: Int?
    /// With a database several relays share: how often each loaded document is compared with the
    /// database, besides the change notifications (a lost notification then costs this much latency).
    public var storeCheckInterval: Duration = .seconds(2)

    public init(socketPath: String, databasePath: String) {
        self.socketPath = socketPath
        self.databasePath = databasePath
    }

    /// True when the socket is shared with a group: names come from the OS, not from `join`.
    public var isSharedMode: Bool { sharedGroup != nil }
}
