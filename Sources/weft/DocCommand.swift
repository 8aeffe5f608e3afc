import ArgumentParser

struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc",
        abstract: "Look inside stored CRDT documents and Yjs updates.",
        subcommands: [DocInspect.self])
}

struct DocInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a Yjs update or snapshot as JSON, keyed by root name.")
    @Argument(help: "The update file to read.") var file: String
    func run() throws { try refuseUnbuilt("doc inspect", issue: 3) }
}
