import Foundation
import WeftClient
import WeftTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `weft relay` on a scratch socket and database, with the canonical OpenFn project deployed,
/// for one end-to-end test. ``close()`` stops it and removes its folder.
final class EditorRelay {
    let folder: String
    let socket: String
    let database: String
    private let process: Process

    /// The workflow the tests open.
    static let workflow = "a-test-project/workflow 1"

    init() throws {
        var template = Array("/tmp/weft-e2e-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestSupportError("mkdtemp failed")
        }
        folder = String(cString: made)
        socket = folder + "/r.sock"
        database = folder + "/w.sqlite"
        process = Process()
        process.executableURL = try WeftExecutable.url()
        process.arguments = ["relay", "--socket", socket, "--db", database, "--log-level", "warning"]
        process.standardInput = FileHandle.nullDevice
        let log = folder + "/relay.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(15)
        while !RelayConnection.isRelayListening(at: socket) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw TestSupportError("the relay did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
        try deploy(try Self.canonicalProject())
    }

    static func canonicalProject() throws -> String {
        String(decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
    }

    /// Deploys `yaml` with `weft deploy` through the relay (the state file beside it keeps the ids).
    func deploy(_ yaml: String) throws {
        let path = folder + "/project.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let result = try WeftExecutable.run(["deploy", path, "--socket", socket, "--allow-stale"])
        guard result.status == 0 else {
            throw TestSupportError("weft deploy failed: \(result.standardErrorText)\(result.standardOutputText)")
        }
    }

    /// The shell command that opens the editor on the test workflow as `name`; when the editor exits,
    /// the pane says `EDITOR EXITED <status>` and stays open.
    func editCommand(as name: String, extra: [String] = []) throws -> String {
        let arguments = ["edit", Self.workflow, "--socket", socket, "--as", name] + extra
        return try WeftExecutable.url().path.shellQuoted + " " + arguments.map(\.shellQuoted).joined(separator: " ")
            + " 2>" + (folder + "/edit.err").shellQuoted + "; echo \"EDITOR EXITED $?\"; sleep 600"
    }

    /// A second person on the workflow, driven from the test.
    func teammate(_ name: String) throws -> EditorSession {
        let session = EditorSession(configuration: .init(socketPath: socket, userName: name))
        try session.join(workflow: Self.workflow)
        return session
    }

    func close() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
