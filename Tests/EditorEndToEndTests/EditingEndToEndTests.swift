import Foundation
import Testing
import WeftClient
import WeftTestSupport

/// Editing with two real editors on one relay, in tmux: what one types, the other sees; a save
/// clears both markers; undo takes back only your own change.
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct EditingEndToEndTests {
    @Test func aRenameReachesTheOtherEditorAndASaveClearsBothMarkers() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.waitFor("webhook job", "online")
        let bob = try TmuxPane(command: try relay.editCommand(as: "bob"))
        defer { bob.close() }
        try bob.waitFor("bob sees ann") { $0.contains("webhook job") && $0.statusBar.contains("with A") }
        try ann.waitFor("ann sees bob") { $0.statusBar.contains("with B") }

        // Ann renames the job through the inspector's name field.
        try ann.send("Down")
        try ann.waitFor("Job: webhook job")
        try ann.send("r")
        try ann.waitFor("Edit job: webhook job")
        try ann.send("C-u")
        try ann.send("-l", "fetch patients")
        try ann.send("Enter")
        try ann.waitFor("ann's rename and marker") {
            $0.contains("│ fetch patients │") && $0.statusBar.contains("●")
        }
        let seen = try bob.waitFor("bob sees the rename with the marker") {
            $0.contains("fetch patients") && $0.statusBar.contains("●")
        }
        #expect(!seen.contains("webhook job"))

        // Ann saves: a new version, and nothing unsaved on either side.
        try ann.send("C-s")
        try ann.waitFor("ann saved version 2") {
            $0.statusBar.hasPrefix(" workflow 1 v2") && !$0.statusBar.contains("●")
        }
        try bob.waitFor("bob on version 2 without the marker") {
            $0.statusBar.hasPrefix(" workflow 1 v2") && !$0.statusBar.contains("●")
        }

        // Who is here: bob, with what he has selected (the first node, the trigger).
        try ann.send("w")
        let who = try ann.waitFor("Who is here")
        #expect(who.contains("bob") && who.contains("trigger “webhook”"))
        try ann.send("Escape")
        try ann.waitFor("the list closed") { !$0.contains("Who is here") }
    }

    @Test func undoTakesBackOnlyYourOwnChange() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.waitFor("webhook job", "online")

        try ann.send("Down", "r", "C-u")
        try ann.send("-l", "fetch patients")
        try ann.send("Enter")
        try ann.waitFor("│ fetch patients │")

        // Someone else renames another job after ann's change.
        let carol = try relay.teammate("carol")
        defer { carol.close() }
        carol.update { workflow in
            if let index = workflow.jobs.firstIndex(where: { $0.name == "on fail" }) {
                workflow.jobs[index].name = "notify"
            }
        }
        _ = carol.pump(timeout: .milliseconds(200))
        try ann.waitFor("│ notify │")

        try ann.send("u")
        let undone = try ann.waitFor("ann's rename undone") { $0.contains("│ webhook job │") }
        #expect(undone.contains("│ notify │"), "carol's rename stays")
        let expected = ["notify", "on success", "webhook job"]
        let deadline = ContinuousClock.now + .seconds(10)
        while carol.workflow.jobs.map(\.name).sorted() != expected, ContinuousClock.now < deadline {
            _ = carol.pump(timeout: .milliseconds(100))
        }
        #expect(
            carol.workflow.jobs.map(\.name).sorted() == expected, "the relay has the undo, and carol's rename"
        )

        try ann.send("C-r")
        try ann.waitFor("redone") { $0.contains("│ fetch patients │") && $0.contains("│ notify │") }
    }

    @Test func aJobAddedAndDeletedFromTheGraphReachesTheRelay() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.waitFor("webhook job", "online")

        // A job below the selected one, named as it is added.
        try ann.send("Down", "a")
        try ann.waitFor("Edit job: New job")
        try ann.send("C-u")
        try ann.send("-l", "archive")
        try ann.send("Enter")
        try ann.waitFor("│ archive │")

        // Deleting it asks once.
        try ann.send("d")
        try ann.waitFor("Delete job “archive” and its edge?")
        try ann.send("y")
        try ann.waitFor("the job gone") { !$0.contains("│ archive │") && $0.contains("Deleted job") }
        let teammate = try relay.teammate("dee")
        defer { teammate.close() }
        #expect(teammate.workflow.jobs.count == 3)
        #expect(teammate.workflow.edges.count == 3)
    }
}
