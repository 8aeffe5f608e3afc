import Foundation
import WeftClient
import WeftTestSupport
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

/// The real `weft relay` on a scratch socket and database under `/tmp/weft-client-XXXXXX` (a Unix
/// socket path must stay under 108 bytes). Tests use ``withRelay(start:_:)``, which always stops the
/// relay and removes the folder, whether the test passes or not.
final class TestRelay {
    let folder: String
    let socket: String
    let database: String
    let logPath: String
    private var process: Process?

    init() throws {
        var template = Array("/tmp/weft-client-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestSupportError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: made)
        socket = folder + "/r.sock"
        database = folder + "/w.sqlite"
        logPath = folder + "/relay.log"
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func file(_ name: String) -> String { folder + "/" + name }

    var isRunning: Bool { process?.isRunning ?? false }

    /// The relay's standard error over every start.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts the relay on the scratch socket and database and waits until it accepts connections.
    func start(timeout: Duration = .seconds(15)) throws {
        precondition(!isRunning, "the relay is already running")
        let process = Process()
        process.executableURL = try WeftExecutable.url()
        process.arguments = ["relay", "--socket", socket, "--db", database, "--log-level", "warning"]
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        self.process = process
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw TestSupportError(
                    "the relay exited with \(process.terminationStatus) while starting:\n\(self.log)")
            }
            if RelayConnection.isRelayListening(at: socket) { return }
            usleep(10_000)
        }
        throw TestSupportError("the relay did not listen on \(socket) within \(timeout):\n\(self.log)")
    }

    /// SIGKILL, and wait until the process is gone: a crash.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(5)) {
        guard let process else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        self.process = nil
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    // MARK: The CLI against this relay

    /// Runs `weft` and fails with its output unless it exits with 0.
    @discardableResult
    func weft(_ arguments: [String]) throws -> ChildProcess.Result {
        let result = try WeftExecutable.run(arguments)
        guard result.status == 0 else {
            throw TestSupportError(
                "weft \(arguments.joined(separator: " ")) failed (\(result.status)):\n"
                    + result.standardErrorText + result.standardOutputText + "\nrelay log:\n" + log)
        }
        return result
    }

    /// `weft deploy FILE --socket …` (through the running relay), or `--db …` when it is stopped.
    func deploy(_ path: String) throws {
        if isRunning {
            try weft(["deploy", path, "--socket", socket])
        } else {
            try weft(["deploy", path, "--socket", socket, "--db", database])
        }
    }

    /// Workflow name → id, from `weft ls --json`.
    func workflowIDs() throws -> [String: String] {
        let listing = try JSON.parse(try weft(["ls", "--json", "--socket", socket]).standardOutputText)
        var ids: [String: String] = [:]
        for project in listing.arrayValue ?? [] {
            for workflow in project.objectValue?["workflows"]?.arrayValue ?? [] {
                if let object = workflow.objectValue, let name = object["name"]?.stringValue,
                    let id = object["id"]?.stringValue
                {
                    ids[name] = id
                }
            }
        }
        return ids
    }
}

/// Runs `body` with a relay in a fresh scratch folder (started unless `start` is false); always
/// stops it and removes the folder afterwards.
func withRelay<Result>(start: Bool = true, _ body: (TestRelay) throws -> Result) throws -> Result {
    let relay = try TestRelay()
    defer {
        relay.stop()
        relay.remove()
    }
    if start { try relay.start() }
    return try body(relay)
}
