import Foundation

/// The SQLite store's calls that wait on the disk, for async callers (the relay): they run on threads
/// of their own, never on Swift concurrency's cooperative pool, which has one thread per core. A group
/// commit waits for an fsync (milliseconds; tens at the disk's tail) and a compaction for a snapshot
/// and tens of thousands of deleted rows (tens of milliseconds); on the pool, two such waits on a 2-core
/// machine left no thread for anything else, and every room's forwards and acks stalled behind them.
/// (The synchronous methods these call stay as they are for synchronous callers.)
extension WeftStore {
    /// Appends updates in one transaction; the synchronous `appendUpdates(_:)` on a thread of its own.
    @discardableResult
    public func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) async throws -> [Int64] {
        try await Self.offThePool { try self.appendUpdates(batch) }
    }

    /// Compacts a document's log into a snapshot: the synchronous
    /// `compactDocument(_:snapshot:throughSeq:)` on a thread of its own.
    public func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) async throws {
        try await Self.offThePool { try self.compactDocument(docID, snapshot: snapshot, throughSeq: throughSeq) }
    }

    /// Where the blocking work runs: Dispatch adds threads when those it has are blocked.
    private static let blockingQueue = DispatchQueue(label: "weft.store.blocking", attributes: .concurrent)

    private static func offThePool<Value: Sendable>(
        _ work: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
