import ArgumentParser

@main
struct Weft: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft",
        abstract: "Edit OpenFn-style workflows together, live, in the terminal.",
        discussion: """
            Several people open the same workflow in `weft edit`; each keeps a CRDT replica that a \
            small relay (`weft relay`) keeps in sync and stores. Deploys, sandbox merges and git syncs \
            arrive in every open editor as they happen.
            """,
        subcommands: [
            Edit.self, Relay.self, Deploy.self, Validate.self, Export.self, List.self,
            Sandbox.self, Sync.self, History.self, Show.self, Restore.self, Drafts.self, DocCommand.self, Demo.self,
            Users.self,
        ])

    // `weft --version` is a flag of the root command only: ArgumentParser's built-in one would also
    // appear in every subcommand's help, beside `show --version N` and `restore --version N`.
    @Flag(name: .long, help: "Print Weft's version and exit.")
    var version = false

    func run() async throws {
        guard version else { throw CleanExit.helpRequest(self) }
        print(WeftVersion.current)
    }
}

/// The version printed by `weft --version`.
enum WeftVersion {
    static let current = "0.1.0-dev"
}
