import ArgumentParser
import Foundation
import Logging
import WeftClient
import WeftProtocol
import WeftRelay
import WeftStore
import WorkflowModel
import YCRDT

struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy an OpenFn project file; open editors see the change arrive live.",
        discussion: """
            Reads a project.yaml (project-as-code v1) or provisioning JSON and imports it in one \
            transaction. Each workflow it changes gets a new version; editors open on it see the change \
            arrive and keep their unsaved edits, rebased on top. Workflows it does not change are left \
            alone.

            With a relay running, the deploy goes through it. Without one, it writes the database \
            directly (holding a lock a starting relay waits for) and brings the stored documents up to date. \
            With --db postgres://… relays serving that database keep serving and show the deploy to \
            their editors as it commits.

            A YAML project keeps a state file beside it (default: .state.json in the same folder) that \
            maps its names to ids, so deploying twice updates the same workflows. A deploy whose state \
            is older than the database is refused, naming the workflows that moved, unless --allow-stale.

            Example:
              weft deploy project.yaml
              weft deploy project.yaml --allow-stale
              weft deploy project.yaml --db postgres://weft@db.internal/weft
            """)

    @Argument(help: "The project file (project.yaml or provisioning JSON).")
    var file: String

    @Option(name: .long, help: "Deploy under this project name instead of the one in the file.")
    var project: String?

    @Option(name: .long, help: "The state file (default: .state.json beside a YAML project).")
    var state: String?

    @Flag(name: .customLong("allow-stale"), help: "Deploy even if workflows moved since the state file was written.")
    var allowStale = false

    @OptionGroup var location: RelayLocationOptions

    @Option(
        name: .long,
        help: "The database to write when no relay runs: a SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL.")
    var db: String?

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            FileHandleOutput.standardError("weft deploy: cannot read \(file)\n")
            throw ExitCode(1)
        }
        let isJSON = url.pathExtension.lowercased() == "json"
        var payload: YAny
        var statePath: String?
        var stateValue: YAny?
        if isJSON {
            do { payload = try JSON.parse(text) } catch {
                FileHandleOutput.standardError("weft deploy: \(file) is not JSON: \(error)\n")
                throw ExitCode(1)
            }
            if let project, case .object(var object) = payload {
                object["name"] = .string(project)
                payload = .object(object)
            }
        } else {
            var object: YObject = ["yaml": .string(text), "file": .string(url.lastPathComponent)]
            if let project { object["name"] = .string(project) }
            payload = .object(object)
            statePath = state ?? url.deletingLastPathComponent().appendingPathComponent(".state.json").path
            if let statePath, let stateData = FileManager.default.contents(atPath: statePath),
                let stateText = String(data: stateData, encoding: .utf8)
            {
                do { stateValue = try JSON.parse(stateText) } catch {
                    FileHandleOutput.standardError("weft deploy: the state file \(statePath) is not JSON: \(error)\n")
                    throw ExitCode(1)
                }
            }
        }
        let reply: ControlMessage
        if let connection = try? RelayConnection(path: location.socketPath) {
            FileHandleOutput.standardError("deploying \(file) through the relay at \(location.socketPath)…\n")
            try connection.send(.control(.deploy(project: payload, allowStale: allowStale, state: stateValue)))
            reply = try connection.receive(timeout: .seconds(120)) { message -> ControlMessage? in
                switch message {
                case .control(let control):
                    switch control {
                    case .deployed, .deployFailed, .error: return control
                    default: return nil
                    }
                default: return nil
                }
            }
        } else {
            reply = try await deployDirectly(payload: payload, state: stateValue)
        }
        try report(reply, statePath: statePath)
    }

    /// No relay: write the database ourselves, under the store's deploy lock.
    private func deployDirectly(payload: YAny, state: YAny?) async throws -> ControlMessage {
        let database = try DatabaseLocation(db)
        FileHandleOutput.standardError("no relay is running; deploying \(file) directly into \(database.display)…\n")
        return try await DirectDatabase.run(
            command: "deploy", database: database, socketPath: location.socketPath, writes: true,
            logger: Logger(label: "weft.deploy")
        ) { core in
            await core.deploy(
                project: payload, state: state, allowStale: allowStale,
                actor: .system("deploy by \(ProcessInfo.processInfo.userName)"))
        }
    }

    private func report(_ reply: ControlMessage, statePath: String?) throws {
        switch reply {
        case .deployed(let project, let workflows, let newState):
            let name = project.objectValue?["name"]?.stringValue ?? "project"
            if workflows.isEmpty {
                print("\(name): nothing changed")
            } else {
                print("\(name): \(workflows.count) workflow(s) changed")
                for workflow in workflows {
                    let entry = workflow.objectValue ?? YObject()
                    let conflicts = entry["conflicts"]?.arrayValue?.count ?? 0
                    if entry["deleted"]?.boolValue == true {
                        print("  \(entry["name"]?.stringValue ?? "?")  deleted (no longer in the project file)")
                        continue
                    }
                    print(
                        "  \(entry["name"]?.stringValue ?? "?")  → v\(entry["lock_version"]?.integerValue ?? 0)\(conflicts > 0 ? "  (\(conflicts) conflict(s) with unsaved edits, reported to the editors)" : "")"
                    )
                }
            }
            if let statePath, let newState {
                try JSON.stringify(newState).write(toFile: statePath, atomically: true, encoding: .utf8)
                print("state written to \(statePath)")
            }
        case .deployFailed(let reason, let message, let errors, let moved):
            FileHandleOutput.standardError("weft deploy: refused (\(reason)): \(message ?? "")\n")
            for problem in errors?.arrayValue ?? [] {
                FileHandleOutput.standardError("  \(problem.stringValue ?? JSON.stringify(problem))\n")
            }
            if let moved = moved?.objectValue {
                for (id, move) in moved {
                    let detail = move.objectValue
                    FileHandleOutput.standardError(
                        "  \(id): expected v\(detail?["expected"]?.integerValue ?? 0), now v\(detail?["current"]?.integerValue ?? 0)\n")
                }
            }
            throw ExitCode(1)
        case .error(let code, let message):
            FileHandleOutput.standardError("weft deploy: \(code): \(message)\n")
            throw ExitCode(1)
        default:
            FileHandleOutput.standardError("weft deploy: unexpected answer \(reply.type)\n")
            throw ExitCode(1)
        }
    }
}
