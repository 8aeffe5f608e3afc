import Foundation
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

/// The canonical project deployed into a relay: its file (with the state file the deploy wrote) and
/// the ids its workflows got.
struct DeployedProject {
    let file: ProjectFile
    let workflow1: String
    let workflow2: String

    /// Deploys the fixture (after `edit`) with the real `weft deploy` through `relay`.
    static func deploy(
        to relay: RelayProcess, name: String = "project.yaml", edit: (String) -> String = { $0 }
    ) throws -> DeployedProject {
        let file = try ProjectFile.make(in: relay.folder, name: name, edit: edit)
        try file.deploy(to: relay)
        let listing = try relay.workflows()
        guard let workflows = listing[ProjectFile.projectName], let one = workflows["workflow 1"],
            let two = workflows["workflow 2"]
        else { throw TestSupportError("the deploy did not make the fixture's workflows: \(listing)") }
        return DeployedProject(file: file, workflow1: one.id, workflow2: two.id)
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

    func jobIndex(_ id: String) -> Int { jobs.firstIndex { $0.id == id }! }

    func body(of jobID: String) -> String { job(jobID)?.body ?? "<no job \(jobID)>" }
}

/// Pumps every editor until all their documents hold the same content (and `also` holds), or throws.
func converge(_ editors: [TestEditor], timeout: Duration = .seconds(10), also: () -> Bool = { true }) throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        for editor in editors { try editor.flush() }
        for editor in editors { try editor.pump(for: .milliseconds(20)) }
        let first = editors[0].contents
        if editors.allSatisfy({ $0.contents == first }), also() { return }
        guard ContinuousClock.now < deadline else {
            throw TestSupportError(
                "the editors did not converge within \(timeout):\n"
                    + editors.map { "\($0.name): \(JSON.stringify($0.contents))" }.joined(separator: "\n"))
        }
    }
}

/// The store's view, opened beside the running relay (WAL lets both read).
func storedWorkflow(_ id: String, in relay: RelayProcess) throws -> Workflow {
    let store = try WeftStore(path: relay.database)
    guard let workflow = try store.workflow(id: id) else { throw TestSupportError("no workflow \(id) in the store") }
    return workflow
}
