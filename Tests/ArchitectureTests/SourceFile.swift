import Foundation
import WeftTestSupport

/// A Swift source file of one of Weft's modules, read for what it imports and calls.
struct SourceFile: CustomStringConvertible {
    /// The module: the folder under Sources/ that holds the file.
    let module: String
    /// The path from the package folder, such as `Sources/YCRDT/Doc/Doc.swift`.
    let path: String
    let lines: [Substring]

    var description: String { path }

    /// Every `.swift` file under Sources/, in path order.
    static func all() throws -> [SourceFile] {
        let root = try ProjectRoot.url()
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default
        var result: [SourceFile] = []
        for module in try files.contentsOfDirectory(atPath: sources.path).sorted() {
            let moduleURL = sources.appendingPathComponent(module)
            guard let walker = files.enumerator(atPath: moduleURL.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let text = try String(contentsOf: moduleURL.appendingPathComponent(relative), encoding: .utf8)
                result.append(
                    SourceFile(
                        module: module, path: "Sources/\(module)/\(relative)",
                        lines: text.split(separator: "\n", omittingEmptySubsequences: false)))
            }
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The modules this file imports, with their line numbers: `import X`, `@testable import X`,
    /// `@preconcurrency import X`, `import struct X.Y` all import X.
    var imports: [(module: String, line: Int)] {
        lines.enumerated().compactMap { index, line in
            var words = line.split(whereSeparator: \.isWhitespace)[...]
            while let first = words.first, first.hasPrefix("@") { words = words.dropFirst() }
            guard words.first == "import" else { return nil }
            words = words.dropFirst()
            let kinds: Set<Substring> = [
                "typealias", "struct", "class", "enum", "protocol", "let", "var", "func",
            ]
            if let kind = words.first, kinds.contains(kind) { words = words.dropFirst() }
            guard let path = words.first else { return nil }
            return (String(path.prefix(while: { $0 != "." })), index + 1)
        }
    }

    /// The lines, with their numbers, whose code (outside a `//` comment) contains `needle`.
    func codeLines(containing needle: String) -> [Int] {
        lines.enumerated().compactMap { index, line in
            let code = line.range(of: "//").map { line[..<$0.lowerBound] } ?? line
            return code.contains(needle) ? index + 1 : nil
        }
    }
}
