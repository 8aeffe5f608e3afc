import Foundation
import WorkflowModel

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

    /// A save (an fsync): the synchronous `saveWorkflow(_:expectedLockVersion:actor:source:)` on a thread
    /// of its own.
    public func saveWorkflow(
        _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await Self.offThePool {
            try self.saveWorkflow(workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    /// A deploy's import (one transaction over a whole project): the synchronous
    /// `importProject(_:actor:source:expectedVersions:)` on a thread of its own.
    public func importProject(
        _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) async throws -> ImportResult {
        try await Self.offThePool {
            try self.importProject(project, actor: actor, source: source, expectedVersions: expectedVersions)
        }
    }

    /// A sandbox merge's commit: the synchronous `commitSandboxMerge(…)` on a thread of its own.
    public func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) async throws -> ImportResult {
        try await Self.offThePool {
            try self.commitSandboxMerge(
                sandboxID: sandboxID, parent: parent, actor: actor, expectedVersions: expectedVersions, links: links)
        }
    }

    /// A document as stored (a room's load reads its snapshot and whole log): the synchronous
    /// `loadDocument(_:)` on a thread of its own.
    public func loadDocument(_ docID: String) async throws -> StoredDocument {
        try await Self.offThePool { try self.loadDocument(docID) }
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
