/// The settings a store connection runs with, read back from SQLite (not from what we asked for).
public struct StoreSettings: Hashable, Sendable {
    /// `wal`.
    public var journalMode: String
    /// 2 = FULL: every commit is fsynced before it returns.
    public var synchronous: Int
    public var foreignKeys: Bool
    /// 2 = INCREMENTAL: freed pages can be given back to the file system.
    public var autoVacuum: Int
    /// Milliseconds a write waits on another process's lock.
    public var busyTimeoutMilliseconds: Int
}
