import ArgumentParser
import Foundation
import WeftProtocol
import YCRDT

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a project in the OpenFn format that `weft deploy` reads.",
        discussion: """
            Writes PROJECT's saved workflows (not anyone's unsaved edits) as a project.yaml \
            (project-as-code v1, the default) or as provisioning JSON (--format json, or an --out file \
            ending in .json). Deploying the file back changes nothing: export → deploy → export gives \
            the same file.

            A YAML export keeps a state file beside --out (.state.json in the same folder, or --state) \
            that maps its names to the workflows' ids, as `weft deploy` expects; an existing state file \
            there keeps its keys. Without --out the file goes to standard output.

            Works through the running relay, or with none, reads the database directly.

            Example:
              weft export acme --out acme/project.yaml
              weft deploy acme/project.yaml          # nothing changed
              weft export acme --format json > acme.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @Argument(help: "The project: its name or id.")
    var project: String

    @Option(name: .long, help: "yaml (project.yaml v1) or json (provisioning JSON).")
    var format: Format?

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var out: String?

    @Option(name: .long, help: "The state file of a YAML export (default: .state.json beside --out).")
    var state: String?

    @OptionGroup var options: HistoryStoreOptions

    var resolvedFormat: Format {
        if let format { return format }
        return out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() == "json" } == true
            ? .json : .yaml
    }

    var statePath: String? {
        if let state { return state }
        guard let out, resolvedFormat == .yaml else { return nil }
        return URL(fileURLWithPath: out).deletingLastPathComponent().appendingPathComponent(".state.json")
            .path
    }

    func run() async throws {
        var previous: YAny?
        if resolvedFormat == .yaml, let statePath, let data = FileManager.default.contents(atPath: statePath)
        {
            do { previous = try JSON.parse(String(decoding: data, as: UTF8.self)) } catch {
                FileHandleOutput.standardError(
                    "weft export: the state file \(statePath) is not JSON: \(error)\n")
                throw ExitCode(1)
            }
        }
        let reply = try await HistoryRequest.perform(
            .export(project: project, format: resolvedFormat.rawValue, state: previous), command: "export",
            options: options, writes: false)
        guard case .exported(let identity, _, let text, let newState) = reply else {
            try HistoryRequest.fail(reply, command: "export")
        }
        let name = identity.objectValue?["name"]?.stringValue ?? project
        if let out {
            do {
                let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                FileHandleOutput.standardError("weft export: cannot write \(out): \(error)\n")
                throw ExitCode(1)
            }
            FileHandleOutput.standardError("\(name) written to \(out)\n")
        } else {
            FileHandleOutput.standardOutput(text)
        }
        guard resolvedFormat == .yaml, let newState else { return }
        if let statePath {
            try JSON.stringify(newState).write(toFile: statePath, atomically: true, encoding: .utf8)
            FileHandleOutput.standardError("state written to \(statePath)\n")
        } else {
            FileHandleOutput.standardError(
                "no state file written (use --out or --state): deploying this YAML would make new workflows\n"
            )
        }
    }
}
