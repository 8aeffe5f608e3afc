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
        try await withTwoRelays { relays in
            let change = relays.change
            relays.interruptA(whileCommitting: change.workflowID) {
                _ = try? await relays.b.applyExternal(change, actor: .system("test"), source: .editor)
            }
            let outcome = try await relays.a.applyExternal(change, actor: .system("test"), source: .editor)
            #expect(relays.interrupted, "A's reconcile reached its commit under the lock")
            #expect(outcome.conflicts.isEmpty)
            try await relays.expectTheVersionInTheLogOnce()
            let room = try #require(await relays.a.loadedRoom(change.workflowID))
            #expect(await room.lockVersion == change.lockVersion)
        }
    }

    /// The same for a heal: relay A loads a document behind its saved version and heals it under the
    /// lock, which it loses just before committing, while relay B loads and heals the same document.
    /// A's heal is refused; A rebuilds the document from the log, which B healed, and the load succeeds.
    @Test func aHealThatLostItsLockIsRefusedAndTheDocumentReloaded() async throws {
        try await withTwoRelays { relays in
            let id = relays.change.workflowID
            // Fresh relays: neither has the document loaded, and the log lacks the saved version.
            let relayA = RoomRegistry(services: relays.servicesA)
            let relayB = RoomRegistry(services: relays.servicesB)
            relays.interruptA(whileCommitting: id) {
                try? await relayB.room(for: id).ensureLoaded()
            }
            let room = try await relayA.room(for: id)
            try await room.ensureLoaded()
            #expect(relays.interrupted, "A's heal reached its commit under the lock")
            #expect(await room.lockVersion == relays.change.lockVersion)
            try await relays.expectTheVersionInTheLogOnce()
        }
    }

    /// Two relays (in this process, each with its own store) on a fresh schema, the fixture deployed
    /// through the first, and a saved version of one of its workflows that no document holds yet.
    private func withTwoRelays(_ body: (TwoRelays) async throws -> Void) async throws {
        let database = try SharedPostgres.make()
        do {
            let relays = try await TwoRelays.make(database.url)
            try await body(relays)
            await relays.close()
        } catch {
            await database.dropSchema()
            throw error
        }
        await database.dropSchema()
    }
}

/// Two relays on one database and a saved version for them to bring into the document.
private final class TwoRelays: Sendable {
    let storeA: PostgresStore
    let storeB: PostgresStore
    let servicesA: RelayServices
    let servicesB: RelayServices
    let a: RoomRegistry
    let b: RoomRegistry
    /// The saved version: one job's body gained a line.
    let change: WorkflowChange
    private let interruptions = Mutex(0)

    static func make(_ url: String) async throws -> TwoRelays {
        let storeA = try await PostgresStore.connect(url)
        let storeB = try await PostgresStore.connect(url)
        let configuration = RelayConfiguration(socketPath: "/unused", databasePath: url)
        let servicesA = RelayServices(
            store: storeA, configuration: configuration, logger: Logger(label: "relay A"))
        let servicesB = RelayServices(
            store: storeB, configuration: configuration, logger: Logger(label: "relay B"))
        let a = RoomRegistry(services: servicesA)
        let fixture = String(
            decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        let deployed = await Provisioner(services: servicesA).deploy(
            project: ["yaml": .string(fixture)], state: nil, allowStale: true, actor: .system("deploy"),
            registry: a)
        guard case .deployed = deployed else {
            throw TestSupportError("the fixture did not deploy: \(deployed)")
        }
        let project = try #require(try await storeA.project(named: "a-test-project", includeDeleted: false))
        var workflow = try #require(project.workflows.first { !$0.jobs.isEmpty })
        workflow.jobs[0].body += "\n// changed by a save\n"
        let saved = try await storeA.saveWorkflow(
            workflow, expectedLockVersion: workflow.lockVersion, actor: .system("test"), source: .editor)
        return TwoRelays(
            storeA: storeA, storeB: storeB, servicesA: servicesA, servicesB: servicesB, a: a,
            change: WorkflowChange(saved))
    }

    private init(
        storeA: PostgresStore, storeB: PostgresStore, servicesA: RelayServices, servicesB: RelayServices,
        a: RoomRegistry, change: WorkflowChange
    ) {
        self.storeA = storeA
        self.storeB = storeB
        self.servicesA = servicesA
        self.servicesB = servicesB
        self.a = a
        b = RoomRegistry(services: servicesB)
        self.change = change
    }

    /// The first time relay A is about to commit under document `docID`'s lock, its lock's session is
    /// killed and `meanwhile` runs (relay B doing the same work) before A's commit goes on.
    func interruptA(whileCommitting docID: String, meanwhile: @escaping @Sendable () async -> Void) {
        storeA.beforeFencedWrite.withLock { hook in
            hook = { [self] docIDs in
                guard docIDs.contains(docID),
                    interruptions.withLock({ count in
                        count += 1
                        return count == 1
                    })
                else { return }
                try? await storeA.terminateDocumentLockHolders(docID)
                await meanwhile()
            }
        }
    }

    /// Whether relay A was interrupted.
    var interrupted: Bool { interruptions.withLock { $0 } > 0 }

    /// The document as the log holds it carries the saved version, its change written once.
    func expectTheVersionInTheLogOnce() async throws {
        let stored = try await storeA.loadDocument(change.workflowID)
        let doc = Doc()
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
        for update in stored.updates { try doc.applyUpdate(update.bytes) }
        let inLog = WorkflowDocument.read(doc)
        #expect(inLog.lockVersion == change.lockVersion)
        #expect(inLog.jobs.map(\.body) == change.workflow.jobs.map(\.body), "the version is in the log once")
    }

    func close() async {
        storeA.beforeFencedWrite.withLock { $0 = nil }
        await storeA.close()
        await storeB.close()
    }
}
