import Foundation
import Testing
import WeftClient
import WeftTestSupport

/// Bracketed paste through a real terminal (tmux), curses and the editor: a paste of about 1,000
/// characters lands in a body whole, with its line breaks; in the graph it runs no commands.
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct PasteEndToEndTests {
    @Test func aPasteIsOneInsertionInTheBodyAndNoCommandInTheGraph() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.waitFor("webhook job", "online")
        try ann.send("Down")
        try ann.waitFor("Job: webhook job")

        // In the graph, pasted text is not taken for keys: "d" would ask to delete the job.
        try ann.paste("dd")
        try ann.waitFor("Pasting works in a body")
        #expect(!(try ann.capture()).contains("Delete"), "the paste asked for no delete")

        try ann.send("b")
        try ann.waitFor("Body: webhook job", "Ln 1, Col 1")
        let lines = (1...20).map {
            "// pasted line \(String(format: "%02d", $0)) " + String(repeating: "x", count: 32)
        }
        let text = lines.joined(separator: "\n") + "\n\tindented\n"
        #expect(text.count > 1_000)
        try ann.paste(text)
        try ann.waitFor("Ln 22, Col 1")

        // What the document holds, read by someone else: the paste, line breaks and all, then the body
        // as it was; the tab as the spaces a typed Tab gives.
        let carol = try relay.teammate("carol")
        defer { carol.close() }
        let expected = lines.joined(separator: "\n") + "\n  indented\n"
        let body = try #require(carol.workflow.jobs.first { $0.name == "webhook job" }?.body)
        #expect(body.hasPrefix(expected + "console.log('webhook job')"), "\(body)")
    }
}
