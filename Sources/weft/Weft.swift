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
        version: WeftVersion.current,
        subcommands: [
            Edit.self, Relay.self, Deploy.self, Validate.self, Export.self, List.self,
            Sandbox.self, Sync.self, History.self, Show.self, Restore.self, Drafts.self, DocCommand.self, Demo.self,
            Users.self,
        ])
}

/// The version printed by `weft --version`.
enum WeftVersion {
    static let current = "0.1.0-dev"
}
