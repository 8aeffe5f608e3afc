import ArgumentParser
import Foundation
import Logging
import WeftClient
import WeftProtocol
import WeftRelay
import WeftStore
import YCRDT

/// Where `weft history`, `show`, `restore`, `export` and `drafts` find the relay or the database.
struct HistoryStoreOptions: ParsableArguments {
    @OptionGroup var location: RelayLocationOptions

    @Option(
        name: .long,
        help: "The database to use when no relay runs (default: ~/.local/share/weft/weft.sqlite).")
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
        let path = options.db ?? DefaultPaths.database
        let socket = options.location.socketPath
        func refuse(_ message: String) -> ExitCode {
            FileHandleOutput.standardError("weft \(command): \(message)\n")
            return ExitCode(1)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw refuse("no relay is running at \(socket) and there is no database at \(path)")
        }
        let store = try WeftStore(path: path)
        let pid = getpid()
        if writes {
            guard try store.acquireDeployLock(owner: "weft \(command)", pid: pid) else {
                let holder = try store.deployLockHolder()
                if let holder, holder.owner == RelayServer.lockOwner {
                    throw refuse(
                        "a relay (pid \(holder.pid)) serves \(path) but does not listen on \(socket); pass its --socket"
                    )
                }
                let who = holder.map { "\($0.owner), pid \($0.pid)" } ?? "unknown"
                throw refuse("another process (\(who)) holds the database; try again")
            }
            FileHandleOutput.standardError("no relay is running; writing \(path) directly…\n")
        }
        defer { if writes { _ = try? store.releaseDeployLock(pid: pid) } }
        var configuration = RelayConfiguration(socketPath: options.location.socketPath, databasePath: path)
        configuration.unloadAfter = .zero
        var logger = Logger(label: "weft.\(command)")
        logger.logLevel = .warning
        let core = RelayCore(store: store, configuration: configuration, logger: logger)
        let reply = await core.history(request, requester: ProcessInfo.processInfo.userName)
        await core.finish()
        return reply
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
