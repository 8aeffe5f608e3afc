import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WeftClient
import WeftProtocol
import WeftRelay
import WorkflowModel
import YCRDT

struct Relay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the headless relay that syncs editors and stores workflows.",
        discussion: """
            The relay keeps one live document per open workflow, commits every edit to its database \
            before anyone else sees it, and applies deploys to open editors as they happen. It runs \
            until SIGTERM or SIGINT, then closes clients with a reason and compacts what is loaded.

            --db is a SQLite file (the default; one relay serves it) or a PostgreSQL URL, which \
            several relays on several machines can serve at once: each hears the others' edits and \
            saves, so clients of one workflow on different relays edit together (docs/operations.md).

            Example:
              weft relay --db ~/weft.sqlite --unload-after 10
              weft relay --db postgres://weft@db.internal/weft --socket /run/weft/a.sock
              weft relay status
            """,
        subcommands: [Serve.self, Status.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Run the relay in the foreground (the default).")

        @Option(name: .long, help: "The Unix socket to listen on (default: $XDG_RUNTIME_DIR/weft/relay.sock).")
        var socket: String?

        @Option(
            name: .long,
            help: "A SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL several relays share.")
        var db: String?

        @Option(name: .customLong("unload-after"), help: "Seconds a document stays loaded after its last client leaves.")
        var unloadAfter: Double = 30

        @Option(
            name: .customLong("external-update"),
            help: "What a deploy does to unsaved edits: rebase (keep them on top) or reset (keep them as a draft).")
        var externalUpdate: ExternalUpdatePolicy = .rebase

        @Option(name: .long, help: "Share the socket with this group (mode 0660); names then come from the OS.")
        var group: String?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: Logger.Level = .warning

        @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics.")
        var metricsPort: Int?

        @Option(
            name: .customLong("presence-timeout"),
            help: "Seconds after which presence nobody renewed is dropped (clients renew every 15 s).")
        var presenceTimeout: Double = 30

        func run() async throws {
            let database = try DatabaseLocation(db)
            // The configuration names the database for logs and errors: never with its password.
            var configuration = RelayConfiguration(
                socketPath: socket ?? DefaultPaths.socket, databasePath: database.display)
            guard unloadAfter >= 0 else { throw ValidationError("--unload-after must be 0 or more seconds") }
            configuration.unloadAfter = .milliseconds(Int64(unloadAfter * 1000))
            configuration.externalUpdatePolicy = externalUpdate
            configuration.sharedGroup = group
            configuration.metricsPort = metricsPort
            guard presenceTimeout > 0 else { throw ValidationError("--presence-timeout must be more than 0 seconds") }
            configuration.presenceTimeout = .milliseconds(Int64(presenceTimeout * 1000))
            if RelayConnection.isRelayListening(at: configuration.socketPath) {
                FileHandleOutput.standardError("weft relay: a relay is already listening on \(configuration.socketPath)\n")
                throw ExitCode(1)
            }
            let level = logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "weft.relay")
            let opened: OpenedDatabase
            do { opened = try await database.open(logger: logger) } catch {
                FileHandleOutput.standardError("weft relay: cannot open the database \(database.display): \(error)\n")
                throw ExitCode(1)
            }
            let server = RelayServer(store: opened.store, configuration: configuration, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                    cancellationSignals: [], logger: logger))
            do { try await group.run() } catch {
                await opened.close()
                throw error
            }
            await opened.close()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a running relay's rooms, clients, queues, store size and uptime.")

        @OptionGroup var location: RelayLocationOptions

        @Flag(name: .long, help: "Print the status as JSON.")
        var json = false

        func run() async throws {
            let connection = try connectOrExplain(location.socketPath)
            try connection.send(.control(.status))
            let status = try connection.receive(until: { message -> YAny? in
                if case .control(.statusReply(let status)) = message { return status }
                return nil
            })
            if json {
                print(JSON.stringify(status))
                return
            }
            print(StatusReport.render(status))
        }
    }
}

extension ExternalUpdatePolicy: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Connects to the relay or exits with a message saying how to start one.
func connectOrExplain(_ path: String) throws -> RelayConnection {
    do {
        return try RelayConnection(path: path)
    } catch {
        FileHandleOutput.standardError("weft: \(error). Start one with `weft relay` (or pass --socket).\n")
        throw ExitCode(1)
    }
}

/// The human form of `weft relay status`.
enum StatusReport {
    static func render(_ status: YAny) -> String {
        guard case .object(let object) = status else { return JSON.stringify(status) }
        var lines: [String] = []
        let uptime = object["uptime_seconds"]?.integerValue ?? 0
        lines.append("socket:   \(object["socket"]?.stringValue ?? "?")")
        lines.append("uptime:   \(uptime / 3600)h \(uptime % 3600 / 60)m \(uptime % 60)s")
        lines.append("clients:  \(object["clients"]?.integerValue ?? 0)")
        lines.append("log:      \(object["log_commits"]?.integerValue ?? 0) commits, \(object["log_queue"]?.integerValue ?? 0) waiting")
        if let queues = object["send_queue_bytes"]?.objectValue {
            let total = queues["total"]?.integerValue ?? 0
            let largest = queues["largest"]?.integerValue ?? 0
            lines.append("sending:  \(total / 1024) KiB queued for clients (largest \(largest / 1024) KiB)")
        }
        lines.append("store:    \((object["store_bytes"]?.integerValue ?? 0) / 1024) KiB")
        let rooms = object["rooms"]?.arrayValue ?? []
        lines.append("rooms:    \(rooms.count)")
        for room in rooms {
            guard case .object(let entry) = room else { continue }
            let editors = (entry["editors"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
            lines.append(
                "  \(entry["workflow"]?.stringValue ?? "?")  \(entry["state"]?.stringValue ?? "?")  v\(entry["lock_version"]?.integerValue ?? 0)  \(entry["clients"]?.integerValue ?? 0) client(s)\(editors.isEmpty ? "" : ": " + editors)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
