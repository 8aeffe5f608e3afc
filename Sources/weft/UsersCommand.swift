import ArgumentParser
import Foundation
import WeftStore

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grant and revoke people's roles per project: owner, admin, editor or viewer.",
        discussion: """
            The relay enforces roles on the connection that carries the edits: a viewer can open a \
            workflow but its edits and saves are refused. In local mode someone with no role in a \
            project is its owner (the socket is yours alone); in shared mode (weft relay --group) \
            they are refused until granted a role. Changes apply to the next join.

            Example:
              weft users grant ann editor --project billing
              weft users list --project billing
              weft users revoke ann --project billing
            """,
        subcommands: [Grant.self, Revoke.self, ListUsers.self])

    struct StoreOptions: ParsableArguments {
        @Option(name: .long, help: "The database (default: ~/.local/share/weft/weft.sqlite).")
        var db: String?

        func open() throws -> WeftStore { try WeftStore(path: db ?? DefaultPaths.database) }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give NAME a ROLE in a project.")
        @Argument(help: "The person's name (their OS user name in shared mode).") var name: String
        @Argument(help: "owner, admin, editor or viewer.") var role: Role
        @Option(name: .long, help: "The project (name or id).") var project: String
        @OptionGroup var store: StoreOptions

        func run() throws {
            let database = try store.open()
            let projectID = try resolveProject(project, in: database)
            try database.grant(user: name, project: projectID, role: role)
            try database.audit(actor: ProcessInfo.processInfo.userName, action: "role.granted", subject: projectID,
                details: ["user": .string(name), "role": .string(role.rawValue)])
            print("\(name) is now \(role.rawValue) of \(project)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take NAME's role in a project away.")
        @Argument(help: "The person's name.") var name: String
        @Option(name: .long, help: "The project (name or id).") var project: String
        @OptionGroup var store: StoreOptions

        func run() throws {
            let database = try store.open()
            let projectID = try resolveProject(project, in: database)
            if try database.revoke(user: name, project: projectID) {
                print("\(name) no longer has a role in \(project)")
            } else {
                print("\(name) had no role in \(project)")
            }
        }
    }

    struct ListUsers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show who has which role.")
        @Option(name: .long, help: "Only this project (name or id).") var project: String?
        @OptionGroup var store: StoreOptions

        func run() throws {
            let database = try store.open()
            let projects = try project.map { [try resolveProject($0, in: database)] } ?? database.projects().map(\.id)
            for projectID in projects {
                let name = try database.project(id: projectID)?.name ?? projectID
                let roles = try database.roles(in: projectID)
                print("\(name):" + (roles.isEmpty ? " no roles granted (local mode: everyone is owner)" : ""))
                for (user, role) in roles { print("  \(user)  \(role.rawValue)") }
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// A project's id from its name or id, or a clear error.
func resolveProject(_ key: String, in store: WeftStore) throws -> String {
    if let project = try store.project(id: key) ?? store.project(named: key) { return project.id }
    throw ValidationError("no project named \(key); `weft ls` lists them")
}
