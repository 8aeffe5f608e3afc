import Foundation
import WorkflowModel
import YCRDT

/// What the relay and the command line need of a database, whichever engine holds it: the SQLite
/// ``WeftStore`` (one relay, the embedded default) or the PostgreSQL store in `WeftStorePostgres`
/// (several relays sharing one database, issue #9).
///
/// Every store passes the same conformance suite (Tests/StoreConformanceTests), so a caller can rely
/// on the behaviour documented here whatever the engine:
/// - every write is one transaction: all of it is stored or none of it, and a method that returned has
///   its transaction on disk;
/// - saves take an optimistic lock (`expectedLockVersion`), checked against the row read inside the
///   write's transaction, so two writers — two relays on two machines — cannot both save over one
///   version;
/// - each document's log numbers its updates 1, 2, 3, … without gaps and never reuses a number after a
///   compaction; those numbers are what several relays will exchange to catch up (docs/storage.md);
/// - a read sees one consistent state of the database.
///
/// The methods are `async`: a network store awaits its server. ``WeftStore`` witnesses most of them with
/// its synchronous methods (each a short transaction on the calling thread), and those that wait on the
/// disk for long with versions that run them on threads of their own (`WeftStore+Blocking.swift`).
public protocol WorkflowStorage: Sendable {
    // MARK: Projects

    /// Creates an empty project; `StoreError.projectNameTaken` if the name is in use.
    @discardableResult
    func createProject(id: String, name: String, description: String?) async throws -> ProjectSummary
    /// Every project, by name.
    func projects() async throws -> [ProjectSummary]
    /// The project with this id, with its credentials and workflows (deleted ones only when asked).
    func project(id: String, includeDeleted: Bool) async throws -> Project?
    /// The project with this name, as ``project(id:includeDeleted:)``.
    func project(named name: String, includeDeleted: Bool) async throws -> Project?

    // MARK: Workflows

    /// The workflows of a project, by name, without their contents.
    func workflows(in projectID: String, includeDeleted: Bool) async throws -> [WorkflowSummary]
    /// The saved workflow with this id (deleted or not).
    func workflow(id: String) async throws -> Workflow?
    /// The live workflow named `name` in the project with id or name `project`.
    func workflow(project: String, named name: String) async throws -> Workflow?
    /// The id of the project a workflow belongs to.
    func projectID(ofWorkflow workflowID: String) async throws -> String?
    /// The stored lock_version of a workflow, without reading its contents.
    func lockVersion(of workflowID: String) async throws -> Int?

    /// Saves a workflow if the stored lock_version is `expectedLockVersion` (else `StoreError.stale`
    /// with the stored workflow); a save that changes nothing writes nothing.
    func saveWorkflow(
        _ workflow: Workflow, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult
    /// Creates a workflow at lock_version 1 (`StoreError.workflowExists`, `StoreError.projectNotFound`).
    func createWorkflow(
        _ workflow: Workflow, in projectID: String, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult
    /// Marks a workflow deleted, as a save with the same optimistic lock.
    func deleteWorkflow(
        id: String, expectedLockVersion: Int, actor: ChangeActor, source: VersionSource
    ) async throws -> SaveResult
    /// Imports a project (deploy, sandbox merge, sync) in one transaction; with `expectedVersions`, a
    /// stale import is refused whole with `StoreError.staleDeploy`.
    func importProject(
        _ project: Project, actor: ChangeActor, source: VersionSource, expectedVersions: [String: Int]?
    ) async throws -> ImportResult

    // MARK: Versions

    /// Every recorded version of a workflow, oldest first.
    func versions(of workflowID: String) async throws -> [WorkflowVersion]
    /// The version of a workflow saved as `lockVersion`.
    func version(of workflowID: String, lockVersion: Int) async throws -> WorkflowVersion?

    // MARK: Document log

    /// Appends updates to their documents' logs in one transaction; returns their sequence numbers in
    /// the order of `batch`. When this returns the updates are durable.
    @discardableResult
    func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) async throws -> [Int64]
    /// The document as stored: its snapshot and every update logged after it, read consistently.
    func loadDocument(_ docID: String) async throws -> StoredDocument
    /// Replaces the snapshot with one through `throughSeq` and drops the updates it includes; the new
    /// snapshot takes their place atomically, as no read returns an update it covers
    /// (`StoreError.staleCompaction`, `StoreError.compactionBeyondLog`).
    func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) async throws
    /// How much log the document holds after its snapshot.
    func documentLogStats(_ docID: String) async throws -> DocumentLogStats
    /// The ids of documents with updates in their log, by id.
    func documentsWithLog() async throws -> [String]
    /// Removes a document entirely; its sequence numbers start again at 1.
    func deleteDocument(_ docID: String) async throws

