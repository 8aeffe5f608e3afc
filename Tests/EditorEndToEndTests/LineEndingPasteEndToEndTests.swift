import Foundation
import Testing
import WeftClient
import WeftTestSupport

/// Text with Windows line ends pasted through a real terminal (tmux sending the bytes as they are),
/// curses and the editor: each `\r\n` is one line break in the body, not two.
@Suite(.serialized, .enabled(if: TmuxPane.isAvailable, "tmux is not installed"))
struct LineEndingPasteEndToEndTests {
    @Test func aPastedCarriageReturnAndLineFeedAreOneLineBreak() throws {
        let relay = try EditorRelay()
        defer { relay.close() }
        let ann = try TmuxPane(command: try relay.editCommand(as: "ann"))
        defer { ann.close() }
        try ann.openWebhookJobBody()
        try ann.paste("// one\r\n// two\r\n", raw: true)
        try ann.waitFor("Ln 3, Col 1")

        let carol = try relay.teammate("carol")
        defer { carol.close() }
        let body = try #require(carol.workflow.jobs.first { $0.name == "webhook job" }?.body)
        #expect(body.hasPrefix("// one\n// two\nconsole.log('webhook job')"), "\(body)")
    }
}
