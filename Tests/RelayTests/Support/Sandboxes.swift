import Foundation
import WeftStore
import WeftTestSupport

extension RelayProcess {
    /// Runs `weft ARGUMENTS --socket … --db …` against this relay (or its database when it is stopped).
    @discardableResult
    func weftCommand(_ arguments: [String], expectSuccess: Bool = true) throws -> ChildProcess.Result {
        let result = try weft(arguments + ["--socket", socket, "--db", database])
        if expectSuccess, result.status != 0 {
            throw TestSupportError(
                "weft \(arguments.joined(separator: " ")) failed (\(result.status)):\n"
                    + "\(result.standardErrorText)\(result.standardOutputText)")
        }
        return result
    }

    /// The versions recorded for a workflow, read beside the relay.
    func versions(of workflowID: String) throws -> [WorkflowVersion] {
        try WeftStore(path: database).versions(of: workflowID)
    }
}

/// A scratch git repository with a local identity, driven with the `git` command.
struct TestRepository {
    let path: String

    init(in folder: ScratchFolder) throws {
        path = folder.file("repo")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(["init", "-q"])
        try git(["config", "user.name", "Test Author"])
        try git(["config", "user.email", "author@example.invalid"])
        try git(["config", "commit.gpgsign", "false"])
    }

    /// Writes `text` to `file` in the working tree.
    func write(_ file: String, _ text: String) throws {
        try text.write(
            toFile: (path as NSString).appendingPathComponent(file), atomically: true, encoding: .utf8)
    }

    /// Commits every change with `message`; returns the new commit.
    @discardableResult
    func commit(_ message: String) throws -> String {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
        return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), arguments: ["git", "-C", path] + arguments, timeout: 30)
        guard result.status == 0 else {
            throw TestSupportError(
                "git \(arguments.joined(separator: " ")) failed: \(result.standardErrorText)")
        }
        return result.standardOutputText
    }
}