    // MARK: Users and roles

    /// Gives `user` `role` in a project, replacing any role they had there (`StoreError.projectNotFound`).
    func grant(user: String, project projectID: String, role: Role) async throws
    /// Takes away `user`'s role in a project; returns whether they had one.
    @discardableResult
    func revoke(user: String, project projectID: String) async throws -> Bool
    /// `user`'s role in a project, or nil for none.
    func role(of user: String, in projectID: String) async throws -> Role?
    /// Who has which role in a project, by user name.
    func roles(in projectID: String) async throws -> [(user: String, role: Role)]
    /// Records a user with no roles yet.
    func addUser(_ name: String) async throws
    /// Every known user, by name.
    func users() async throws -> [String]

    // MARK: Audit

    /// Adds a line to the audit trail.
    func audit(actor: String, action: String, subject: String, details: [String: YAny]) async throws
    /// The latest `limit` lines of the audit trail, newest first; only those about `subject` when given.
    func auditTrail(limit: Int, subject: String?) async throws -> [AuditEntry]

    // MARK: Deploy lock

    /// Marks "a direct deploy is running"; false while another live holder has it. A holder that died
    /// holds nothing; acquiring again from the holder's own pid succeeds.
    func acquireDeployLock(owner: String, pid: Int32) async throws -> Bool
    /// Releases the deploy lock if `pid` holds it; returns whether it did.
    @discardableResult
    func releaseDeployLock(pid: Int32) async throws -> Bool
    /// Who holds the deploy lock, or nil when nobody (alive) does.
    func deployLockHolder() async throws -> DeployLockHolder?

    // MARK: Drafts

    /// Keeps unsaved edits a reset discarded; returns the new draft's id.
    @discardableResult
    func saveDraft(
        _ workflow: Workflow, basedOn: Int, displacedBy: Int, people: [String], at time: Date
    ) async throws -> Int
    /// Every kept draft, oldest first; those not yet restored only, unless `includeRestored`.
    func drafts(includeRestored: Bool) async throws -> [WorkflowDraft]
    /// The draft numbered `id`, restored or not.
    func draft(id: Int) async throws -> WorkflowDraft?
    /// Marks a draft restored; false when it already was (or does not exist).
    func markDraftRestored(id: Int, by actor: String, at time: Date) async throws -> Bool
    /// Takes back a claim made by ``markDraftRestored(id:by:at:)``.
    func unmarkDraftRestored(id: Int) async throws

    // MARK: Sandboxes and repository sync

