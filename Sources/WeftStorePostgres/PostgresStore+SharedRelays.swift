import Foundation
import WeftStore
import WorkflowModel

// Issue #9 phase 2 (being built): sandboxes, repository sync and the several-relays interface on
// PostgreSQL. Until then these refuse with a clear error instead of pretending.
extension PostgresStore {
    public var isShared: Bool { true }

    public func createSandbox(
        of parentID: String, name: String, createdBy: String, actor: ChangeActor, newID: () -> String
    ) async throws -> SandboxSummary {
        throw PostgresStoreError.notBuiltYet("sandboxes")
    }

    public func sandbox(_ nameOrID: String) async throws -> SandboxSummary? {
        throw PostgresStoreError.notBuiltYet("sandboxes")
    }

    public func sandboxes(of parentID: String?) async throws -> [SandboxSummary] {
        throw PostgresStoreError.notBuiltYet("sandboxes")
    }

    public func sandboxLinks(_ sandboxID: String) async throws -> [SandboxLink] {
        throw PostgresStoreError.notBuiltYet("sandboxes")
    }

    public func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) async throws -> ImportResult {
        throw PostgresStoreError.notBuiltYet("sandboxes")
    }

    public func repositorySync(repository: String, project: String) async throws -> RepositorySync? {
        throw PostgresStoreError.notBuiltYet("repository sync")
    }

    public func recordRepositorySync(_ sync: RepositorySync) async throws {
        throw PostgresStoreError.notBuiltYet("repository sync")
    }

    public func loadDocument(_ docID: String, after seq: Int64) async throws -> StoredDocument {
        throw PostgresStoreError.notBuiltYet("catching up a document")
    }

    public func changes() async throws -> AsyncStream<StoreChange> {
        throw PostgresStoreError.notBuiltYet("change notifications")
    }

    public func withDocumentLock<Result: Sendable>(
        _ docID: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        throw PostgresStoreError.notBuiltYet("document locks")
    }
}
