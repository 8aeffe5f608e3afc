import Foundation
import Testing
import WeftClient
import WeftTestSupport

/// The built `weft edit` in tmux against a real relay: what a person sees (reference §3.5). Few and
/// robust: each waits for what the editor draws, never for a fixed time.
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct EditorEndToEndTests {
    @Test func theEditorShowsTheGraphAndTheStatusBar() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { pane.close() }

        let screen = try pane.waitFor("webhook job", "on success", "online")
        #expect(screen.contains("╭─────────╮"), "the trigger's box, in UTF-8")
        #expect(screen.contains("┃∀"), "the always edge, heavy and labelled")
        #expect(screen.statusBar.hasPrefix(" workflow 1 v1"))
        #expect(!screen.statusBar.contains("●"))

        try pane.send("?")
        try pane.waitFor("Keys", "select the node below")
        try pane.send("Escape", "Down")
        try pane.waitFor("the job is selected") { $0.contains("Job: webhook job") && !$0.contains("Keys") }
    }

    @Test func aTeammatesEditAppearsWithTheMarkerAndADeployClearsIt() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { pane.close() }
        try pane.waitFor("webhook job", "online")

        let bob = try relay.teammate("bob")
        defer { bob.close() }
        bob.update { workflow in
            if let index = workflow.jobs.firstIndex(where: { $0.name == "on fail" }) {
                workflow.jobs[index].name = "notify on failure"
            }
        }
        _ = bob.pump(timeout: .milliseconds(200))
        let edited = try pane.waitFor("the rename and the marker") {
            $0.contains("notify on failure") && $0.statusBar.contains("●") && $0.statusBar.contains("with B")
        }
        #expect(edited.contains("✱"), "a badge on what bob changed")

        // A deploy that brings the same change: the document equals the new version, so the marker clears.
        try relay.deploy(
            try EditorRelay.canonicalProject().replacingOccurrences(
                of: "        name: on fail\n", with: "        name: notify on failure\n"))
        let deployed = try pane.waitFor("version 2 without the marker") {
            $0.statusBar.hasPrefix(" workflow 1 v2") && !$0.statusBar.contains("●")
        }
        #expect(deployed.contains("Version 2 from deploy") || deployed.messageLine.contains("deploy"))
    }

    @Test func quittingWithUnsavedChangesAsksOnce() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { pane.close() }
        try pane.waitFor("webhook job", "online")
        let bob = try relay.teammate("bob")
        defer { bob.close() }
        bob.update { workflow in workflow.name = "workflow one" }
        _ = bob.pump(timeout: .milliseconds(200))
        try pane.waitFor("the marker") { $0.statusBar.contains("●") }

        try pane.send("q")
        try pane.waitFor("Quit anyway?")
        try pane.send("n")
        try pane.waitFor("the question gone") { !$0.contains("Quit anyway?") && $0.statusBar.contains("●") }
        try pane.send("q")
        try pane.waitFor("Quit anyway?")
        try pane.send("y")
        try pane.waitFor("EDITOR EXITED 0")
    }

    @Test func withNoColourTheMarkerIsTextual() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"), noColour: true)
        defer { pane.close() }
        try pane.waitFor("webhook job", "online")
        let bob = try relay.teammate("bob")
        defer { bob.close() }
        bob.update { workflow in workflow.name = "workflow one" }
        _ = bob.pump(timeout: .milliseconds(200))

        let screen = try pane.waitFor("the [+] marker") { $0.statusBar.contains("workflow one v1 [+]") }
        #expect(!screen.statusBar.contains("●"))
    }

    @Test func underALocaleThatIsNotUTF8TheScreenIsASCII() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"), locale: "C")
        defer { pane.close() }

        let screen = try pane.waitFor("webhook job", "/---------\\", "#always", "online")
        #expect(!screen.unicodeScalars.contains { $0.value > 0x7F }, "nothing but ASCII on the screen")
    }

    @Test func aResizeRedrawsTheScreenAtTheNewSize() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let pane = try TmuxPane(command: try relay.editCommand(as: "ann"), width: 80, height: 24)
        defer { pane.close() }
        let small = try pane.waitFor("webhook job", "online")
        #expect(small.split(separator: "\n").first?.count == 80)

        try pane.resize(width: 132, height: 40)
        let large = try pane.waitFor("the frame 132 wide") { $0.split(separator: "\n").first?.count == 132 }
        #expect(large.statusBar.hasPrefix(" workflow 1 v1"))
        #expect(large.split(separator: "\n", omittingEmptySubsequences: false).count >= 39)
    }
}
