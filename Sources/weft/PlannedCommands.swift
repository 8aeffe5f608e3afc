import ArgumentParser

// Commands whose issues have not landed. Each names its purpose in `weft --help` and refuses
// plainly when run, so nobody mistakes a placeholder for a working command.

struct Sandbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, compare and merge sandbox copies of a project.")
    func run() throws { try refuseUnbuilt("sandbox", issue: 8) }
}
