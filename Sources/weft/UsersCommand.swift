import ArgumentParser
import Foundation
import WeftStore

struct Users: AsyncParsableCommand {
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
        @Option(
            name: .long,
            help: "The database: a SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL.")
        var db: String?

        /// Runs `body` on the open database, then closes it.
        func with<Result>(_ body: (any WorkflowStorage) async throws -> Result) async throws -> Result {
            let location = try DatabaseLocation(db)
            let opened: OpenedDatabase
            do { opened = try await location.open() } catch {
                FileHandleOutput.standardError("weft users: cannot open the database \(location.display): \(error)\n")
                throw ExitCode(1)
            }
            do {
                let result = try await body(opened.store)
                await opened.close()
                return result
            } catch {
                await opened.close()
                throw error
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give NAME a ROLE in a project.")
        @Argument(help: "The person's name (their OS user name in shared mode).") var name: String
        @Argument(help: "owner, admin, editor or viewer.") var role: Role
        @Option(name: .long, help: "The project (name or id).") var project: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.with { database in
                let projectID = try await resolveProject(project, in: database)
                try await database.grant(user: name, project: projectID, role: role)
                try await database.audit(
                    actor: ProcessInfo.processInfo.userName, action: "role.granted", subject: projectID,
                    details: ["user": .string(name), "role": .string(role.rawValue)])
            }
            print("\(name) is now \(role.rawValue) of \(project)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take NAME's role in a project away.")
        @Argument(help: "The person's name.") var name: String
        @Option(name: .long, help: "The project (name or id).") var project: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let had = try await store.with { database in
                try await database.revoke(user: name, project: try await resolveProject(project, in: database))
            }
            if had {
                print("\(name) no longer has a role in \(project)")
            } else {
                print("\(name) had no role in \(project)")
            }
        }
    }

    struct ListUsers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show who has which role.")
        @Option(name: .long, help: "Only this project (name or id).") var project: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.with { database in
                let projects: [String]
                if let project {
                    projects = [try await resolveProject(project, in: database)]
                } else {
                    projects = try await database.projects().map(\.id)
                }
                for projectID in projects {
                    let name = try await database.project(id: projectID, includeDeleted: false)?.name ?? projectID
                    let roles = try await database.roles(in: projectID)
                    print("\(name):" + (roles.isEmpty ? " no roles granted (local mode: everyone is owner)" : ""))
                    for (user, role) in roles { print("  \(user)  \(role.rawValue)") }
                }
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// A project's id from its name or id, or a clear error.
func resolveProject(_ key: String, in store: any WorkflowStorage) async throws -> String {
    if let project = try await store.project(id: key, includeDeleted: false) { return project.id }
    if let project = try await store.project(named: key, includeDeleted: false) { return project.id }
    throw ValidationError("no project named \(key); `weft ls` lists them")
}
