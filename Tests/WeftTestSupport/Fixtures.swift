import Foundation

/// The data files that tests share, copied from their sources with credits in `Fixtures/NOTICE.md`.
///
/// Paths are relative to the fixtures folder and keep its subfolders: `"yjs/b4-yjs-v1.bin"`,
/// `"openfn/lightning-canonical_project.yaml"`. Every accessor throws an error naming the missing file
/// rather than crashing, so a test that lacks a fixture fails with a reason.
public enum Fixtures {
    /// Where the fixtures folder is, as copied into this module's resource bundle by the build.
    public static var directory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw TestSupportError("the Fixtures folder is not in WeftTestSupport's resource bundle")
            }
            return url
        }
    }

    /// The location of the fixture at `relativePath`.
    ///
    /// - Throws: `TestSupportError` naming the file when there is no such fixture.
    public static func url(_ relativePath: String) throws -> URL {
        let url = try directory.appendingPathComponent(relativePath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else {
            throw TestSupportError(
                "no fixture \"\(relativePath)\": expected it at \(url.path) (fixtures live in "
                    + "Tests/WeftTestSupport/Fixtures, credited in its NOTICE.md)")
        }
        return url
    }

    /// The bytes of the fixture at `relativePath`.
    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// The bytes of the gzip-compressed fixture at `relativePath` (a `.gz` file), decompressed.
    ///
    /// Runs the system's `gzip -dc`, so it costs a process start; a test that needs the data often
    /// keeps the result.
    public static func gunzippedData(_ relativePath: String) throws -> Data {
        let file = try url(relativePath)
        guard
            let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw TestSupportError("cannot decompress \(relativePath): gzip is not installed")
        }
        let result = try ChildProcess.run(URL(fileURLWithPath: gzip), arguments: ["-dc", file.path])
        guard result.status == 0 else {
            throw TestSupportError(
                "gzip could not decompress \(relativePath) (status \(result.status)): "
                    + result.standardErrorText)
        }
        return result.standardOutput
    }
}
