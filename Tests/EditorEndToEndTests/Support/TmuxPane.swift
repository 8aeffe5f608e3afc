import Foundation
import WeftTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One tmux server with one pane running a command, for driving the real `weft edit` as a person
/// would: keys in, the screen's text out (reference §3.5). Each pane has a server of its own
/// (`tmux -L`), killed by ``close()``.
///
/// Tests never sleep a fixed time: ``waitFor(_:timeout:until:)`` polls the screen until what the app
/// draws after handling the input appears, and fails with the last screen when it does not.
final class TmuxPane {
    let server: String
    static let target = "main"

    /// Whether tmux is installed (scripts/bootstrap installs it).
    static var isAvailable: Bool { tmuxPath != nil }

    private static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `command` (a shell command line) in a detached `width` × `height` pane, with
    /// `TERM=tmux-256color`, `locale` (UTF-8 unless told), and colour unless `noColour` (`swift test` itself sets
    /// `NO_COLOR`, which the editor honours, so the pane's environment says what the test means).
    init(command: String, width: Int = 100, height: Int = 30, noColour: Bool = false, locale: String = "C.UTF-8") throws {
        server = "weft-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        let colour = noColour ? "NO_COLOR=1" : "-u NO_COLOR"
        try tmux([
            "new-session", "-d", "-s", Self.target, "-x", String(width), "-y", String(height),
            "env \(colour) TERM=tmux-256color LANG=\(locale) LC_ALL=\(locale) \(command)",
        ])
    }

    /// The pane's text now.
    func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", Self.target]).standardOutputText
    }

    /// Types keys: tmux key names (`Escape`, `Enter`, `Down`, `C-s`) or literal text.
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", Self.target] + keys)
    }

    /// Pastes `text` as a terminal does: with `paste-buffer -p`, tmux brackets it (`Esc [ 200 ~` …
    /// `Esc [ 201 ~`) only when the program turned bracketed paste on, and sends line breaks as CR.
    /// With `raw`, line feeds go as they are (`paste-buffer -r`), so `\r\n` arrives as both bytes.
    func paste(_ text: String, raw: Bool = false) throws {
        try tmux(["set-buffer", "-b", "weft-paste", "--", text])
        try tmux(["paste-buffer", "-p", "-d"] + (raw ? ["-r"] : []) + ["-b", "weft-paste", "-t", Self.target])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", Self.target, "-x", String(width), "-y", String(height)])
    }

    /// Polls the screen every 100 ms until `condition` holds, and returns that screen.
    ///
    /// - Throws: `TestSupportError` with `description` and the last screen after `timeout`.
    @discardableResult
    func waitFor(_ description: String, timeout: Duration = .seconds(15), until condition: (String) -> Bool) throws
        -> String
    {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            usleep(100_000)
        }
        throw TestSupportError("timed out after \(timeout) waiting for \(description); the screen was:\n\(screen)")
    }

    /// Waits until the screen shows every one of `texts`.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Duration = .seconds(15)) throws -> String {
        try waitFor(texts.map { "“\($0)”" }.joined(separator: " and "), timeout: timeout) { screen in
            texts.allSatisfy(screen.contains)
        }
    }

    func close() {
        _ = try? tmux(["kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> (status: Int32, standardOutputText: String) {
        guard let path = Self.tmuxPath else { throw TestSupportError("tmux is not installed (scripts/bootstrap installs it)") }
        let result = try Self.spawnAndWait(path, ["-L", server] + arguments)
        guard result.status == 0 else {
            throw TestSupportError("tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardOutputText)")
        }
        return result
    }

    /// Runs a program and waits for it with `waitpid`, its standard output and error in a file.
    ///
    /// Not Foundation's `Process`: on Linux it learns of a child's exit through a descriptor the child
    /// inherits, and the tmux server that `new-session` forks keeps that descriptor open for good, so
    /// the exit of the tmux client would never be noticed.
    private static func spawnAndWait(_ path: String, _ arguments: [String]) throws -> (status: Int32, standardOutputText: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("weft-tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The test runner's threads block most signals, and a spawned program inherits the mask: a
        // tmux server with SIGTERM and SIGCHLD blocked never finishes a kill-server. Start clean.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw TestSupportError("cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, text)
    }
}

extension String {
    /// The status bar: the second line from the bottom of a screen.
    var statusBar: String {
        let lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = lines.reversed().drop { $0.isEmpty }
        return Array(trimmed.dropFirst()).first ?? ""
    }

    /// The message line: the bottom line of a screen.
    var messageLine: String {
        split(separator: "\n", omittingEmptySubsequences: false).map(String.init).last { !$0.isEmpty } ?? ""
    }

    /// Quoted for a POSIX shell.
    var shellQuoted: String { "'" + replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension TmuxPane {
    /// In an editor on the fixture's workflow 1: waits until it is online, selects "webhook job" and
    /// opens its body, cursor at the start.
    func openWebhookJobBody() throws {
        try waitFor("webhook job", "online")
        try send("Down")
        try waitFor("Job: webhook job")
        try send("b")
        try waitFor("Body: webhook job", "Ln 1, Col 1")
    }
}
