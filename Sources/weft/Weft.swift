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

            `weft --version` prints the version; `weft COMMAND --help` explains each command.
            """,
        subcommands: [
            Edit.self, Relay.self, Deploy.self, Validate.self, Export.self, List.self,
            Sandbox.self, Sync.self, History.self, Show.self, Restore.self, Drafts.self, DocCommand.self, Demo.self,
            Users.self,
        ])

    // `weft --version` is answered before parsing. ArgumentParser's built-in version flag is listed in
    // every subcommand's help, beside `show --version N`; a flag of the root would be taken by the
    // root wherever it appears, so `weft restore x --version 3` would lose its option.
    static func main() async {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(WeftVersion.current)
            return
        }
        await main(nil)
    }

    func run() async throws { throw CleanExit.helpRequest(self) }
}

/// The version printed by `weft --version`.
enum WeftVersion {
    static let current = "0.1.0-dev"
}
