import Foundation
import WeftProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Why a relay could not be started.
public enum RelayLaunchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `weft` executable to start the relay with is not there or not executable.
    case executableNotFound(path: String)
    /// A folder for the log or the database could not be made.
    case cannotPrepare(path: String, reason: String)
    /// `posix_spawn` refused to start the relay.
    case spawnFailed(reason: String)
    /// The relay exited before it listened. `logTail` is the end of its log.
    case exited(status: String, logPath: String, logTail: String)
    /// The relay runs but did not accept connections within the timeout (it was sent SIGTERM).
    case timedOut(socketPath: String, timeout: Duration, logPath: String, logTail: String)

    public var description: String {
        switch self {
        case .executableNotFound(let path):
            "cannot start a relay: \(path) is not an executable weft"
        case .cannotPrepare(let path, let reason):
            "cannot start a relay: could not make \(path) (\(reason))"
        case .spawnFailed(let reason):
            "cannot start a relay: \(reason)"
        case .exited(let status, let logPath, let logTail):
            "the relay started in the background \(status) before it listened; see its log \(logPath)"
                + (logTail.isEmpty ? "" : ":\n\(logTail)")
        case .timedOut(let socketPath, let timeout, let logPath, let logTail):
            "the relay started in the background did not listen on \(socketPath) within \(timeout); "
                + "see its log \(logPath)" + (logTail.isEmpty ? "" : ":\n\(logTail)")
        }
    }
}

/// Makes sure a relay listens on a socket, starting one in the background when none does — as tmux
/// starts its server: detached in its own session, standard input and output on `/dev/null`, its
/// log (standard error) appended to a file under the data directory.
///
/// `ensureRunning()` blocks until the socket accepts connections (or the timeout passes). Launchers
/// that race (two `weft edit` started at once) take a lock file beside the log, so only one relay is
/// started. The started relay outlives the caller; it is not reaped by it.
public struct RelayLauncher: Sendable {
    /// What `ensureRunning()` found or did.
    public enum Outcome: Hashable, Sendable {
        /// A relay already listened on the socket.
        case alreadyRunning
        /// A relay was started with this process id and now listens.
        case started(pid: Int32)
    }

    /// The `weft` executable (the CLI passes its own, resolved with ``resolveExecutable(_:)``).
    public var executablePath: String
    public var socketPath: String
    public var databasePath: String
    /// Where the relay's standard error goes (appended).
    public var logPath: String
    /// How long to wait for the socket to accept connections.
    public var startTimeout: Duration
    /// More arguments for `weft relay` (for example `--unload-after 5`).
    public var extraArguments: [String]

    public init(
        executablePath: String, socketPath: String, databasePath: String, logPath: String,
        startTimeout: Duration = .seconds(15), extraArguments: [String] = []
    ) {
        self.executablePath = executablePath
        self.socketPath = socketPath
        self.databasePath = databasePath
        self.logPath = logPath
        self.startTimeout = startTimeout
        self.extraArguments = extraArguments
    }

