import Foundation
import WeftTestSupport

/// The canonical OpenFn project (two workflows) as a file a test can change and deploy with the real
/// `weft deploy`, keeping its state file beside it as the CLI does.
struct ProjectFile {
    /// The fixture: project `a-test-project`, workflows `workflow 1` (webhook → webhook job → on
    /// fail / on success) and `workflow 2` (cron → some cronjob → on cron failure).
    static let fixture = "openfn/lightning-canonical_project.yaml"
    static let projectName = "a-test-project"

    let path: String
    var statePath: String { ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".state.json") }

    /// Writes the fixture (after `edit`) to `name` in `folder`.
    static func make(
        in folder: ScratchFolder, name: String = "project.yaml", edit: (String) -> String = { $0 }
    ) throws -> ProjectFile {
        let text = String(decoding: try Fixtures.data(fixture), as: UTF8.self)
        let file = ProjectFile(path: folder.file(name))
        try edit(text).write(toFile: file.path, atomically: true, encoding: .utf8)
        return file
    }

    /// Replaces the file's text with `edit(text)`; the state file stays.
    func rewrite(_ edit: (String) -> String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = edit(text)
        precondition(changed != text, "the edit changed nothing")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs `weft deploy` on this file against `relay`'s socket (or, when the relay is not running,
    /// directly against its database).
    @discardableResult
    func deploy(
        to relay: RelayProcess, state: String? = nil, allowStale: Bool = false, expectSuccess: Bool = true
    ) throws -> ChildProcess.Result {
        let result = try WeftExecutable.run(arguments(relay: relay, state: state, allowStale: allowStale))
        if expectSuccess, result.status != 0 {
            throw TestSupportError(
                "weft deploy failed (\(result.status)):\n\(result.standardErrorText)\(result.standardOutputText)")
        }
        return result
    }

    func arguments(relay: RelayProcess, state: String? = nil, allowStale: Bool = false) -> [String] {
        var arguments = ["deploy", path, "--socket", relay.socket, "--db", relay.database]
        if let state { arguments += ["--state", state] }
        if allowStale { arguments.append("--allow-stale") }
        return arguments
    }
}

extension String {
    /// The text with `old` replaced by `new`, which must occur exactly once (a test's edit that
    /// silently matched nothing would prove nothing).
    func replacingOnce(_ old: String, with new: String) -> String {
        let parts = components(separatedBy: old)
        precondition(parts.count == 2, "expected exactly one \"\(old)\", found \(parts.count - 1)")
        return parts.joined(separator: new)
    }
}

/// A child process started without waiting for it (two deploys at once).
final class RunningChild {
    let process = Process()
    private let output: String
    private let errors: String

    init(_ executable: URL, arguments: [String], folder: ScratchFolder, tag: String) throws {
        output = folder.file("\(tag).out")
        errors = folder.file("\(tag).err")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for the child (killing it after `timeout`) and returns its status and output.
    func wait(timeout: Duration = .seconds(60)) -> (status: Int32, output: String) {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let text =
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
        return (process.terminationStatus, text)
    }
}
