import Foundation

/// Runs a program to completion and captures what it printed.
///
/// Standard input, output and error go through files, not pipes, so a child that prints a lot (or
/// prints before it has read all of its input) can never deadlock against the caller.
public enum ChildProcess {
    /// What a finished child printed, and how it ended.
    public struct Result: Sendable {
        /// Everything the child wrote to standard output.
        public var standardOutput: Data
        /// Everything the child wrote to standard error.
        public var standardError: Data
        /// The exit status; 128 plus the signal number when a signal ended the child, as shells report it.
        public var status: Int32

        /// Standard output decoded as UTF-8 (invalid bytes become U+FFFD).
        public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
        /// Standard error decoded as UTF-8 (invalid bytes become U+FFFD).
        public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, feeds it `standardInput`, and waits for it to exit.
    ///
    /// Blocks the calling thread. `environment` replaces the caller's environment when given; `nil`
    /// inherits it. A child still running after `timeout` seconds is killed and the call throws.
    ///
    /// - Throws: `TestSupportError` when the program cannot be started or outlives `timeout`.
    public static func run(
        _ executable: URL,
        arguments: [String] = [],
        standardInput: Data = Data(),
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        timeout: TimeInterval = 300
    ) throws -> Result {
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent("weft-child-\(UUID().uuidString)")
        try files.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: scratch) }

        let inputURL = scratch.appendingPathComponent("stdin")
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        try standardInput.write(to: inputURL)
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let input = try FileHandle(forReadingFrom: inputURL)
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw TestSupportError("cannot start \(executable.path): \(error)")
        }

        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
            throw TestSupportError(
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) was still running after "
                    + "\(Int(timeout)) s and was killed")
        }
        process.waitUntilExit()

        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return Result(
            standardOutput: try Data(contentsOf: outputURL),
            standardError: try Data(contentsOf: errorURL),
            status: status)
    }
}
