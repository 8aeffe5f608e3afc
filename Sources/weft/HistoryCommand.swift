import ArgumentParser
import Foundation
import WeftProtocol
import WorkflowModel
import YCRDT

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every saved version of a workflow: who, when, and from where.",
        discussion: """
            Lists each version of WORKFLOW, oldest first: its lock_version, when it was written, who \
            wrote it and how (editor: a save in `weft edit`; deploy; merge: a sandbox merged; sync; \
            restore: an older version brought back). WORKFLOW is the workflow's id or \
            project/workflow, as `weft edit` takes it.

            Works through the running relay, or with none, reads the database directly. Anyone with a \
            role in the project may read it, viewers included. `weft show` prints one version; \
            `weft restore` brings one back.

            Example:
              weft history acme/nightly
              weft history acme/nightly --json
            """)

    @Argument(help: "The workflow: its id or project/workflow.")
    var workflow: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: HistoryStoreOptions

    func run() async throws {
        let reply = try await HistoryRequest.perform(
            .history(workflow: workflow), command: "history", options: options, writes: false)
        guard case .historyReply(let identity, let versions) = reply else {
            try HistoryRequest.fail(reply, command: "history")
        }
        if json {
            print(JSON.stringify(["workflow": identity, "versions": .array(versions)]))
            return
        }
        let object = identity.objectValue ?? YObject()
        let path = "\(object["project"]?.stringValue ?? "?")/\(object["name"]?.stringValue ?? "?")"
        print("\(path)  (\(object["id"]?.stringValue ?? "?")): \(versions.count) version(s)")
        for version in versions {
            let entry = version.objectValue ?? YObject()
            let number = "v\(entry["lock_version"]?.integerValue ?? 0)"
            let source = entry["source"]?.stringValue ?? "?"
            let columns = [
                number.padding(toLength: 4, withPad: " ", startingAt: 0),
                HistoryFormat.time(entry["created_at"]),
                source.padding(toLength: 8, withPad: " ", startingAt: 0), HistoryFormat.actor(entry["actor"]),
            ]
            print("  " + columns.joined(separator: "  "))
        }
    }
}

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a workflow as it was at one of its versions.",
        discussion: """
            Prints WORKFLOW as version N saved it: its triggers, jobs (with their bodies) and edges. \
            With --json, prints the workflow's JSON (the shape the relay's messages carry) instead. \
            `weft history` lists the versions.

            Example:
              weft show acme/nightly --version 3
              weft show acme/nightly --version 3 --json > nightly-v3.json
            """)

    @Argument(help: "The workflow: its id or project/workflow.")
    var workflow: String

    @Option(name: .customLong("version"), help: "The version (lock_version) to print.")
    var lockVersion: Int

    @Flag(name: .long, help: "Print the workflow's JSON.")
    var json = false

    @OptionGroup var options: HistoryStoreOptions

    func validate() throws {
        guard lockVersion >= 1 else { throw ValidationError("--version must be 1 or more") }
    }

    func run() async throws {
        let reply = try await HistoryRequest.perform(
            .showVersion(workflow: workflow, lockVersion: lockVersion), command: "show", options: options,
            writes: false)
        guard case .versionReply(let version) = reply, let entry = version.objectValue,
            let workflowJSON = entry["workflow"]
        else { try HistoryRequest.fail(reply, command: "show") }
        if json {
            print(JSON.stringify(workflowJSON))
            return
        }
        let value = try JSONDecoder().decode(Workflow.self, from: Data(JSON.stringify(workflowJSON).utf8))
        let columns = [
            value.name, "version \(value.lockVersion)", HistoryFormat.time(entry["created_at"]),
            entry["source"]?.stringValue ?? "?", HistoryFormat.actor(entry["actor"]),
        ]
        print(columns.joined(separator: "  "))
        print(WorkflowText.render(value), terminator: "")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring an earlier version of a workflow back as its newest version.",
        discussion: """
            Saves WORKFLOW's version N again as a new version (source "restore"); nothing is \
            deleted, so the history keeps every step. Open editors see the change arrive as any save \
            does, and their unsaved edits that do not clash with it are kept. Restoring a version \
            equal to the current one changes nothing.

            Works through the running relay, or with none, directly on the database (holding the lock \
            a starting relay waits for). Viewers may not restore.

            Example:
              weft history acme/nightly
              weft restore acme/nightly --version 3
            """)

    @Argument(help: "The workflow: its id or project/workflow.")
    var workflow: String

    @Option(name: .customLong("version"), help: "The version (lock_version) to bring back.")
    var lockVersion: Int

    @OptionGroup var options: HistoryStoreOptions

    func validate() throws {
        guard lockVersion >= 1 else { throw ValidationError("--version must be 1 or more") }
    }

    func run() async throws {
        let reply = try await HistoryRequest.perform(
            .restore(workflow: workflow, lockVersion: lockVersion), command: "restore", options: options,
            writes: true)
        guard case .restored(let identity, let newVersion, let from, let changed, let conflicts) = reply
        else {
            try HistoryRequest.fail(reply, command: "restore")
        }
        let name = identity.objectValue?["name"]?.stringValue ?? workflow
        guard changed else {
            print("\(name): version \(from) is what version \(newVersion) already holds; nothing changed")
            return
        }
        print("\(name): version \(from) restored as version \(newVersion)")
        if !conflicts.isEmpty {
            print(
                "  \(conflicts.count) unsaved edit(s) in open editors gave way to it (the editors were told):"
            )
            for conflict in conflicts {
                print("    \(conflict.objectValue?["message"]?.stringValue ?? JSON.stringify(conflict))")
            }
        }
    }
}

/// A workflow as plain text for people (`weft show`).
enum WorkflowText {
    static func render(_ workflow: Workflow) -> String {
        var lines: [String] = []
        func name(ofJob id: String?) -> String {
            guard let id else { return "?" }
            if let job = workflow.job(id) { return job.name.isEmpty ? id : job.name }
            if let trigger = workflow.trigger(id) { return trigger.type.rawValue }
            return id
        }
        if workflow.deletedAt != nil { lines.append("(deleted at \(workflow.deletedAt!))") }
        lines.append("triggers:")
        if workflow.triggers.isEmpty { lines.append("  none") }
        for trigger in workflow.triggers {
            var text = "  \(trigger.type.rawValue)"
            if trigger.type == .cron { text += "  '\(trigger.cronExpression ?? "")'" }
            text += trigger.enabled ? "" : "  (disabled)"
            lines.append(text)
        }
        lines.append("jobs:")
        if workflow.jobs.isEmpty { lines.append("  none") }
        for job in workflow.jobs {
            lines.append("  \(job.name)  \(job.adaptor)")
            var bodyLines = job.body.split(separator: "\n", omittingEmptySubsequences: false)
            if bodyLines.last == "" { bodyLines.removeLast() }
            for line in bodyLines { lines.append(line.isEmpty ? "    |" : "    | \(line)") }
        }
        lines.append("edges:")
        if workflow.edges.isEmpty { lines.append("  none") }
        for edge in workflow.edges {
            let source = edge.sourceTriggerID.map { name(ofJob: $0) } ?? name(ofJob: edge.sourceJobID)
            var text = "  \(source) → \(name(ofJob: edge.targetJobID))  (\(edge.conditionType.rawValue))"
            if let label = edge.conditionLabel, !label.isEmpty { text += "  \(label)" }
            if !edge.enabled { text += "  (disabled)" }
            lines.append(text)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
