import Foundation

/// A local git repository read with the `git` command: only committed content (never the working tree),
/// and nothing is ever written to it.
struct GitRepository {
    /// Why a repository could not be read, for people.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The repository's top-level folder (absolute).
    let root: String

    /// Finds the repository that holds `path`.
    ///
    /// - Throws: ``Failure`` when `git` is missing or `path` is not in a git repository.
    init(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "\(path) does not exist")
        }
        let result = try Self.git(["-C", path, "rev-parse", "--show-toplevel"])
        guard result.status == 0 else {
            throw Failure(description: "\(path) is not a git repository (\(result.errors.trimmed))")
        }
        root = result.output.trimmed
    }

    /// The commit HEAD points at.
    ///
    /// - Throws: ``Failure`` when the repository has no commit yet.
    func head() throws -> String {
        let result = try Self.git(["-C", root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        guard result.status == 0 else { throw Failure(description: "\(root) has no commits yet") }
        return result.output.trimmed
    }

    /// The text of `file` (a path from the repository's top) at `commit`.
    ///
    /// - Throws: ``Failure`` when the commit has no such file.
    func show(_ file: String, at commit: String) throws -> String {
        let result = try Self.git(["-C", root, "show", "\(commit):\(file)"])
        guard result.status == 0 else {
            throw Failure(description: "there is no \(file) in \(root) at \(commit.prefix(12)) (HEAD)")
        }
        return result.output
    }

    /// The first line of a commit's message.
    func subject(of commit: String) -> String {
        ((try? Self.git(["-C", root, "log", "-1", "--format=%s", commit]))?.output ?? "").trimmed
    }

    private static func git(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        do { try process.run() } catch {
            throw Failure(description: "could not run git (is it installed?): \(error)")
        }
        // Read both pipes to the end before waiting, so a large file cannot fill a pipe and block git.
        let errorData = ReadInBackground(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw Failure(description: "git is not installed (looked on PATH)")
        }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorData.text())
    }
}

/// Reads a pipe to its end on another thread.
private final class ReadInBackground: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
