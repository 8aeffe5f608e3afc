import Foundation
import Logging
import Synchronization
import Testing
import WeftStore
import WeftStorePostgres
import WeftTestSupport
import WorkflowModel
import YCRDT

@testable import WeftRelay

/// Two relays on one PostgreSQL database reconciling the same saved version, when the first loses its
/// document lock between deciding to write the version into the document and writing it.
@Suite struct DocumentLockFencingTests {
    /// Relay A's session holding the document lock is killed just before A commits its reconcile, and
    /// relay B takes the lock and reconciles the version itself. A's commit is refused; A reloads the
    /// document from the log (which now holds B's reconcile) and finds nothing left to do. The version is
    /// in the log once: the changed job body reads as saved, not with the change written twice.
    @Test func aReconcileThatLostItsLockIsRefusedAndTheDocumentReloaded() async throws {
        let database = try SharedPostgres.make()
        do {
            try await reconcileWhileTheLockIsLost(database)
        } catch {
            await database.dropSchema()
            throw error
        }
        await database.dropSchema()
    }

    private func reconcileWhileTheLockIsLost(_ database: SharedPostgres) async throws {
        let storeA = try await PostgresStore.connect(database.url)
        let storeB = try await PostgresStore.connect(database.url)
        let configuration = RelayConfiguration(socketPath: "/unused", databasePath: database.url)
        let relayA = RoomRegistry(
            services: RelayServices(
                store: storeA, configuration: configuration, logger: Logger(label: "relay A")))
        let relayB = RoomRegistry(
            services: RelayServices(
                store: storeB, configuration: configuration, logger: Logger(label: "relay B")))
        let fixture = String(
            decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        guard
            case .deployed = await Provisioner(
                services: RelayServices(
                    store: storeA, configuration: configuration, logger: Logger(label: "relay A"))
            ).deploy(
                project: ["yaml": .string(fixture)], state: nil, allowStale: true, actor: .system("deploy"),
                registry: relayA)
        else {
            Issue.record("the fixture did not deploy")
            return
        }
        let project = try #require(try await storeA.project(named: "a-test-project", includeDeleted: false))
        var workflow = try #require(project.workflows.first { !$0.jobs.isEmpty })
        workflow.jobs[0].body += "\n// changed by a save\n"
        let saved = try await storeA.saveWorkflow(
            workflow, expectedLockVersion: workflow.lockVersion, actor: .system("test"), source: .editor)
        let change = WorkflowChange(saved)

        // The moment A is about to commit under its lock: its lock's session dies, and B reconciles.
        let interrupted = Mutex(false)
        storeA.beforeFencedWrite.withLock { hook in
            hook = { docIDs in
                guard docIDs.contains(change.workflowID),
                    interrupted.withLock({ done in
                        defer { done = true }
                        return !done
                    })
                else { return }
                try? await storeA.terminateDocumentLockHolders(change.workflowID)
                _ = try? await relayB.applyExternal(change, actor: .system("test"), source: .editor)
            }
        }
        let outcome = try await relayA.applyExternal(change, actor: .system("test"), source: .editor)
        #expect(interrupted.withLock { $0 }, "A's reconcile reached its commit under the lock")
        #expect(outcome.conflicts.isEmpty)

        let stored = try await storeA.loadDocument(change.workflowID)
        let doc = Doc()
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
        for update in stored.updates { try doc.applyUpdate(update.bytes) }
        let inLog = WorkflowDocument.read(doc)
        #expect(inLog.lockVersion == saved.lockVersion)
        #expect(inLog.jobs.map(\.body) == saved.workflow.jobs.map(\.body), "the version is in the log once")
        let room = try #require(await relayA.loadedRoom(change.workflowID))
        #expect(await room.lockVersion == saved.lockVersion)
        await storeA.close()
        await storeB.close()
    }
}
