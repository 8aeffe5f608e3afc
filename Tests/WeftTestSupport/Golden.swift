import Foundation
import Testing

/// Golden files: a test's text output compared with a reviewed copy kept beside the test.
///
/// A test target keeps its golden files in `__Goldens__` at its top (`Tests/CLITests/__Goldens__/help.txt`)
/// and lists `exclude: ["__Goldens__"]` in Package.swift, so that SwiftPM leaves the folder alone. Run the
/// tests with `WEFT_RECORD_GOLDENS=1` to write the current output as the golden files, then review the
/// change as a diff before committing it.
public enum Golden {
    /// The environment variable that switches recording on when it is `1`.
    public static let recordVariable = "WEFT_RECORD_GOLDENS"

    /// Expects `actual` to equal the golden file `goldenFile` of the calling test target.
    ///
    /// On a mismatch, or when the golden file does not exist, records an issue at `sourceLocation` with a
    /// line diff. When recording, writes `actual` to the golden file instead and passes.
    public static func assertMatches(
        _ actual: String, goldenFile: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let url = try goldenURL(goldenFile, testFilePath: sourceLocation.filePath)
            if ProcessInfo.processInfo.environment[recordVariable] == "1" {
                try record(actual, at: url)
            } else if let problem = problem(comparing: actual, withGoldenFileAt: url) {
                Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    /// Writes `actual` as the golden file at `url`, making its folder if needed.
    static func record(_ actual: String, at url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: url)
    }

    /// What is wrong with `actual` as measured by the golden file at `url`, or nil when it matches.
    static func problem(comparing actual: String, withGoldenFileAt url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return "no golden file at \(url.path); run the test with \(recordVariable)=1 to record it"
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != actual else { return nil }
        return """
            the output differs from golden file \(url.lastPathComponent) (- golden, + actual). If the new \
            output is right, run the test with \(recordVariable)=1 and review the diff of \(url.path).
            \(LineDiff.render(expected: expected, actual: actual))
            """
    }

    /// The golden file `name` of the test target whose source file is `testFilePath`: the target is the
    /// folder directly under `Tests/` on the way up from the file.
    static func goldenURL(_ name: String, testFilePath: String) throws -> URL {
        var folder = URL(fileURLWithPath: testFilePath).deletingLastPathComponent()
        while folder.path != "/" {
            if folder.deletingLastPathComponent().lastPathComponent == "Tests" {
                return folder.appendingPathComponent("__Goldens__").appendingPathComponent(name)
            }
            folder.deleteLastPathComponent()
        }
        throw TestSupportError("golden files belong to test targets, but \(testFilePath) is not under Tests/")
    }
}
