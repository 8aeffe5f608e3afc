import Foundation
import Testing
import WeftTestSupport

/// The fixtures copied from ../shared/data arrive whole in the test bundle, and they agree with each
/// other when read by an independent Yjs implementation (pycrdt), so a later failure against them is
/// Weft's and not the data's.
@Suite struct FixtureTests {
    @Test(arguments: [
        ("yjs/small-test-dataset.bin", 1_655_342),
        ("yjs/b4-yjs-v1.bin", 223_414),
        ("yjs/b4-yjs-v2.bin", 159_921),
        ("yjs/b4-ops.json.gz", 740_566),
        ("yjs/b4-updates-v1.stream.gz", 1_154_104),
        ("openfn/lightning-canonical_project.yaml", 2_251),
        ("openfn/kit-deploy-lightningProjectPayload.json", 4_167),
        ("openfn/kit-deploy-fullExampleSpec.json", 1_175),
        ("openfn/kit-deploy-fullExampleState.json", 1_697),
    ])
    func fixtureIsPresentWithItsRecordedSize(path: String, byteCount: Int) throws {
        #expect(try Fixtures.data(path).count == byteCount)
    }

    @Test func gunzipGivesTheRecordedSizeOfTheUpdateStream() throws {
        #expect(try Fixtures.gunzippedData("yjs/b4-updates-v1.stream.gz").count == 4_088_579)
    }

    @Test func aMissingFixtureIsAnErrorThatNamesIt() {
        let error = #expect(throws: TestSupportError.self) { try Fixtures.data("yjs/no-such-file.bin") }
        #expect(error?.description.contains("yjs/no-such-file.bin") == true)
    }

    @Test func pycrdtReadsTheB4DocumentAsTheTracesEndContent() throws {
        let result = try VenvPython.run(
            script: """
                import json, sys
                from pycrdt import Doc, Text
                doc = Doc()
                with open(sys.argv[1], "rb") as update:
                    doc.apply_update(update.read())
                trace = json.load(sys.stdin)
                print(len(trace["ops"]), str(doc.get("text", type=Text)) == trace["endContent"])
                """,
            stdin: try Fixtures.gunzippedData("yjs/b4-ops.json.gz"),
            arguments: [try Fixtures.url("yjs/b4-yjs-v1.bin").path])

        #expect(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "259778 True\n")
    }
}