    /// Copies project `parentID` into a new project `name` with new ids, keeping the mapping and each
    /// workflow's fork point (`StoreError.projectNotFound`, `StoreError.projectNameTaken`).
    func createSandbox(
        of parentID: String, name: String, createdBy: String, actor: ChangeActor, newID: () -> String
    ) async throws -> SandboxSummary
    /// The sandbox with this name or id, or nil when there is none (or the project is not a sandbox).
    func sandbox(_ nameOrID: String) async throws -> SandboxSummary?
    /// Every sandbox, or those of one parent project (by id), by name.
    func sandboxes(of parentID: String?) async throws -> [SandboxSummary]
    /// How each of a sandbox's workflows maps onto its parent's, with its fork point.
    func sandboxLinks(_ sandboxID: String) async throws -> [SandboxLink]
    /// Imports the merged parent (as ``importProject(_:actor:source:expectedVersions:)`` with source
    /// merge, refused whole when stale) and advances the sandbox's fork points to `links`, in one
    /// transaction.
    func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) async throws -> ImportResult
    /// What `weft sync` last deployed from this repository to this project, if it ever did.
    func repositorySync(repository: String, project: String) async throws -> RepositorySync?
    /// Records (or replaces) a repository sync.
    func recordRepositorySync(_ sync: RepositorySync) async throws

    // MARK: Several relays on one database

    /// Whether other processes may write this database while a relay runs: true for PostgreSQL (several
    /// relays), false for SQLite (one relay, which holds the deploy lock while it runs).
    var isShared: Bool { get }
    /// What a relay that already holds a document through update `seq` lacks: the updates logged after
    /// `seq`, read consistently with the snapshot, which is included (non-nil) only when a compaction
    /// dropped some of those updates from the log (applying it again is harmless: updates are
    /// idempotent).
    func loadDocument(_ docID: String, after seq: Int64) async throws -> StoredDocument
    /// The changes anyone commits to the database from now on (this process included), as they commit;
    /// a store nobody else writes (``isShared`` false) returns a stream that finishes at once.
    func changes() async throws -> AsyncStream<StoreChange>
    /// Runs `body` while holding document `docID`'s lock, which at most one process using the database
    /// holds at a time (PostgreSQL: an advisory lock, released if the holder dies): reconciles, heals and
    /// compactions of one document never interleave across relays. Should the lock be lost while `body`
    /// runs, the appends and compactions of that document `body` makes afterwards throw
    /// `StoreError.documentLockLost` and write nothing (PostgreSQL; docs/storage.md).
    func withDocumentLock<Result: Sendable>(
        _ docID: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result
    /// Passes presence of workflow `workflowID` to the other processes listening to ``changes()`` (not to
    /// this one), where it arrives as ``StoreChange/presence(workflowID:_:)``. Best effort: it is never
    /// stored, a signal too large for the transport is dropped, a failure is logged, not thrown. A store
    /// nobody else uses (``isShared`` false) sends nothing.
    func sendPresence(_ signal: PresenceSignal, workflowID: String) async
    /// Passes several workflows' presence at once, in order, as ``sendPresence(_:workflowID:)`` passes
    /// each (a relay sends its rooms' together, so that presence takes one database round trip however
    /// many rooms have it). Best effort, as that is.
    func sendPresence(_ batch: [WorkflowPresenceSignal]) async

    // MARK: Size

    /// The size of the database in bytes, for the relay's metrics.
    func storeSize() async throws -> Int64
}

extension WorkflowStorage {
    /// No other process listens: there is nobody to tell.
    public func sendPresence(_ signal: PresenceSignal, workflowID: String) async {}

    /// Sends each signal in turn (nothing, for a store nobody else uses).
    public func sendPresence(_ batch: [WorkflowPresenceSignal]) async {
        for item in batch { await sendPresence(item.signal, workflowID: item.workflowID) }
    }
}

/// The SQLite store satisfies the protocol with its own methods: synchronous ones, and the async ones of
/// `WeftStore+Blocking.swift` for the calls that wait on the disk.
extension WeftStore: WorkflowStorage {
    public var isShared: Bool { false }

    /// Nobody else writes a SQLite database while a relay runs: nothing to announce.
    public func changes() async throws -> AsyncStream<StoreChange> {
        AsyncStream { $0.finish() }
    }

    /// One relay uses a SQLite database, and its rooms already order their own work: runs `body`.
    public func withDocumentLock<Result: Sendable>(
        _ docID: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        try await body()
    }
}
