import Foundation
import Logging
import Testing
import WeftProtocol
import WeftStore
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
}
