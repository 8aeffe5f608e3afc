import ArgumentParser
import Foundation
import WeftProtocol
import WeftRelay
import YCRDT

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, compare and merge sandbox copies of a project.",
        discussion: """
            A sandbox is a copy of a project with its own ids, edited with `weft edit` like any project. \
            When it is ready, `weft sandbox merge` brings the workflows it changed back into the parent; \
            editors open on the parent see the merge arrive live and keep their unsaved edits, rebased.

            If the parent changed too since the sandbox was made (or last merged), the merge is three-way \
            per workflow: what only one side changed is kept; where both changed the same thing, the merge \
            is refused with the list of conflicts, unless --force (then the sandbox's side wins).

            Works through the running relay, or directly on the database when none runs.

            Example:
              weft sandbox create acme --name acme-try
              weft edit acme-try/Nightly
              weft sandbox diff acme-try
              weft sandbox merge acme-try
            """,
        subcommands: [Create.self, ListSandboxes.self, Diff.self, Merge.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a project into a new sandbox project.",
            discussion: """
                The sandbox is a project named NAME with a copy of every workflow of PROJECT (new ids for \
                the workflows, jobs, triggers and edges; the map back to the parent's is kept) and the \
                parent's credentials and roles; you become its owner.

                Example:
                  weft sandbox create acme --name acme-try
                """)

        @Argument(help: "The project to copy (name or id).") var project: String
        @Option(name: .long, help: "The sandbox's name (a new project name).") var name: String
        @OptionGroup var location: SandboxLocationOptions

        func run() async throws {
            let answer = try await location.request("sandbox create").perform(
                .sandboxCreate(project: project, name: name),
                isAnswer: { if case .sandboxCreated = $0 { true } else { Sandbox.isFailure($0) } },
                direct: { core, requester in
                    await core.createSandbox(project: project, name: name, by: requester)
                })
            guard case .sandboxCreated(let sandbox) = answer else {
                try Sandbox.fail("sandbox create", answer)
            }
            let value = sandbox.objectValue ?? YObject()
            let workflows = value["workflows"]?.arrayValue ?? []
            let parent = value["parent"]?.objectValue?["name"]?.stringValue ?? project
            let created = value["name"]?.stringValue ?? name
            FileHandleOutput.standardOutput(
                "created sandbox \(created) of \(parent) with \(workflows.count) workflow(s)\n")
            for workflow in workflows {
                let workflowName = workflow.objectValue?["name"]?.stringValue ?? "?"
                FileHandleOutput.standardOutput("  weft edit \"\(name)/\(workflowName)\"\n")
            }
        }
    }

    struct ListSandboxes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the sandboxes, with their parents and merges.",
            discussion: """
                Example:
                  weft sandbox list
                  weft sandbox list --project acme
                """)

        @Option(name: .long, help: "Only the sandboxes of this project (name or id).") var project: String?
        @OptionGroup var location: SandboxLocationOptions

        func run() async throws {
            let answer = try await location.request("sandbox list").perform(
                .sandboxList(project: project),
                isAnswer: { if case .sandboxListReply = $0 { true } else { Sandbox.isFailure($0) } },
                direct: { core, _ in await core.listSandboxes(project: project) })
            guard case .sandboxListReply(let sandboxes) = answer else {
                try Sandbox.fail("sandbox list", answer)
            }
            let rows = (sandboxes.arrayValue ?? []).compactMap(\.objectValue)
            if rows.isEmpty {
                FileHandleOutput.standardOutput("no sandboxes\n")
                return
            }
            for row in rows {
                let merges = row["merges"]?.integerValue ?? 0
                let merged = row["merged_at"]?.stringValue.map { ", last merged \($0)" } ?? ""
                FileHandleOutput.standardOutput(
                    "\(row["name"]?.stringValue ?? "?")  of \(row["parent"]?.objectValue?["name"]?.stringValue ?? "?")"
                        + "  by \(row["created_by"]?.stringValue ?? "?"), \(merges) merge(s)\(merged)\n")
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what merging a sandbox would change in its parent.",
            discussion: """
                Per workflow: whether the sandbox changed it since the fork, whether the parent moved too, \
                each job, trigger, edge and field a merge would change, and the conflicts that would \
                refuse it. Writes nothing.

                Example:
                  weft sandbox diff acme-try
                """)

        @Argument(help: "The sandbox (name or id).") var sandbox: String
        @OptionGroup var location: SandboxLocationOptions

        func run() async throws {
            let answer = try await location.request("sandbox diff").perform(
                .sandboxDiff(sandbox: sandbox),
                isAnswer: { if case .sandboxDiffReply = $0 { true } else { Sandbox.isFailure($0) } },
                direct: { core, _ in await core.diffSandbox(sandbox) })
            guard case .sandboxDiffReply(let diff) = answer else { try Sandbox.fail("sandbox diff", answer) }
            let report = Sandbox.describe(diff)
            FileHandleOutput.standardOutput(report.text)
            let parent = diff.objectValue?["parent"]?.objectValue?["name"]?.stringValue ?? "the parent"
            if report.changed == 0 {
                FileHandleOutput.standardOutput("a merge would change nothing in \(parent)\n")
            } else {
                FileHandleOutput.standardOutput(
                    "a merge would change \(report.changed) workflow(s) in \(parent)"
                        + (report.conflicts > 0
                            ? "; \(report.conflicts) conflict(s) refuse it unless --force\n" : "\n"))
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a sandbox's changed workflows into its parent.",
            discussion: """
                Merges only the workflows the sandbox changed since its fork point, in one transaction: \
                each gets a new version with source `merge` by the sandbox (and you). Workflows added in \
                the sandbox are created in the parent; workflows deleted in it are deleted in the parent \
                if the parent left them alone. Editors open on the parent see the merge arrive live.

                Refused, writing nothing, when the sandbox and the parent changed the same thing since the \
                fork; --force merges anyway with the sandbox's side winning each conflict. Afterwards the \
                fork point advances, so the next merge brings only what changed since. Only owners and \
                admins of the parent may merge.

                Example:
                  weft sandbox merge acme-try
                  weft sandbox merge acme-try --force
                """)

        @Argument(help: "The sandbox (name or id).") var sandbox: String
        @Flag(name: .long, help: "Merge despite conflicts; the sandbox's side wins them.") var force = false
        @OptionGroup var location: SandboxLocationOptions

        func run() async throws {
            let answer = try await location.request("sandbox merge").perform(
                .sandboxMerge(sandbox: sandbox, force: force),
                isAnswer: { if case .sandboxMerged = $0 { true } else { Sandbox.isFailure($0) } },
                direct: { core, requester in await core.mergeSandbox(sandbox, force: force, by: requester) })
            guard case .sandboxMerged(let merge) = answer else { try Sandbox.fail("sandbox merge", answer) }
            let object = merge.objectValue ?? YObject()
            let parent = object["parent"]?.objectValue?["name"]?.stringValue ?? "the parent"
            let merged = (object["workflows"]?.arrayValue ?? []).compactMap(\.objectValue).filter {
                $0["change"]?.stringValue != "unchanged"
            }
            if merged.isEmpty {
                FileHandleOutput.standardOutput("\(sandbox): nothing to merge into \(parent)\n")
                return
            }
            FileHandleOutput.standardOutput("merged \(sandbox) into \(parent): \(merged.count) workflow(s)\n")
            for workflow in merged {
                let version = workflow["lock_version"]?.integerValue.map { " → v\($0)" } ?? " (already equal)"
                let conflicts = workflow["conflicts"]?.arrayValue?.count ?? 0
                FileHandleOutput.standardOutput(
                    "  \(workflow["name"]?.stringValue ?? "?")  \(workflow["change"]?.stringValue ?? "")\(version)"
                        + (conflicts > 0 ? "  (\(conflicts) conflict(s), the sandbox's side kept)" : "")
                        + "\n")
            }
        }
    }

    static func isFailure(_ control: ControlMessage) -> Bool {
        if case .sandboxFailed = control { true } else { false }
    }

    /// Reports a refusal (with its conflicts) and exits 1.
    static func fail(_ command: String, _ answer: ControlMessage) throws -> Never {
        switch answer {
        case .sandboxFailed(let reason, let message, let conflicts):
            FileHandleOutput.standardError("weft \(command): refused (\(reason)): \(message)\n")
            for conflict in conflicts ?? [] {
                let object = conflict.objectValue ?? YObject()
                FileHandleOutput.standardError(
                    "  \(object["workflow"]?.stringValue ?? "?"): \(object["message"]?.stringValue ?? "")\n")
            }
        case .error(let code, let message):
            FileHandleOutput.standardError("weft \(command): \(code): \(message)\n")
        default:
            FileHandleOutput.standardError("weft \(command): unexpected answer \(answer.type)\n")
        }
        throw ExitCode(1)
    }

    /// A diff for people, and how many workflows would change and how many conflicts there are.
    static func describe(_ diff: YAny) -> (text: String, changed: Int, conflicts: Int) {
        var text = ""
        var changed = 0
        var conflictCount = 0
        for workflow in (diff.objectValue?["workflows"]?.arrayValue ?? []).compactMap(\.objectValue) {
            let change = workflow["change"]?.stringValue ?? "?"
            let moved = workflow["parent_moved"]?.boolValue == true
            if change != "unchanged" { changed += 1 }
            var heading = "\(workflow["name"]?.stringValue ?? "?"): \(change)"
            if change == "updated" { heading += moved ? " (the parent changed too: three-way)" : "" }
            text += heading + "\n"
            for entry in (workflow["changes"]?.arrayValue ?? []).compactMap(\.objectValue) {
                let mark =
                    switch entry["change"]?.stringValue {
                    case "added": "+"
                    case "removed": "-"
                    default: "~"
                    }
                text += "  \(mark) \(entry["label"]?.stringValue ?? "?")\n"
            }
            for conflict in workflow["conflicts"]?.arrayValue ?? [] {
                conflictCount += 1
                text += "  ! conflict: \(conflict.stringValue ?? "?")\n"
            }
        }
        return (text, changed, conflictCount)
    }
}

/// Where the sandbox commands find the relay, or the database when none runs.
struct SandboxLocationOptions: ParsableArguments {
    @OptionGroup var location: RelayLocationOptions

    @Option(
        name: .long,
        help: "The database when no relay runs: a SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL.")
    var db: String?

    func request(_ command: String) -> RelayRequest {
        RelayRequest(command: command, socketPath: location.socketPath, databasePath: db)
    }
}
