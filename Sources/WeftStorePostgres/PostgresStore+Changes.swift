import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Other relays write this database while this one runs.
    public var isShared: Bool { true }

    /// The changes committed to the database from now on, by any store on it (this one included): each
    /// append announces every document it wrote with its highest sequence number
    /// (``StoreChange/documentLog(docID:seq:)``), each write of a workflow (save, create, delete,
    /// import, sandbox creation and merge) every workflow it wrote with its new lock_version
    /// (``StoreChange/workflowSaved(workflowID:lockVersion:)``). The announcement is sent in the write's
    /// transaction, so it arrives only if the write committed, after it did.
    ///
    /// One listening connection per store feeds every stream, started on first use; this call returns
    /// once it listens (or after the deadline, in which case the stream starts with
    /// ``StoreChange/resync``). When that connection drops, the store reconnects and every stream gets
    /// ``StoreChange/resync``: announcements in between are lost, never data. Notifications carry only
    /// ids and numbers (an id over 1,000 bytes is not announced). ``close()`` finishes the streams.
    public func changes() async throws -> AsyncStream<StoreChange> {
        await changeFeed.stream()
    }

    /// Ends the change listener's server session, as a server restart or a lost network would (tests).
    /// Returns whether there was one.
    package func terminateListenerSession() async throws -> Bool {
        guard let pid = await changeFeed.backendPID else { return false }
        return try await client.query("SELECT pg_terminate_backend(\(pid), 5000)", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
    }
}
