import Foundation
import WeftStore
import WeftTestSupport

/// Grants `role` with `weft users grant` when this build has it; otherwise writes the role into the
/// database directly, with the relay stopped (the relay reads roles on join).
func grant(_ user: String, role: String, project: String, relay: RelayProcess) throws {
    let help = try WeftExecutable.run(["users", "--help"])
    if help.status == 0 {
        let result = try WeftExecutable.run(["users", "grant", user, role, "--project", project, "--db", relay.database])
        guard result.status == 0 else {
            throw TestSupportError("weft users grant failed: \(result.standardErrorText)\(result.standardOutputText)")
        }
        return
    }
    relay.stop()
    let store = try WeftStore(path: relay.database)
    guard let projectID = try store.project(named: project)?.id, let storeRole = Role(rawValue: role) else {
        throw TestSupportError("no project \(project) or role \(role)")
    }
    try store.grant(user: user, project: projectID, role: storeRole)
    try relay.start()
}
