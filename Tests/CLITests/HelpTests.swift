import Foundation
import Testing
import WeftTestSupport

/// `weft --help`, from the built binary: every command the product will have is named with its purpose.
@Suite struct HelpTests {
    /// The commands of DESIGN.md and issue #2, in the order `weft --help` lists them.
    static let commands = [
        "edit", "relay", "deploy", "validate", "export", "ls", "sandbox", "sync", "history", "show", "restore",
        "drafts", "doc", "demo", "users",
    ]

    @Test func helpNamesEveryCommandWithAOneLinePurpose() throws {
        let result = try WeftExecutable.run(["--help"])

        #expect(result.status == 0, "weft --help failed:\n\(result.standardErrorText)")
        let listed = Self.subcommands(inHelp: result.standardOutputText)
        #expect(listed.map(\.name) == Self.commands)
        for (name, purpose) in listed {
            #expect(!purpose.isEmpty, "`weft --help` gives \(name) no purpose")
        }
    }

    @Test func helpMatchesItsGoldenFile() throws {
        let result = try WeftExecutable.run(["--help"])

        Golden.assertMatches(result.standardOutputText, goldenFile: "help.txt")
    }

    @Test func versionPrintsTheVersionAndNoArgumentsPrintsHelp() throws {
        let version = try WeftExecutable.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines).contains("."))
        #expect(!version.standardOutputText.contains("USAGE"))

        let bare = try WeftExecutable.run([])
        #expect(bare.status == 0)
        #expect(bare.standardOutputText.contains("SUBCOMMANDS:"))
    }

    /// Every command's `--help` works, and no option is listed twice (`show --version N` once shared
    /// its name with the program's own version flag).
    @Test(arguments: commands)
    func everyCommandHasHelpWithNoOptionListedTwice(command: String) throws {
        let result = try WeftExecutable.run([command, "--help"])
        #expect(result.status == 0, "weft \(command) --help failed:\n\(result.standardErrorText)")
        let text = result.standardOutputText
        #expect(text.contains("OVERVIEW:") && text.contains("USAGE: weft \(command)"))
        guard let options = text.range(of: "\nOPTIONS:\n") else { return }
        let names = text[options.upperBound...].split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop(while: { $0 == " " })
            guard line.hasPrefix("  "), trimmed.hasPrefix("-") else { return nil }
            return String(trimmed.split(separator: " ").first { $0.hasPrefix("--") } ?? trimmed.prefix(2))
        }
        #expect(Set(names).count == names.count, "options listed twice in `weft \(command) --help`: \(names)")
    }

    /// The name and first line of purpose of each entry under `SUBCOMMANDS:` in swift-argument-parser's
    /// help: an entry is indented two spaces, its purpose follows after two or more spaces, and its
    /// wrapped continuation lines are indented further.
    static func subcommands(inHelp help: String) -> [(name: String, purpose: String)] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        var entries: [(name: String, purpose: String)] = []
        for line in lines[(header + 1)...] {
            if line.isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let entry = line.dropFirst(2)
            let name = entry.prefix(while: { $0 != " " })
            entries.append((String(name), entry.dropFirst(name.count).trimmingCharacters(in: .whitespaces)))
        }
        return entries
    }
}
