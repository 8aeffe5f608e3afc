import Foundation
import Logging
import Testing
import WeftProtocol
import WeftStore
import WeftStorePostgres
import WeftTestSupport
import WorkflowModel
import YCRDT

@testable import WeftRelay

/// Two people deploying the same new project at once in shared mode (issue #5, item 9): exactly one
/// becomes its owner and the other is checked against the project the first created — never both
/// owners, never a write to a project the writer has no role in.
@Suite struct ConcurrentDeployOwnershipTests {
    @Test func twoFirstDeploysOfOneProjectMakeOneOwnerAndRefuseTheOther() async throws {
        let store = try WeftStore.temporary()
        var configuration = RelayConfiguration(socketPath: "/unused", databasePath: "/unused")
        configuration.sharedGroup = "staff"
        let services = RelayServices(store: store, configuration: configuration, logger: Logger(label: "test"))
        let registry = RoomRegistry(services: services)
        let provisioner = Provisioner(services: services)
        let fixture = String(decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)

        for round in 0..<10 {
            let yaml = fixture.replacingOccurrences(
                of: "name: a-test-project", with: "name: project-\(round)")
            func deploy(as name: String) async -> ControlMessage {
                await provisioner.deploy(
                    project: ["yaml": .string(yaml)], state: nil, allowStale: true, actor: .system("deploy by \(name)"),
                    requester: Requester(name: name, sharedMode: true), registry: registry)
            }
            async let ann = deploy(as: "ann")
            async let bob = deploy(as: "bob")
            let answers = await [ann, bob]
            let succeeded = answers.filter { if case .deployed = $0 { true } else { false } }
            let refused = answers.compactMap { answer -> String? in
                if case .deployFailed(let reason, _, _, _) = answer { return reason }
                return nil
            }
            #expect(succeeded.count == 1, "round \(round): \(answers)")
            #expect(refused == ["forbidden"], "round \(round): \(answers)")
            guard let project = try store.project(named: "project-\(round)") else {
                Issue.record("round \(round): the project was not created")
                continue
            }
            let owners = try store.roles(in: project.id).filter { $0.role == .owner }.map(\.user)
            #expect(owners.count == 1, "round \(round): owners \(owners)")
        }
    }

