import Foundation

/// The project's Python, with pycrdt and loro installed, for tests that check Weft against other CRDTs.
///
/// `scripts/bootstrap` makes the venv at `.venv` in the package folder. When it is missing every call
/// throws, so the tests that need it fail (they never skip quietly): CI runs the bootstrap first.
public enum VenvPython {
    /// The venv's interpreter, `.venv/bin/python` in the package folder.
    ///
    /// - Throws: `TestSupportError` ("the project venv is missing: run scripts/bootstrap") when absent.
    public static func executableURL() throws -> URL {
        let python = try ProjectRoot.url().appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestSupportError(
                "the project venv is missing: run scripts/bootstrap (looked for \(python.path))")
        }
        return python
    }

    /// Runs `script` (Python source, as `python -c` takes it) with `stdin` as its standard input.
    ///
    /// `arguments` arrive in the script as `sys.argv[1:]`. Blocks until the script exits. A script that
    /// raises reports a non-zero `status` and its traceback in `stderr`; only a venv that is missing or
    /// cannot start makes this throw.
    public static func run(
        script: String, stdin: Data = Data(), arguments: [String] = []
    ) throws -> (
        stdout: Data, stderr: String, status: Int32
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        let result = try ChildProcess.run(
            executableURL(), arguments: ["-c", script] + arguments, standardInput: stdin,
            environment: environment)
        return (result.standardOutput, result.standardErrorText, result.status)
    }
}