    /// A launcher for the default places: the socket of ``SocketLocation``, and the database and
    /// log under ``defaultDataDirectory(environment:homeDirectory:)``.
    public static func defaults(
        executablePath: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> RelayLauncher {
        let data = defaultDataDirectory(environment: environment, homeDirectory: NSHomeDirectory())
        return RelayLauncher(
            executablePath: executablePath,
            socketPath: SocketLocation.defaultPath(environment: environment, userID: getuid()),
            databasePath: (data as NSString).appendingPathComponent("weft.sqlite"),
            logPath: (data as NSString).appendingPathComponent("relay.log"))
    }

    /// `$XDG_DATA_HOME/weft`, or `~/.local/share/weft` (where `weft relay` keeps its database).
    public static func defaultDataDirectory(environment: [String: String], homeDirectory: String) -> String {
        let dataHome =
            environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (homeDirectory as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("weft")
    }

    /// The absolute path of an executable named as `argv[0]` names it: as given when it holds a
    /// slash (made absolute against the current directory), otherwise the first match on `PATH`.
    /// Falls back to the running program (`/proc/self/exe`) when neither finds it.
    public static func resolveExecutable(
        _ argument0: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let files = FileManager.default
        if argument0.contains("/") {
            let absolute =
                argument0.hasPrefix("/")
                ? argument0 : (files.currentDirectoryPath as NSString).appendingPathComponent(argument0)
            return (absolute as NSString).standardizingPath
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = (String(folder) as NSString).appendingPathComponent(argument0)
            if files.isExecutableFile(atPath: candidate) { return candidate }
        }
        return (try? files.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? argument0
    }

    /// The arguments the relay is started with (after the executable).
    public var relayArguments: [String] {
        ["relay", "--socket", socketPath, "--db", databasePath] + extraArguments
    }

    /// Returns at once when a relay listens on ``socketPath``; otherwise starts one and waits until
    /// it accepts connections.
    ///
    /// - Throws: ``RelayLaunchError``; every error after the start names ``logPath``.
    @discardableResult
    public func ensureRunning() throws(RelayLaunchError) -> Outcome {
        if RelayConnection.isRelayListening(at: socketPath) { return .alreadyRunning }
        guard FileManager.default.isExecutableFile(atPath: executablePath) else {
            throw .executableNotFound(path: executablePath)
        }
        let logFolder = (logPath as NSString).deletingLastPathComponent
        try Self.makeFolder(logFolder)
        // A database URL (postgres://…) has no folder here to make.
        if !databasePath.contains("://") { try Self.makeFolder((databasePath as NSString).deletingLastPathComponent) }

        // One launcher at a time: whoever waited for the lock finds the relay the first one started.
        let lock = open(
            (logFolder as NSString).appendingPathComponent("relay.launch.lock"), O_RDWR | O_CREAT | O_CLOEXEC,
            0o600)
        if lock >= 0 { _ = flock(lock, LOCK_EX) }
        defer {
            if lock >= 0 {
                _ = flock(lock, LOCK_UN)
                Glibc.close(lock)
            }
        }
        if RelayConnection.isRelayListening(at: socketPath) { return .alreadyRunning }

        appendToLog(
            "--- \(Date()) started by pid \(getpid()): \(executablePath) \(relayArguments.joined(separator: " "))\n"
        )
        let pid = try spawn()
        return try waitUntilListening(pid: pid)
    }

    // MARK: Starting

    private static func makeFolder(_ path: String) throws(RelayLaunchError) {
        guard !path.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotPrepare(path: path, reason: "\(error.localizedDescription)")
        }
    }

    private func appendToLog(_ text: String) {
        let descriptor = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { Glibc.close(descriptor) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Starts the relay in a new session, stdin and stdout on /dev/null, stderr appended to the log,
    /// every signal at its default disposition and none blocked (an editor ignores some).
    private func spawn() throws(RelayLaunchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(
            &attributes, Int16(Self.spawnSetSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = [executablePath] + relayArguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        // The caller's environment, read through Foundation (the C `environ` is shared mutable state).
        var environment: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + environment { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executablePath, &actions, &attributes, &argv, &environment)
        guard result == 0 else {
            throw .spawnFailed(reason: "posix_spawn \(executablePath): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private func waitUntilListening(pid: pid_t) throws(RelayLaunchError) -> Outcome {
        let deadline = ContinuousClock.now + startTimeout
        while true {
            if RelayConnection.isRelayListening(at: socketPath) { return .started(pid: pid) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                // Another relay may have won a race for the socket; then ours had nothing to do.
                if RelayConnection.isRelayListening(at: socketPath) { return .alreadyRunning }
                throw .exited(status: Self.describe(status: status), logPath: logPath, logTail: logTail())
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGTERM)
                throw .timedOut(
                    socketPath: socketPath, timeout: startTimeout, logPath: logPath, logTail: logTail())
            }
            usleep(20_000)
        }
    }

    /// glibc's `POSIX_SPAWN_SETSID` (2.26 and later), which the Glibc module does not import.
    private static let spawnSetSID: Int32 = 0x80

    /// "exited with status 1" or "was killed by signal 9", from a `waitpid` status.
    static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
    }

    /// The last lines of the log (at most 4 KiB of them).
    func logTail(maximumBytes: Int = 4096) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        let text = String(decoding: data.suffix(maximumBytes), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
