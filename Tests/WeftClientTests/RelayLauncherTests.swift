import Foundation
import Testing
import WeftClient
import WeftTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension RelaySessionSuite {
    /// `weft edit` starts a relay in the background when none listens, as tmux starts its server.
    @Suite("relay launcher")
    struct Launcher {
        @Test func startsARelayWhenNoneListensAndReusesIt() throws {
            try withRelay(start: false) { scratch in
                let data = scratch.file("data")
                let launcher = RelayLauncher(
                    executablePath: try WeftExecutable.url().path, socketPath: scratch.socket,
                    databasePath: data + "/weft.sqlite", logPath: data + "/relay.log")
                #expect(!RelayConnection.isRelayListening(at: scratch.socket))

                let outcome = try launcher.ensureRunning()
                guard case .started(let pid) = outcome else {
                    Issue.record("expected a start, got \(outcome)")
                    return
                }
                defer {
                    kill(pid, SIGTERM)
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                }
                #expect(RelayConnection.isRelayListening(at: scratch.socket))
                #expect(try launcher.ensureRunning() == .alreadyRunning)
                // Detached: a session of its own, so the editor's terminal signals do not reach it.
                #expect(getsid(pid) == pid)
                let log = try String(contentsOfFile: data + "/relay.log", encoding: .utf8)
                #expect(log.contains("started by pid \(getpid())"))
                #expect(FileManager.default.fileExists(atPath: data + "/weft.sqlite"))

                // The started relay serves: a join of a workflow it does not have is refused by it.
                let session = EditorSession(configuration: .init(socketPath: scratch.socket, userName: "Ann"))
                #expect(throws: EditorSessionError.self) { try session.join(workflow: "nothing/here") }
            }
        }

        /// A relay that exits at once is reported with the log file's path and its last lines.
        @Test func aRelayThatCannotStartIsExplainedWithItsLog() throws {
            try withRelay(start: false) { scratch in
                let launcher = RelayLauncher(
                    executablePath: try WeftExecutable.url().path, socketPath: scratch.socket,
                    databasePath: scratch.database, logPath: scratch.file("relay.log"),
                    extraArguments: ["--log-level", "loud"])
                do {
                    try launcher.ensureRunning()
                    Issue.record("the launch should have failed")
                } catch {
                    guard let error = error as? RelayLaunchError,
                        case .exited(let status, let logPath, let logTail) = error
                    else {
                        Issue.record("unexpected error: \(error)")
                        return
                    }
                    #expect(status.hasPrefix("exited with status"))
                    #expect(logPath == scratch.file("relay.log"))
                    #expect(logTail.contains("loud"))
                    #expect(error.description.contains(scratch.file("relay.log")))
                }

                let missing = RelayLauncher(
                    executablePath: scratch.file("no-weft"), socketPath: scratch.socket,
                    databasePath: scratch.database, logPath: scratch.file("relay.log"))
                #expect(throws: RelayLaunchError.executableNotFound(path: scratch.file("no-weft"))) {
                    try missing.ensureRunning()
                }
            }
        }
    }
}
