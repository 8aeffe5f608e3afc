import Foundation
import Testing
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `weft export` (issue #8, part 4): the files `weft deploy` reads, and a fixed point with it.
    @Suite("export")
    struct ExportCommand {
        /// The real OpenFn files, each deployed as it is: exporting (YAML with its state file, and
        /// provisioning JSON), deploying the export and exporting again changes nothing and gives the
        /// same bytes.
        @Test(
            arguments: [
                ("openfn/lightning-canonical_project.yaml", "project.yaml", nil),
                (
                    "openfn/kit-deploy-fullExampleSpec.json", "project.yaml",
                    "openfn/kit-deploy-fullExampleState.json"
                ),
                ("openfn/kit-deploy-lightningProjectPayload.json", "project.json", nil),
            ] as [(String, String, String?)])
        func exportDeployExportIsAFixedPoint(fixture: String, name: String, state: String?) throws {
            try withRelay { relay in
                let file = relay.folder.file(name)
                try Fixtures.data(fixture).write(to: URL(fileURLWithPath: file))
                if let state {
                    try Fixtures.data(state).write(to: URL(fileURLWithPath: relay.folder.file(".state.json")))
                }
                let deployed = try weft(["deploy", file], relay)
                #expect(deployed.status == 0, "\(deployed.standardErrorText)\(deployed.standardOutputText)")
                let store = try WeftStore(path: relay.database)
                guard let project = try store.projects().first?.name else {
                    throw TestSupportError("nothing deployed")
                }
                let versions = try store.projects().flatMap { try store.workflows(in: $0.id) }.map(
                    \.lockVersion)

                for format in ["yaml", "json"] {
                    let first = relay.folder.file("\(format)1/project.\(format)")
                    let second = relay.folder.file("\(format)2/project.\(format)")
                    let exported = try weft(["export", project, "--out", first], relay)
                    #expect(exported.status == 0, "\(exported.standardErrorText)")
                    let redeployed = try weft(["deploy", first], relay)
                    #expect(
                        redeployed.status == 0,
                        "\(redeployed.standardErrorText)\(redeployed.standardOutputText)")
                    #expect(
                        redeployed.standardOutputText.contains("\(project): nothing changed"),
                        "\(format): \(redeployed.standardOutputText)")
                    #expect(try weft(["export", project, "--out", second], relay).status == 0)
                    let one = try String(contentsOfFile: first, encoding: .utf8)
                    #expect(one == (try String(contentsOfFile: second, encoding: .utf8)), "\(format)")
                    #expect(!one.isEmpty)
                }
                // Still the versions the first deploy made: nothing was written since.
                #expect(
                    try store.projects().flatMap { try store.workflows(in: $0.id) }.map(\.lockVersion)
                        == versions)
            }
        }

        /// Standard output without --out, the format from --out's extension, unknown projects refused;
        /// with no relay the export reads the database.
        @Test func formatsDestinationsAndErrors() throws {
            try withRelay { relay in
                _ = try DeployedProject.deploy(to: relay)
                let yaml = try weft(["export", ProjectFile.projectName], relay)
                #expect(yaml.status == 0)
                let spec = try ProjectYAML.parse(yaml.standardOutputText, file: "stdout")
                #expect(spec.name == ProjectFile.projectName && spec.workflows.count == 2)
                #expect(yaml.standardErrorText.contains("no state file written"))

                let json = try weft(["export", ProjectFile.projectName, "--format", "json"], relay)
                let document = try ProvisioningJSON.parse(json.standardOutputText, file: "stdout")
                #expect(document.project.workflows.map(\.lockVersion) == [1, 1])

                let missing = try weft(["export", "no-such-project"], relay)
                #expect(
                    missing.status == 1
                        && missing.standardErrorText.contains("no project \"no-such-project\""))

                #expect(relay.stop() == 0)
                let out = relay.folder.file("offline/acme.json")
                let offline = try weft(["export", ProjectFile.projectName, "--out", out], relay)
                #expect(offline.status == 0, "\(offline.standardErrorText)")
                #expect(
                    try ProvisioningJSON.parse(String(contentsOfFile: out, encoding: .utf8), file: out)
                        .project.name == ProjectFile.projectName)
            }
        }
    }
}
