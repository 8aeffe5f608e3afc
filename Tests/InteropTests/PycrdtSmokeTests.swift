import Foundation
import Testing
import WeftTestSupport

/// The project venv (scripts/bootstrap) works from `swift test`, and pycrdt in it writes and reads the
/// exact bytes that the wire-format reference records for a workflow-shaped document
/// (../shared/reference/yjs-wire-format.md §1.6 and §3.3). Later interop tests build on both.
@Suite struct PycrdtSmokeTests {
    /// Client 1: Array `jobs` holding one Map {id: "a", name: "x"}, and Text `body` = "hi" (47 bytes).
    static let referenceUpdateHex =
        "010401000701046a6f627301280001000269640177016128000100046e616d6501770178040104626f647902686900"

    @Test func pycrdtWritesTheReferenceUpdateByteForByte() throws {
        let result = try VenvPython.run(
            script: """
                from pycrdt import Array, Doc, Map, Text
                doc = Doc(client_id=1)
                doc["jobs"] = jobs = Array()
                doc["body"] = body = Text()
                jobs.append(Map({"id": "a", "name": "x"}))  # the map is integrated first, then its keys set
                body += "hi"
                print(doc.get_update().hex())
                """)

        #expect(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        let hex = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(hex == Self.referenceUpdateHex)
    }

    @Test func pycrdtReadsTheReferenceUpdateFromStandardInput() throws {
        let result = try VenvPython.run(
            script: """
                import json, sys
                from pycrdt import Array, Doc, Text
                doc = Doc()
                doc.apply_update(sys.stdin.buffer.read())
                jobs = doc.get("jobs", type=Array).to_py()
                body = str(doc.get("body", type=Text))
                print(json.dumps({"jobs": jobs, "body": body}, sort_keys=True))
                """,
            stdin: try #require(Data(hexString: Self.referenceUpdateHex)))

        #expect(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        #expect(
            String(decoding: result.stdout, as: UTF8.self)
                == #"{"body": "hi", "jobs": [{"id": "a", "name": "x"}]}"# + "\n")
    }

    @Test func loroImportsAndRoundTripsASnapshot() throws {
        let result = try VenvPython.run(
            script: """
                import loro
                doc = loro.LoroDoc()
                doc.get_text("body").insert(0, "hi")
                doc.commit()
                copy = loro.LoroDoc()
                copy.import_(doc.export(loro.ExportMode.Snapshot()))
                print(copy.get_text("body").to_string())
                """)

        #expect(result.status == 0, "loro failed:\n\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "hi\n")
    }
}

extension Data {
    /// The bytes spelled by `hexString` (two hex digits per byte), or nil if it is not hex.
    fileprivate init?(hexString: String) {
        let digits = Array(hexString.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(byte)
        }
        self.init(bytes)
    }
}
