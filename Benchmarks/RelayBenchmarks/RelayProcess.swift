import Foundation
import WeftClient

#if canImport(Glibc)
import Glibc
#endif

/// The release `weft` binary and the relay processes it runs.
struct WeftBinary {
    let path: String

    /// `--weft PATH`; else the self-contained build operators deploy (`.build/static/release/weft`,
    /// docs/operations.md), else `.build/release/weft`, under the package root. Which one matters for
    /// the idle RSS: the shared Swift libraries of the plain build map about 5 MB more.
    static func locate(_ explicit: String?) -> WeftBinary {
        let root = PackageRoot.locate()
        let candidates = [".build/static/release/weft", ".build/release/weft"].map {
            root.appendingPathComponent($0).path
        }
        let path = explicit ?? candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
        guard FileManager.default.isExecutableFile(atPath: path) else {
            fail(
                "no weft binary at \(path); build it first: \(buildCommand) (or pass --weft PATH)")
        }
        return WeftBinary(path: path)
    }

    /// How to build the relay the benchmarks measure by default.
    static let buildCommand =
        "swift build -c release --static-swift-stdlib --product weft --scratch-path .build/static"

    /// Runs a `weft` command to completion; returns its standard output, fails the run on a non-zero exit.
    @discardableResult
    func run(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            fail("could not run weft \(arguments.joined(separator: " ")): \(error)")
        }
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            fail(
                "weft \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(String(decoding: problems, as: UTF8.self))"
            )
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// One `weft relay` process on a scratch socket and database.
final class RelayProcess {
    let socket: String
    let database: String
    private let process = Process()

    var pid: Int32 { process.processIdentifier }

    /// `cpu`: pin the relay to these CPUs (a taskset list such as "0").
    init(binary: WeftBinary, socket: String, database: String, unloadAfter: Int, cpu: String? = nil) {
        self.socket = socket
        self.database = database
        let arguments = [
            "relay", "--socket", socket, "--db", database, "--unload-after", "\(unloadAfter)", "--log-level",
            "warning",
        ]
        if let cpu {
            // taskset execs the relay, so the process id stays the relay's own.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            process.arguments = ["-c", cpu, binary.path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary.path)
            process.arguments = arguments
        }
        process.standardOutput = FileHandle.nullDevice
        // Its warnings (a slow consumer, …) show up among the progress lines.
        process.standardError = FileHandle.standardError
    }

    /// Starts the relay and waits until its socket accepts connections.
    func start() {
        do { try process.run() } catch { fail("could not start the relay: \(error)") }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if RelayConnection.isRelayListening(at: socket) { return }
            guard process.isRunning else {
                fail("the relay exited at start (status \(process.terminationStatus))")
            }
            sleep(milliseconds: 10)
        }
        fail("the relay did not listen on \(socket) within 20 s")
    }

    /// VmRSS now, in bytes.
    var rss: Int { residentBytes(of: pid) }
    /// CPU time used so far, in seconds.
    var cpu: Double { cpuSeconds(of: pid) }

    /// SIGTERM (a graceful stop: compaction and all), then SIGKILL if it takes more than 20 s.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { sleep(milliseconds: 10) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}