    /// Only the role check, the import and the owner are one at a time: a deploy whose reconcile waits
    /// on a document the store cannot commit to (a full disk) must not hold up a deploy of another
    /// project.
    @Test func aReconcileWaitingOnTheLogDoesNotHoldUpAnotherProjectsDeploy() async throws {
        let store = try WeftStore.temporary()
        let configuration = RelayConfiguration(socketPath: "/unused", databasePath: "/unused")
        let services = RelayServices(store: store, configuration: configuration, logger: Logger(label: "test"))
        let registry = RoomRegistry(services: services)
        let provisioner = Provisioner(services: services)
        let fixture = String(decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        func project(_ name: String) -> String {
            fixture.replacingOccurrences(of: "name: a-test-project", with: "name: \(name)")
        }
        guard
            case .deployed(_, let workflows, let state) = await provisioner.deploy(
                project: ["yaml": .string(project("first"))], state: nil, allowStale: true,
                actor: .system("deploy"), registry: registry)
        else {
            Issue.record("the first deploy failed")
            return
        }
        let workflowID = try #require(workflows.first?.objectValue?["id"]?.stringValue)
        let session = SessionHandle(
            id: 1, name: "Ann", role: .owner, outbound: Outbound(queue: OutboundQueue(byteLimit: 1 << 24)) {})
        let room = try await registry.join(session, workflowID: workflowID)

        // From now on the document log cannot be written; an edit stays uncommitted in the room.
        try RelaySuite.FailingStore.failLogWrites(in: store.path)
        let replica = Doc()
        guard case .sync(.step2(let state1)) = try await room.answerStep1([0]) else {
            Issue.record("no step 2")
            return
        }
        try replica.applyUpdate(state1)
        var updates: [[UInt8]] = []
        replica.observeUpdates { update, _ in updates.append(update) }
        try replica.text("notes").insert("typed while the disk is full", at: 0)
        _ = await room.receiveUpdate(updates.removeFirst(), from: session, onCommitted: {})

        // A new version of that project: imported, then its reconcile waits for the log.
        let changed = project("first").replacingOccurrences(
            of: "console.log('webhook job')", with: "console.log('webhook job, again')")
        #expect(changed != project("first"), "the fixture changed under the test")
        let stuck = Task {
            await provisioner.deploy(
                project: ["yaml": .string(changed)], state: state, allowStale: true, actor: .system("deploy"),
                registry: registry)
        }
        try await Task.sleep(for: .milliseconds(300))
        let other = Task {
            await provisioner.deploy(
                project: ["yaml": .string(project("second"))], state: nil, allowStale: true, actor: .system("deploy"),
                registry: registry)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while try store.project(named: "second") == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(
            try store.project(named: "second") != nil,
            "the other project's deploy waited 5 s behind a reconcile stuck on the log")
        stuck.cancel()
        other.cancel()
    }

    /// The same race between two relays sharing one PostgreSQL database: each relay's gate orders only
    /// its own deploys, so the step also takes the database's deploy lock.
    @Test func twoRelaysOnOneDatabaseMakeOneOwnerOfANewProject() async throws {
        let database = try SharedPostgres.make()
        defer { database.drop() }
        var configuration = RelayConfiguration(socketPath: "/unused", databasePath: database.url)
        configuration.sharedGroup = "staff"
        var relays: [(provisioner: Provisioner, registry: RoomRegistry, store: PostgresStore)] = []
        for _ in 0..<2 {
            let store = try await PostgresStore.connect(database.url)
            let services = RelayServices(store: store, configuration: configuration, logger: Logger(label: "test"))
            relays.append((Provisioner(services: services), RoomRegistry(services: services), store))
        }
        let fixture = String(decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        // Both carry the same state file, so both name the same project id (as two people deploying
        // one repository's project.yaml would).
        let scratch = try WeftStore.temporary()
        let local = RelayServices(
            store: scratch, configuration: RelayConfiguration(socketPath: "/unused", databasePath: "/unused"),
            logger: Logger(label: "test"))
        for round in 0..<6 {
            let yaml = fixture.replacingOccurrences(of: "name: a-test-project", with: "name: shared-\(round)")
            guard
                case .deployed(_, _, let state?) = await Provisioner(services: local).deploy(
                    project: ["yaml": .string(yaml)], state: nil, allowStale: true, actor: .system("deploy"),
                    registry: RoomRegistry(services: local))
            else {
                Issue.record("no state file from the scratch deploy")
                return
            }
            let relayA = relays[0]
            let relayB = relays[1]
            async let ann = relayA.provisioner.deploy(
                project: ["yaml": .string(yaml)], state: state, allowStale: true, actor: .system("deploy by ann"),
                requester: Requester(name: "ann", sharedMode: true), registry: relayA.registry)
            async let bob = relayB.provisioner.deploy(
                project: ["yaml": .string(yaml)], state: state, allowStale: true, actor: .system("deploy by bob"),
                requester: Requester(name: "bob", sharedMode: true), registry: relayB.registry)
            let answers = await [ann, bob]
            let succeeded = answers.filter { if case .deployed = $0 { true } else { false } }
            #expect(succeeded.count == 1, "round \(round): \(answers)")
            let project = try #require(try await relayA.store.project(named: "shared-\(round)", includeDeleted: false))
            let owners = try await relayA.store.roles(in: project.id).filter { $0.role == .owner }.map(\.user)
            #expect(owners.count == 1, "round \(round): owners \(owners)")
        }
        for relay in relays { await relay.store.close() }
    }
}
