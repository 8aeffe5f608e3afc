import Foundation
import Testing
import WeftTestSupport

/// `weft doc inspect`, from the built binary: a Yjs update printed as JSON keyed by root name.
@Suite struct DocInspectTests {
    /// The reference's §1.6 example: jobs = [{id: a, name: x}], body = "hi", all by client 1.
    static let wireExample =
        "010401000701046a6f627301280001000269640177016128000100046e616d6501770178040104626f647902686900"
    /// The same document after deleting 'h', as Yjs writes it in update v2 (reference §3.3).
    static let wireExampleV2 =
        "000002410203010006000707002801010084150f6a6f627369646e616d65626f647969040244000105010000010101010241010105007701617701780101010300"

    static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return data
    }

    /// Writes `data` to a new temporary file and returns its path.
    static func temporaryFile(_ data: Data, name: String = "update.bin") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weft-doc-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// Runs `weft doc inspect` and parses what it printed as a JSON object.
    static func inspect(_ arguments: [String], standardInput: Data = Data()) throws -> [String: Any] {
        let result = try WeftExecutable.run(["doc", "inspect"] + arguments, standardInput: standardInput)
        #expect(result.status == 0, "weft doc inspect failed:\n\(result.standardErrorText)")
        let object = try JSONSerialization.jsonObject(with: result.standardOutput)
        return try #require(object as? [String: Any], "not a JSON object:\n\(result.standardOutputText)")
    }

    @Test func theB4DocumentPrintsItsEndContent() throws {
        let trace = try JSONSerialization.jsonObject(with: try Fixtures.gunzippedData("yjs/b4-ops.json.gz"))
        let endContent = try #require((trace as? [String: Any])?["endContent"] as? String)
        let file = try Fixtures.url("yjs/b4-yjs-v1.bin")

        let output = try Self.inspect([file.path, "--root", "text:text"])

        #expect(Array(output.keys) == ["text"])
        #expect(output["text"] as? String == endContent)
    }

    @Test func theB4DocumentInV2PrintsTheSameContent() throws {
        let v1 = try Self.inspect([try Fixtures.url("yjs/b4-yjs-v1.bin").path, "--root", "text:text"])
        let v2 = try Self.inspect([try Fixtures.url("yjs/b4-yjs-v2.bin").path, "--v2", "--root", "text:text"])

        #expect(v2["text"] as? String == v1["text"] as? String)
    }

    @Test func rootsNotNamedAreShownWithAGuessedType() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExample))

        let output = try Self.inspect([file.path])

        #expect(Set(output.keys) == ["jobs", "body"])
        #expect(output["body"] as? String == "hi")
        let jobs = try #require(output["jobs"] as? [[String: Any]])
        #expect(jobs.count == 1)
        #expect(jobs.first?["id"] as? String == "a")
        #expect(jobs.first?["name"] as? String == "x")
    }

    @Test func namedRootsAreReadAsTheirKind() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExample))

        let output = try Self.inspect([file.path, "--root", "body:text", "--root", "jobs:array", "--root", "positions:map"])

        #expect(output["body"] as? String == "hi")
        #expect((output["jobs"] as? [Any])?.count == 1)
        // A named root the document lacks shows as the empty value of its kind.
        #expect((output["positions"] as? [String: Any])?.isEmpty == true)
    }

    @Test func structsListsClientsClockRangesAndContentKinds() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExample))

        let output = try Self.inspect([file.path, "--structs"])

        #expect(output["body"] as? String == "hi")
        let section = try #require(output["structs"] as? [String: Any])
        let clients = try #require(section["clients"] as? [[String: Any]])
        #expect(clients.count == 1)
        #expect(clients.first?["client"] as? Int == 1)
        #expect(clients.first?["firstClock"] as? Int == 0)
        #expect(clients.first?["lastClock"] as? Int == 4)
        #expect(clients.first?["structs"] as? Int == 4)

        let structs = try #require(section["structs"] as? [[String: Any]])
        #expect(structs.map { $0["clock"] as? Int } == [0, 1, 2, 3])
        #expect(structs.map { $0["length"] as? Int } == [1, 1, 1, 2])
        #expect(structs.map { $0["content"] as? String } == ["type(map)", "any", "any", "string"])
        #expect(structs.map { $0["parentSub"] as? String } == [nil, "id", "name", nil])
        #expect((structs[0]["parent"] as? [String: Any])?["root"] as? String == "jobs")
        #expect((structs[1]["parent"] as? [String: Any])?["item"] as? String == "1:0")
        #expect((structs[3]["parent"] as? [String: Any])?["root"] as? String == "body")
        #expect((section["deleteSet"] as? [Any])?.isEmpty == true)
    }

    @Test func structsOfAnUpdateV2ShowTheDeletedCharacter() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExampleV2))

        let output = try Self.inspect([file.path, "--v2", "--structs"])

        #expect(output["body"] as? String == "i")
        let section = try #require(output["structs"] as? [String: Any])
        let structs = try #require(section["structs"] as? [[String: Any]])
        #expect(structs.map { $0["content"] as? String } == ["type(map)", "any", "any", "deleted", "string"])
        #expect(structs.last?["origin"] as? String == "1:3")
        let deletes = try #require(section["deleteSet"] as? [[String: Any]])
        #expect(deletes.first?["client"] as? Int == 1)
        let ranges = try #require(deletes.first?["ranges"] as? [[String: Int]])
        #expect(ranges == [["clock": 3, "length": 1]])
    }

    @Test func aDashReadsStandardInput() throws {
        let output = try Self.inspect(["-"], standardInput: Self.bytes(hex: Self.wireExample))

        #expect(output["body"] as? String == "hi")
    }

    @Test func garbageFailsWithExitStatus1AndOneLineNamingTheFile() throws {
        let file = try Self.temporaryFile(Data("this is not a Yjs update, just some text\n".utf8), name: "garbage.bin")

        let result = try WeftExecutable.run(["doc", "inspect", file.path])

        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let message = result.standardErrorText
        #expect(message.contains(file.path))
        #expect(message.contains("not a valid Yjs update"))
        #expect(message.split(separator: "\n").count == 1)
    }

    @Test func aTruncatedUpdateFails() throws {
        let whole = Self.bytes(hex: Self.wireExample)
        let file = try Self.temporaryFile(whole.prefix(20))

        let result = try WeftExecutable.run(["doc", "inspect", file.path])

        #expect(result.status == 1)
        #expect(result.standardErrorText.contains("is not a valid Yjs update v1: "))
        #expect(result.standardErrorText.contains(" at byte "))
    }

    @Test func theWrongFormatGetsAHint() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExampleV2))

        let result = try WeftExecutable.run(["doc", "inspect", file.path])

        #expect(result.status == 1)
        #expect(result.standardErrorText.contains("pass --v2"))
    }

    @Test func aMissingFileFailsClearly() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("weft-no-such-\(UUID().uuidString).bin")

        let result = try WeftExecutable.run(["doc", "inspect", missing.path])

        #expect(result.status == 1)
        #expect(result.standardErrorText.contains("cannot read \(missing.path): no such file"))
    }

    @Test func aBadRootOptionIsAUsageError() throws {
        let file = try Self.temporaryFile(Self.bytes(hex: Self.wireExample))

        let result = try WeftExecutable.run(["doc", "inspect", file.path, "--root", "jobs:list"])

        #expect(result.status == 64)
        #expect(result.standardErrorText.contains("map, array or text"))
    }

    @Test func helpExplainsTheOptionsWithAnExample() throws {
        let result = try WeftExecutable.run(["doc", "inspect", "--help"])

        #expect(result.status == 0)
        let help = result.standardOutputText
        for needle in ["--root", "--v2", "--structs", "base64", "Examples:", "weft doc inspect"] {
            #expect(help.contains(needle), "help lacks \(needle)")
        }
    }
}
