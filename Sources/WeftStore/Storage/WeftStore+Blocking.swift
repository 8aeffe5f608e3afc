import Foundation
import WorkflowModel
import YCRDT

/// The SQLite store's calls that wait on the disk, for async callers (the relay): they run on threads
/// of their own, never on Swift concurrency's cooperative pool, which has one thread per core. A group
/// commit waits for an fsync (milliseconds; tens at the disk's tail) and a compaction for a snapshot
/// and tens of thousands of deleted rows (tens of milliseconds); on the pool, two such waits on a 2-core
/// machine left no thread for anything else, and every room's forwards and acks stalled behind them.
/// (The synchronous methods these call stay as they are for synchronous callers.)
///
/// Three serial queues, each with a thread of its own when it has work (serial queues are
/// "overcommit": Dispatch does not make them wait for a core, as it does its concurrent queues, which
/// on Linux share the cooperative pool's threads): group commits, other writes (compactions, saves,
/// imports, merges, drafts) and document loads. A compaction's delete batches and the group commits
/// still take turns at SQLite's one writer; writes of one kind go one after another, as SQLite would
/// have them anyway.
extension WeftStore {
    /// Appends updates in one transaction; the synchronous `appendUpdates(_:)` on a thread of its own.
    @discardableResult
    public func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) async throws -> [Int64] {
        try await Self.run(on: Self.commits) { try self.appendUpdates(batch) }
    }

    /// Compacts a document's log into a snapshot: the synchronous
    /// `compactDocument(_:snapshot:throughSeq:)` on a thread of its own.
    public func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) async throws {
        try await Self.run(on: Self.writes) {
            try self.compactDocument(docID, snapshot: snapshot, throughSeq: throughSeq)
        }
    }

    /// A save (an fsync): the synchronous `saveWorkflow(_:expectedLockVersion:actor:source:)` on a thread
    /// of its own.
    public func saveWorkflow(
        _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await Self.run(on: Self.writes) {
            try self.saveWorkflow(workflow, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    /// A deploy's import (one transaction over a whole project): the synchronous
    /// `importProject(_:actor:source:expectedVersions:)` on a thread of its own.
    public func importProject(
        _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) async throws -> ImportResult {
        try await Self.run(on: Self.writes) {
            try self.importProject(project, actor: actor, source: source, expectedVersions: expectedVersions)
        }
    }

    /// A sandbox merge's commit: the synchronous `commitSandboxMerge(…)` on a thread of its own.
    public func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) async throws -> ImportResult {
        try await Self.run(on: Self.writes) {
            try self.commitSandboxMerge(
                sandboxID: sandboxID, parent: parent, actor: actor, expectedVersions: expectedVersions, links: links)
        }
    }

    /// A document as stored (a room's load reads its snapshot and whole log): the synchronous
    /// `loadDocument(_:)` on a thread of its own.
    public func loadDocument(_ docID: String) async throws -> StoredDocument {
        try await Self.run(on: Self.reads) { try self.loadDocument(docID) }
    }

    /// A draft a reset-mode relay keeps: the synchronous `saveDraft(…)` on a thread of its own.
    public func saveDraft(
        _ workflow: Workflow, basedOn: Int, displacedBy: Int, people: [String], at time: Date
    ) async throws -> Int {
        try await Self.run(on: Self.writes) {
            try self.saveDraft(workflow, basedOn: basedOn, displacedBy: displacedBy, people: people, at: time)
        }
    }

    /// The relay's other writes that wait for an fsync: each the synchronous method of the same name on
    /// a thread of its own.
    public func deleteWorkflow(
        id: String, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult {
        try await Self.run(on: Self.writes) {
            try self.deleteWorkflow(id: id, expectedLockVersion: expectedLockVersion, actor: actor, source: source)
        }
    }

    public func grant(user: String, project projectID: String, role: Role) async throws {
        try await Self.run(on: Self.writes) { try self.grant(user: user, project: projectID, role: role) }
    }

    public func audit(actor: String, action: String, subject: String, details: [String: YAny]) async throws {
        try await Self.run(on: Self.writes) {
            try self.audit(actor: actor, action: action, subject: subject, details: details)
        }
    }

    public func markDraftRestored(id: Int, by actor: String, at time: Date) async throws -> Bool {
        try await Self.run(on: Self.writes) { try self.markDraftRestored(id: id, by: actor, at: time) }
    }

    public func unmarkDraftRestored(id: Int) async throws {
        try await Self.run(on: Self.writes) { try self.unmarkDraftRestored(id: id) }
    }

    public func recordRepositorySync(_ sync: RepositorySync) async throws {
        try await Self.run(on: Self.writes) { try self.recordRepositorySync(sync) }
    }

    /// Reads that can be large: each the synchronous method of the same name on a thread of its own.
    public func versions(of workflowID: String) async throws -> [WorkflowVersion] {
        try await Self.run(on: Self.reads) { try self.versions(of: workflowID) }
    }

    public func loadDocument(_ docID: String, after seq: Int64) async throws -> StoredDocument {
        try await Self.run(on: Self.reads) { try self.loadDocument(docID, after: seq) }
    }

    private static let commits = DispatchQueue(label: "weft.store.commits")
    private static let writes = DispatchQueue(label: "weft.store.writes")
    private static let reads = DispatchQueue(label: "weft.store.reads")

    private static func run<Value: Sendable>(
        on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
