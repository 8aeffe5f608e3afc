import ArgumentParser
import Foundation
import WeftProtocol
import YCRDT

struct Drafts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and bring back unsaved edits a reset-mode relay discarded.",
        discussion: """
            A relay started with `--external-update reset` throws away the unsaved edits of an open \
            workflow when a new version arrives (a deploy, a restore, a merge), as Lightning does. It \
            keeps them as a draft first: which workflow, the version the edits were made on, the \
            version that displaced them, who had been editing, and when.

            `weft drafts` lists them. `weft drafts restore ID` brings one back as unsaved edits: its \
            changes are merged into the workflow as it is now (where both changed the same thing, the \
            current content stays and the clash is reported), open editors see them arrive and their \
            unsaved-changes marker comes on. Nothing is saved as a version; save in the editor to keep \
            them. A draft is restored once.

            Example:
              weft drafts
              weft drafts restore 3
            """,
        subcommands: [ListDrafts.self, RestoreDraft.self], defaultSubcommand: ListDrafts.self)

    struct ListDrafts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the kept drafts, newest last.")

        @Flag(name: .long, help: "Print JSON instead of a table.")
        var json = false

        @OptionGroup var options: HistoryStoreOptions

        func run() async throws {
            let reply = try await HistoryRequest.perform(
                .drafts, command: "drafts", options: options, writes: false)
            guard case .draftsReply(let drafts) = reply else {
                try HistoryRequest.fail(reply, command: "drafts")
            }
            if json {
                print(JSON.stringify(.array(drafts)))
                return
            }
            if drafts.isEmpty {
                print("no drafts: no unsaved edits were discarded", terminator: "")
                print(" (only a relay run with --external-update reset discards them)")
                return
            }
            for draft in drafts {
                let entry = draft.objectValue ?? YObject()
                func text(_ key: String) -> String { entry[key]?.stringValue ?? "?" }
                func number(_ key: String) -> Int64 { entry[key]?.integerValue ?? 0 }
                let people = (entry["people"]?.arrayValue ?? []).compactMap(\.stringValue)
                var status = "waiting"
                if entry["restored_at"] != nil {
                    status = "restored \(HistoryFormat.time(entry["restored_at"]))"
                    if let by = entry["restored_by"]?.stringValue { status += " by \(by)" }
                }
                let columns = [
                    "#\(number("id"))", "\(text("project"))/\(text("workflow_name"))",
                    "edits on v\(number("based_on")), displaced by v\(number("displaced_by"))",
                    HistoryFormat.time(entry["created_at"]),
                    people.isEmpty ? "editors unknown" : people.joined(separator: ", "), "[\(status)]",
                ]
                print(columns.joined(separator: "  "))
                for change in (entry["changes"]?.arrayValue ?? []).compactMap(\.stringValue) {
                    print("    \(change)")
                }
            }
        }
    }

    struct RestoreDraft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore", abstract: "Bring a draft's edits back into its workflow, unsaved.")

        @Argument(help: "The draft's number, as `weft drafts` lists it.")
        var id: Int

        @OptionGroup var options: HistoryStoreOptions

        func run() async throws {
            let reply = try await HistoryRequest.perform(
                .restoreDraft(id: id), command: "drafts restore", options: options, writes: true)
            guard case .draftRestored(_, let identity, _, let conflicts) = reply else {
                try HistoryRequest.fail(reply, command: "drafts restore")
            }
            let name = identity.objectValue?["name"]?.stringValue ?? "the workflow"
            print("draft \(id) is back in \(name) as unsaved edits; save in the editor to keep them")
            if !conflicts.isEmpty {
                print("  \(conflicts.count) of its edits clashed with the current content, which was kept:")
                for conflict in conflicts {
                    print("    \(conflict.objectValue?["message"]?.stringValue ?? JSON.stringify(conflict))")
                }
            }
        }
    }
}
