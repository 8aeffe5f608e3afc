import ArgumentParser
import Foundation
import Logging
import WeftClient
import WeftProtocol
import WeftRelay
import YCRDT

/// Where `weft history`, `show`, `restore`, `export` and `drafts` find the relay or the database.
struct HistoryStoreOptions: ParsableArguments {
    @OptionGroup var location: RelayLocationOptions

    @Option(
        name: .long,
        help: "The database when no relay runs: a SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL.")
    var db: String?
}

/// Runs one history, export or drafts request: through the running relay, or with none, in-process on
/// the database (reads just read; writes hold the deploy lock a starting relay waits for, as a direct
/// `weft deploy` does).
enum HistoryRequest {
    static func perform(
        _ request: ControlMessage, command: String, options: HistoryStoreOptions, writes: Bool
    ) async throws -> ControlMessage {
        if let connection = try? RelayConnection(path: options.location.socketPath) {
            defer { connection.close() }
            try connection.send(.control(request))
            return try connection.receive(timeout: .seconds(120)) { message -> ControlMessage? in
                if case .control(let control) = message, control.direction != .clientToRelay {
                    return control
                }
                return nil
            }
        }
        let database = try DatabaseLocation(options.db)
        let socket = options.location.socketPath
        guard database.exists else {
            FileHandleOutput.standardError(
                "weft \(command): no relay is running at \(socket) and there is no database at \(database.display)\n")
            throw ExitCode(1)
        }
        if writes { FileHandleOutput.standardError("no relay is running; writing \(database.display) directly…\n") }
        var logger = Logger(label: "weft.\(command)")
        logger.logLevel = .warning
        return try await DirectDatabase.run(
            command: command, database: database, socketPath: socket, writes: writes, logger: logger
        ) { core in
            await core.history(request, requester: ProcessInfo.processInfo.userName)
        }
    }

    /// Prints an `error` answer (or an unexpected one) and exits 1.
    static func fail(_ reply: ControlMessage, command: String) throws -> Never {
        if case .error(_, let message) = reply {
            FileHandleOutput.standardError("weft \(command): \(message)\n")
        } else {
            FileHandleOutput.standardError("weft \(command): unexpected answer \(reply.type)\n")
        }
        throw ExitCode(1)
    }
}

/// Small formatting helpers the history commands share.
enum HistoryFormat {
    static func actor(_ value: YAny?) -> String {
        let object = value?.objectValue ?? YObject()
        let name = object["name"]?.stringValue ?? "?"
        return object["kind"]?.stringValue == "system" ? "\(name) (system)" : name
    }

    /// An ISO 8601 time as `2026-11-29 08:36:01Z`, shorter to read in a table.
    static func time(_ value: YAny?) -> String {
        guard let text = value?.stringValue else { return "?" }
        let trimmed = text.replacingOccurrences(of: "T", with: " ")
        if let dot = trimmed.firstIndex(of: ".") { return String(trimmed[..<dot]) + "Z" }
        return trimmed
    }
}
