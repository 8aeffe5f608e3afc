import Foundation
import WeftClient
import WeftProtocol
import WeftTestSupport
import YCRDT

#if canImport(Glibc)
    import Glibc
#endif

/// A scratch folder with a short path (a Unix socket path must stay under 108 bytes), removed on
/// `remove()`: `/tmp/weft-test-XXXXXX`.
final class ScratchFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/weft-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestSupportError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The real `weft relay` process on a scratch socket and database.
///
/// `stop()` (SIGTERM, then SIGKILL after a grace period) must run even when a test fails: tests use
/// ``withRelay(unloadAfter:arguments:_:)``, which stops the relay and removes the folder in a `defer`.
/// The object's deinit kills a relay that is still running as a last resort.
final class RelayProcess {
    let folder: ScratchFolder
    let socket: String
    let database: String
    let unloadAfter: Double
    let extraArguments: [String]
    private var process: Process?
    private var generation = 0
    /// How many times the relay was started.
    var starts: Int { generation }

    /// A relay on `folder`'s socket `socketName`, serving `database` (default: `folder`'s SQLite file; a
    /// `postgres://` URL for relays sharing one database).
    init(
        folder: ScratchFolder, unloadAfter: Double = 30, arguments: [String] = [], socketName: String = "r.sock",
        database: String? = nil
    ) {
        self.folder = folder
        self.socket = folder.file(socketName)
        self.database = database ?? folder.file("w.sqlite")
        self.unloadAfter = unloadAfter
        self.extraArguments = arguments
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var pid: Int32? { process?.processIdentifier }
    var isRunning: Bool { process?.isRunning ?? false }

    /// The relay's standard error so far (every start appends to the same file).
    var log: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// `relay.log`, or `relay-SOCKET.log` for a relay on another socket in the same folder.
    private var logFile: String {
        let name = (socket as NSString).lastPathComponent
        return folder.file(name == "r.sock" ? "relay.log" : "relay-\(name).log")
    }

    /// Starts the relay and waits until it accepts connections.
    func start(timeout: Duration = .seconds(15)) throws {
        try launch()
        try waitUntilListening(timeout: timeout)
    }

    /// Starts the relay process without waiting for it to listen.
    func launch() throws {
        precondition(!isRunning, "the relay is already running")
        generation += 1
        let process = Process()
        process.executableURL = try WeftExecutable.url()
        process.arguments =
            [
                "relay", "serve", "--socket", socket, "--db", database, "--unload-after", "\(unloadAfter)",
                "--log-level", "warning",
            ] + extraArguments
        let logPath = logFile
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        log.write(Data("--- start \(generation)\n".utf8))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        self.process = process
    }

    /// Waits until the launched relay accepts connections.
    func waitUntilListening(timeout: Duration = .seconds(15)) throws {
        guard let process else { throw TestSupportError("the relay was not launched") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw TestSupportError("the relay exited with \(process.terminationStatus) while starting:\n\(self.log)")
            }
            if let connection = try? RelayConnection(path: socket) {
                connection.close()
                return
            }
            usleep(10_000)
        }
        throw TestSupportError("the relay did not listen on \(socket) within \(timeout):\n\(self.log)")
    }

    /// SIGKILL: the crash the durability promise is about. Waits until the process is gone.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if the relay has not exited after `grace`. Returns the exit status
    /// (128 + signal when a signal ended it), or nil when it was not running.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) -> Int32? {
        guard let process else { return nil }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline { usleep(5_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        self.process = nil
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Waits for the relay to exit by itself; returns its status, or nil if it still runs after
    /// `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(5_000) }
        return process.isRunning ? nil : stop()
    }

    // MARK: Talking to it

    func connect() throws -> RelayConnection { try RelayConnection(path: socket) }

    /// Sends one control request on a fresh connection and returns the first control answer.
    func request(_ control: ControlMessage, timeout: Duration = .seconds(10)) throws -> ControlMessage {
        let connection = try connect()
        defer { connection.close() }
        try connection.send(.control(control))
        return try connection.receive(timeout: timeout) { message -> ControlMessage? in
            if case .control(let answer) = message { return answer }
            return nil
        }
    }

    /// Whether the relay answers a ping on a new connection.
    func answersPing() -> Bool {
        guard let answer = try? request(.ping(id: .integer(7)), timeout: .seconds(5)) else { return false }
        return answer == .pong(id: .integer(7))
    }

    /// The listing: project name → workflow name → (id, lock_version).
    func workflows() throws -> [String: [String: (id: String, lockVersion: Int)]] {
        guard case .listReply(let projects) = try request(.list) else { throw TestSupportError("no list_reply") }
        return Self.parseListing(projects)
    }

    static func parseListing(_ projects: YAny) -> [String: [String: (id: String, lockVersion: Int)]] {
        var result: [String: [String: (id: String, lockVersion: Int)]] = [:]
        for project in projects.arrayValue ?? [] {
            let object = project.objectValue ?? YObject()
            var workflows: [String: (id: String, lockVersion: Int)] = [:]
            for workflow in object["workflows"]?.arrayValue ?? [] {
                let entry = workflow.objectValue ?? YObject()
                workflows[entry["name"]?.stringValue ?? ""] = (
                    entry["id"]?.stringValue ?? "", Int(entry["lock_version"]?.integerValue ?? 0)
                )
            }
            result[object["name"]?.stringValue ?? ""] = workflows
        }
        return result
    }

    /// Runs `weft` against this relay's socket and database.
    func weft(_ arguments: [String], timeout: TimeInterval = 60) throws -> ChildProcess.Result {
        try WeftExecutable.run(arguments, timeout: timeout)
    }
}

/// Runs `body` with a started relay in a fresh scratch folder; always stops the relay (SIGTERM, then
/// SIGKILL) and removes the folder afterwards, whether `body` returns or throws.
func withRelay<Result>(
    unloadAfter: Double = 30, arguments: [String] = [], start: Bool = true,
    _ body: (RelayProcess) throws -> Result
) throws -> Result {
    let folder = try ScratchFolder()
    let relay = RelayProcess(folder: folder, unloadAfter: unloadAfter, arguments: arguments)
    defer {
        relay.stop(grace: .seconds(5))
        folder.remove()
    }
    if start { try relay.start() }
    return try body(relay)
}
