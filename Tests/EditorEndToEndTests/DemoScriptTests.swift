import Foundation
import Testing
import WeftTestSupport

/// `weft demo --script`: what scripts/demo runs when there is no terminal (CI), so it must finish on
/// its own and tell the whole story.
@Suite struct DemoScriptTests {
    @Test func theHeadlessDemoPlaysEveryStepAndCleansUp() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        let result = try ChildProcess.run(
            try WeftExecutable.url(), arguments: ["demo", "--script"], environment: environment, timeout: 120)
        let output = result.standardOutputText

        #expect(result.status == 0, "\(result.standardErrorText)\n\(output)")
        for expected in [
            "ada joined.", "ada changed “notify on failure”.", "Version 2 from ada",
            "Version 3 from deploy", "│ audit │", "== the editor at the end",
        ] {
            #expect(output.contains(expected), "the transcript says \(expected)")
        }
        // The marker shows while ada's rename is unsaved, and not at the end.
        #expect(output.contains("workflow 1 v1 ●"))
        let end = try #require(output.range(of: "== the editor at the end")).upperBound
        #expect(!String(output[end...]).contains("●"))
        // The private relay's folder is gone.
        let folder = try #require(output.split(separator: "\n").first?.split(separator: " ").first { $0.hasPrefix("/tmp/weft-demo-") })
        let path = String(folder.split(separator: "/").prefix(2).joined(separator: "/"))
        #expect(!FileManager.default.fileExists(atPath: "/" + path), "\(path) is removed")
    }
}
