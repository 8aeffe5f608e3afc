import Foundation
import Testing
import WeftClient
import WeftTestSupport

/// Two real `weft edit`s in tmux on one relay typing in the same job body at once (issue #7).
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct BodyEditorEndToEndTests {
    @Test func twoEditorsTypeInOneBodyAndEndEqual() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        let bob = try TmuxPane(command: try relay.editCommand(as: "bob"))
        defer { bob.close() }
        for pane in [ann, bob] {
            try pane.waitFor("webhook job", "online")
            try pane.send("Down")
            try pane.waitFor("Job: webhook job")
            try pane.send("b")
            try pane.waitFor("Body: webhook job", "Ln 1, Col 1", "│console.log('webhook job')")
        }

        // Ann goes to the end of the first line; bob sees her cursor there (her initial by line 1).
        try ann.send("End")
        try ann.waitFor("Ln 1, Col 27")
        try bob.waitFor("  1 A │console.log")

        // They type at once: bob a line above ann's cursor, ann at the end of her line.
        let annKeys = Array(" // ann").map(String.init)
        let bobKeys = Array("// bob").map(String.init) + ["Enter"]
        for index in 0..<max(annKeys.count, bobKeys.count) {
            if index < annKeys.count { try ann.send("-l", annKeys[index]) }
            if index < bobKeys.count {
                if bobKeys[index] == "Enter" {
                    try bob.send("Enter")
                } else {
                    try bob.send("-l", bobKeys[index])
                }
            }
        }
        let expected = ["│// bob", "│console.log('webhook job') // ann", "│fn(state => state)"]
        let annScreen = try ann.waitFor(expected.joined(separator: " and ")) { screen in
            expected.allSatisfy(screen.contains)
        }
        try bob.waitFor(expected.joined(separator: " and ") + " for bob") { screen in
            expected.allSatisfy(screen.contains)
        }
        #expect(annScreen.contains("Ln 2, Col 34"), "ann's cursor stayed after her text, now on line 2")
        try bob.waitFor("Ln 2, Col 1")

        // Shift-arrows select and Ctrl-Left moves by words through tmux and curses.
        try ann.send("S-Left", "S-Left", "S-Left")
        try ann.waitFor("Ln 2, Col 31, 3 selected")
        try ann.send("-l", "ANN")
        try ann.send("C-Left")
        try ann.waitFor("│console.log('webhook job') // ANN", "Ln 2, Col 31")
        try bob.waitFor("│console.log('webhook job') // ANN")
        // Alt-f and Alt-b (Esc and a letter) move by words, Ctrl-Space sets the mark.
        try ann.send("M-f")
        try ann.waitFor("Ln 2, Col 34")
        try ann.send("M-b")
        try ann.waitFor("Ln 2, Col 31")
        try ann.send("C-Space", "Right", "Right")
        try ann.waitFor("Ln 2, Col 33, 2 selected, mark set")
        try ann.send("Escape")
        try ann.waitFor("the mark dropped") { $0.contains("Ln 2, Col 33 ─") }
        try ann.send("Left", "Left")
        try ann.waitFor("Ln 2, Col 31")

        // A third person reads the document: what both show, and ann's cursor on the A of ANN.
        let carol = try relay.teammate("carol")
        defer { carol.close() }
        let body = "// bob\nconsole.log('webhook job') // ANN\nfn(state => state)\n"
        let jobID = try #require(carol.workflow.jobs.first { $0.name == "webhook job" }?.id)
        #expect(carol.workflow.job(jobID)?.body == body)
        let deadline = ContinuousClock.now + .seconds(10)
        var annCursor: Int?
        while annCursor != 37, ContinuousClock.now < deadline {
            _ = carol.pump(timeout: .milliseconds(50))
            annCursor = carol.collaborators.first { $0.name == "ann" }?.bodyCursor.flatMap {
                carol.utf16Offset(of: $0)
            }
        }
        #expect(annCursor == 37, "ann's cursor, as the others see it, is before the A of ANN")

        try ann.send("C-s")
        try ann.waitFor("Saved version 2")
        try ann.send("Escape")
        try ann.waitFor("back to the graph") {
            $0.contains("╭─────────╮") && !$0.contains("Body: webhook job")
        }
    }
}

/// A deploy that changes one job while someone has unsaved typing in another job's body (issue #7's
/// last end-to-end case): the typing stays on screen and in the document, the deploy's change
/// arrives beside it, and the marker stays on because the typing is still unsaved.
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct DeployDuringBodyEditingEndToEndTests {
    @Test func aDeployKeepsUnsavedBodyTypingInAnotherJob() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.openWebhookJobBody()
        try ann.send("End")
        try ann.send("-l", " // ann, unsaved")
        try ann.waitFor("│console.log('webhook job') // ann, unsaved")

        // The deploy changes only the body of "on success".
        let yaml = try EditorRelay.canonicalProject()
        let changed = yaml.replacingOccurrences(of: "console.log('hello!');", with: "console.log('deployed');")
        #expect(changed != yaml, "the fixture's on success body changed")
        try relay.deploy(changed)

        let after = try ann.waitFor("the deploy arrived with the typing kept") { screen in
            screen.contains("deploy") && screen.contains("│console.log('webhook job') // ann, unsaved")
        }
        #expect(after.contains("Ln 1, Col 43"), "ann's cursor is still after her text")

        // What the document holds, read by someone else: both changes, and ann's still unsaved.
        let carol = try relay.teammate("carol")
        defer { carol.close() }
        let webhook = try #require(carol.workflow.jobs.first { $0.name == "webhook job" })
        let onSuccess = try #require(carol.workflow.jobs.first { $0.name == "on success" })
        #expect(webhook.body.hasPrefix("console.log('webhook job') // ann, unsaved"))
        #expect(onSuccess.body.contains("console.log('deployed');"))
        #expect(carol.lockVersion == 2, "the deploy made version 2")
        #expect(carol.isDirty, "ann's typing is unsaved against version 2")

        // And it can be saved on top of the deploy.
        try ann.send("C-s")
        try ann.waitFor("Saved version 3")
    }
}
