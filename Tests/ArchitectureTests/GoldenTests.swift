import Foundation
import Testing

@testable import WeftTestSupport

/// Golden files are found beside the calling test target, compared with a readable report, and
/// re-recorded on request.
@Suite struct GoldenTests {
    @Test func theGoldenFolderIsAtTheTopOfTheCallingTestTarget() throws {
        let url = try Golden.goldenURL(
            "screen.txt", testFilePath: "/repo/Tests/WeftTUITests/Render/ScreenTests.swift")

        #expect(url.path == "/repo/Tests/WeftTUITests/__Goldens__/screen.txt")
    }

    @Test func aFileOutsideTestsHasNoGoldenFolder() {
        #expect(throws: TestSupportError.self) {
            try Golden.goldenURL("x.txt", testFilePath: "/repo/Sources/YCRDT/Doc.swift")
        }
    }

    @Test func theCommittedGoldenFileOfThisTargetMatches() {
        Golden.assertMatches(
            "The golden file of the golden-file tests.\n", goldenFile: "golden-self-test.txt")
    }

    @Test func aMismatchIsReportedWithItsDiffAndHowToReRecord() throws {
        let url = try Golden.goldenURL("golden-self-test.txt", testFilePath: #filePath)

        let problem = try #require(Golden.problem(comparing: "Something else.\n", withGoldenFileAt: url))

        #expect(problem.contains("- The golden file of the golden-file tests.\n+ Something else."))
        #expect(problem.contains("WEFT_RECORD_GOLDENS=1"))
    }

    @Test func aMissingGoldenFileIsReportedWithHowToRecordIt() throws {
        let url = try Golden.goldenURL("no-such-golden.txt", testFilePath: #filePath)

        let problem = try #require(Golden.problem(comparing: "anything", withGoldenFileAt: url))

        #expect(problem.contains("no golden file at \(url.path)"))
        #expect(problem.contains("WEFT_RECORD_GOLDENS=1"))
    }

    @Test func recordingWritesTheFileThatTheNextComparisonMatches() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weft-golden-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("__Goldens__/recorded.txt")

        try Golden.record("recorded\n", at: url)

        #expect(Golden.problem(comparing: "recorded\n", withGoldenFileAt: url) == nil)
        #expect(Golden.problem(comparing: "changed\n", withGoldenFileAt: url) != nil)
    }
}
