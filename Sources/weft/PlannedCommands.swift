import ArgumentParser

// Commands whose issues have not landed. Each names its purpose in `weft --help` and refuses
// plainly when run, so nobody mistakes a placeholder for a working command.

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a project in the OpenFn format that `weft deploy` reads.")
    @Argument(help: "The project to export.") var project: String?
    func run() throws { try refuseUnbuilt("export", issue: 8) }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every saved version of a workflow: who, when, and from where.")
    @Argument(help: "The workflow.") var workflow: String?
    func run() throws { try refuseUnbuilt("history", issue: 8) }
}
