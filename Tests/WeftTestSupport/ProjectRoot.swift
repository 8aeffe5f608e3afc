import Foundation

/// The folder of the Weft package: the nearest folder above a source file that holds `Package.swift`.
///
/// Found from `#filePath`, which the compiler fills in with where the file was when it was built, so it
/// works from any clone without configuration.
public enum ProjectRoot {
    /// The package folder that holds `filePath` (by default, the caller's source file).
    ///
    /// - Throws: `TestSupportError` when no folder above `filePath` holds a `Package.swift`.
    public static func url(containing filePath: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder.deleteLastPathComponent()
        }
        throw TestSupportError("no folder above \(filePath) holds a Package.swift")
    }
}
