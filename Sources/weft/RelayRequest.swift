import ArgumentParser
import Foundation
import Logging
import WeftClient
import WeftProtocol
import WeftRelay

/// One request of a command that works with or without a running relay, as `weft deploy` does: through
/// the relay over its socket when one answers there, else directly on the database, holding the store's
/// deploy lock (a starting relay waits for it) and running the relay's own logic in-process, so
/// persisted documents are reconciled exactly as the relay would.
struct RelayRequest {
    /// The command's name for messages (`sandbox merge`).
    let command: String
    let socketPath: String
    /// The database to use when no relay runs, a path or a `postgres://` URL (nil: the default file).
    let databasePath: String?

    /// The answer to `request` from the running relay (the first control message `isAnswer` accepts, or
    /// an `error`), or, with no relay, what `direct` answers on an in-process core.
    func perform(
        _ request: ControlMessage, timeout: Duration = .seconds(120), quiet: Bool = false,
        isAnswer: (ControlMessage) -> Bool, direct: (RelayCore, Requester) async -> ControlMessage
    ) async throws -> ControlMessage {
        if let connection = try? RelayConnection(path: socketPath) {
            defer { connection.close() }
            try connection.send(.control(request))
            return try connection.receive(timeout: timeout) { message -> ControlMessage? in
                guard case .control(let control) = message else { return nil }
                if case .error = control { return control }
                return isAnswer(control) ? control : nil
            }
        }
        let database = try DatabaseLocation(databasePath)
        if !quiet {
            FileHandleOutput.standardError("no relay is running; working directly on \(database.display)…\n")
        }
        return try await DirectDatabase.run(
            command: command, database: database, socketPath: socketPath, writes: true,
            logger: Logger(label: "weft.\(command)")
        ) { core in
            await direct(core, Requester(name: ProcessInfo.processInfo.userName, sharedMode: false))
        }
    }
}
