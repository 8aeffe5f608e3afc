import Foundation

/// The built `weft` command, for tests that drive the real binary.
///
/// `swift build --build-tests` (what `scripts/test` runs) builds it beside the test runner, so it is
/// found there; `WEFT_EXECUTABLE` names another binary to test instead.
public enum WeftExecutable {
    /// The `weft` binary to test.
    ///
    /// - Throws: `TestSupportError` listing the places it looked when there is none.
    public static func url() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["WEFT_EXECUTABLE"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        // The test runner lives in the build products folder: on Linux it is an executable there, on
        // macOS a bundle there.
        if let runner = Bundle.main.executableURL {
            candidates.append(runner.deletingLastPathComponent().appendingPathComponent("weft"))
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("weft"))
        }
        if let root = try? ProjectRoot.url() {
            candidates.append(root.appendingPathComponent(".build/debug/weft"))
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestSupportError(
            "the weft binary is not built (run `swift build`); looked at "
                + candidates.map(\.path).joined(separator: ", "))
    }

    /// Runs `weft` with `arguments` and waits for it.
    ///
    /// The environment is the caller's with `COLUMNS=80`, so help text wraps the same on every terminal.
    public static func run(
        _ arguments: [String], standardInput: Data = Data(), timeout: TimeInterval = 60
    )
        throws -> ChildProcess.Result
    {
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        environment["LINES"] = "24"
        return try ChildProcess.run(
            url(), arguments: arguments, standardInput: standardInput, environment: environment,
            timeout: timeout)
    }
}
