import Foundation
import Testing
import WeftTestSupport

extension RelaySuite {
    /// Who may deploy in shared mode (issue #5, item 9): names come from the OS and only roles count.
    @Suite("deploy roles")
    struct DeployRoles {
        /// Whoever deploys a new project owns it (else nobody could open it); to an existing project
        /// only its owners and admins may deploy. An editor's deploy is refused and writes nothing; a
        /// git sync is held to the same rule.
        @Test func onlyOwnersAndAdminsDeployToAnExistingProjectAndTheCreatorOwnsANewOne() throws {
            try withRelay(arguments: ["--group", "root"]) { relay in
                let me = ProcessInfo.processInfo.userName
                let project = try DeployedProject.deploy(to: relay)
                let owner = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "ignored")
                #expect(owner.role == "owner", "the deployer of a new project owns it")
                let version = owner.lockVersion
                owner.close()

                try grant(me, role: "editor", project: ProjectFile.projectName, relay: relay)
                try project.file.rewrite { $0.replacingOnce("name: workflow 1", with: "name: workflow one") }
                let refused = try project.file.deploy(to: relay, expectSuccess: false)
                #expect(refused.status == 1)
                #expect(refused.standardErrorText.contains("refused (forbidden)"), "\(refused.standardErrorText)")
                #expect(refused.standardErrorText.contains("only its owners and admins"))
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.lockVersion == version)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow one"] == nil)

                try grant(me, role: "admin", project: ProjectFile.projectName, relay: relay)
                try project.file.deploy(to: relay)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow one"] != nil)
            }
        }
    }
}
