/// A persisted CRDT document: the latest snapshot and the updates logged after it.
///
/// Apply `snapshot` and then every update in order to get the document as it was at the last
/// acknowledged update. Updates are Yjs updates, so applying one the snapshot already holds is harmless.
public struct StoredDocument: Hashable, Sendable {
    /// The compacted state (an update encoding the whole document), or nil when never compacted.
    public var snapshot: [UInt8]?
    /// The last sequence number the snapshot includes (0 without a snapshot).
    public var throughSeq: Int64
    /// The logged updates after `throughSeq`, in sequence order.
    public var updates: [LoggedUpdate]

    public init(snapshot: [UInt8]?, throughSeq: Int64, updates: [LoggedUpdate]) {
        self.snapshot = snapshot
        self.throughSeq = throughSeq
        self.updates = updates
    }

    /// The sequence number of the last update the document holds: the next append gets one more.
    public var lastSeq: Int64 { updates.last?.seq ?? throughSeq }

    /// Whether the store holds nothing for this document.
    public var isEmpty: Bool { snapshot == nil && updates.isEmpty }
}

/// One update of the document log.
public struct LoggedUpdate: Hashable, Sendable {
    /// Its place in the document's log: 1, 2, 3, … without gaps, never reused.
    public var seq: Int64
    public var bytes: [UInt8]

    public init(seq: Int64, bytes: [UInt8]) {
        self.seq = seq
        self.bytes = bytes
    }
}

/// How much log a document has piled up since its snapshot: what "compact by size" decides on.
public struct DocumentLogStats: Hashable, Sendable {
    /// Updates logged after the snapshot.
    public var updates: Int
    /// Their total size in bytes.
    public var bytes: Int
    /// The snapshot's size in bytes (0 without one).
    public var snapshotBytes: Int
    /// The last sequence number (0 for a document with nothing stored).
    public var lastSeq: Int64
}
