import Foundation
import WeftTestSupport
import WorkflowModel

/// The canonical OpenFn project (Tests/WeftTestSupport/Fixtures/openfn/lightning-canonical_project.yaml)
/// written to a relay's scratch folder and deployed with the real `weft deploy`; its state file
/// stays beside it, so a redeploy after ``rewrite(_:)`` updates the same workflows.
///
/// `workflow 1`: webhook → `webhook job` → `on fail` (on failure) / `on success` (on success).
struct CanonicalProject {
    static let fixture = "openfn/lightning-canonical_project.yaml"

    let path: String
    let relay: TestRelay
    /// The id of `workflow 1`.
    let workflow1: String

    /// Writes the fixture and deploys it.
    static func deploy(to relay: TestRelay) throws -> CanonicalProject {
        let path = relay.file("project.yaml")
        try Fixtures.data(fixture).write(to: URL(fileURLWithPath: path))
        try relay.deploy(path)
        guard let id = try relay.workflowIDs()["workflow 1"] else {
            throw TestSupportError("the deploy did not make workflow 1")
        }
        return CanonicalProject(path: path, relay: relay, workflow1: id)
    }

    /// Replaces `old` (which must occur exactly once) by `new` in the file, and deploys it again.
    func redeploy(replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parts = text.components(separatedBy: old)
        guard parts.count == 2 else { throw TestSupportError("expected one \"\(old)\" in the project file") }
        try parts.joined(separator: new).write(toFile: path, atomically: true, encoding: .utf8)
        try relay.deploy(path)
    }
}

extension Workflow {
    /// The id of the job named `name`.
    func jobID(named name: String) throws -> String {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw TestSupportError("no job named \"\(name)\" in \(self.name): \(jobs.map(\.name))")
        }
        return job.id
    }

    func body(of jobID: String) -> String { job(jobID)?.body ?? "<no job \(jobID)>" }
}
