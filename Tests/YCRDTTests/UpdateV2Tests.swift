import Foundation
import Testing
import WeftTestSupport
@testable import YCRDT

/// Update v2: Yjs's column format, read (and written) byte for byte as Yjs 13.6 does.
@Suite struct UpdateV2Tests {
    /// §3.3 of the reference: Yjs's `encodeStateAsUpdateV2` of the §1.6 document after 'h' was deleted
    /// (jobs = [{id: a, name: x}], body = "i"; the deleted 'h' is kept as ContentDeleted).
    static let wireExampleV2 =
        "000002410203010006000707002801010084150f6a6f627369646e616d65626f647969040244000105010000010101010241010105007701617701780101010300"
    /// §3.4: the same document in v1.
    static let wireExampleV1 =
        "010501000701046a6f627301280001000269640177016128000100046e616d6501770178010104626f64790184010301690101010301"

    static func endContent() throws -> String {
        let data = try Fixtures.gunzippedData("yjs/b4-ops.json.gz")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["endContent"] as? String)
    }

    // MARK: Decoding

    @Test func decodingYjsV2OfTheB4DocumentGivesTheEndContentAndTheV1Bytes() throws {
        let v2 = [UInt8](try Fixtures.data("yjs/b4-yjs-v2.bin"))
        let v1 = [UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin"))
        let doc = Doc(clientID: 7)
        try doc.applyUpdateV2(v2)
        #expect(doc.text("text").string == (try Self.endContent()))
        let encoded = doc.encodeStateAsUpdate()
        #expect(encoded.count == v1.count)
        #expect(encoded == v1)
    }

    @Test func decodingTheWireExampleV2ReadsTheDocument() throws {
        let doc = Doc(clientID: 99)
        try doc.applyUpdateV2(bytes(hex: Self.wireExampleV2))
        #expect(doc.array("jobs").json == [["id": "a", "name": "x"]])
        #expect(doc.text("body").string == "i")
        #expect(hex(doc.encodeStateAsUpdate()) == Self.wireExampleV1)
    }

    @Test func theWireExampleV2HoldsTheSameStructsAsItsV1() throws {
        let fromV2 = try UpdateV2Decoder.decode(bytes(hex: Self.wireExampleV2))
        #expect(hex(fromV2.encodedV1()) == Self.wireExampleV1)
        #expect(hex(try Updates.convertV2ToV1(bytes(hex: Self.wireExampleV2))) == Self.wireExampleV1)
    }

    // MARK: Encoding

    @Test func encodingTheB4DocumentInV2GivesYjsBytes() throws {
        let v2 = [UInt8](try Fixtures.data("yjs/b4-yjs-v2.bin"))
        let fromV1 = Doc(clientID: 7)
        try fromV1.applyUpdate([UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin")))
        let encoded = fromV1.encodeStateAsUpdateV2()
        #expect(encoded.count == v2.count)
        #expect(encoded == v2)

        let fromV2 = Doc(clientID: 8)
        try fromV2.applyUpdateV2(v2)
        #expect(fromV2.encodeStateAsUpdateV2() == v2)
    }

    @Test func encodingTheWireExampleInV2GivesYjsBytes() throws {
        let doc = Doc(clientID: 1)
        try doc.array("jobs").insert([.map(["id": "a", "name": "x"])], at: 0)
        try doc.text("body").insert("hi", atUTF16: 0)
        try doc.text("body").delete(atUTF16: 0, count: 1)
        #expect(hex(doc.encodeStateAsUpdateV2()) == Self.wireExampleV2)
        #expect(hex(try Updates.convertV1ToV2(bytes(hex: Self.wireExampleV1))) == Self.wireExampleV2)
    }

    @Test func everyContentKindSurvivesARoundTripThroughV2() throws {
        let doc = Doc(clientID: 42)
        doc.transact { transaction in
            let map = doc.map("m")
            map.set("n", 5, in: transaction)
            map.set("f", 0.5, in: transaction)
            map.set("big", .value(.double(1e300)), in: transaction)
            map.set("s", "ünïcödé 😀", in: transaction)
            map.set("b", .binary([0, 1, 255]), in: transaction)
            map.set("nested", .map(["t": .text("inner"), "a": .array([1, "two", nil, true])]), in: transaction)
            map.set("o", .value(["k": [1, 2], "z": .null]), in: transaction)
        }
        try doc.text("t").insert("bold", atUTF16: 0, attributes: ["bold": true])
        try doc.text("t").insertEmbed(["image": "x.png"], atUTF16: 2)
        try doc.text("t").insert("a😀b", atUTF16: 0)
        try doc.text("t").delete(atUTF16: 1, count: 1)
        try doc.map("m").remove("f")

        let v2 = doc.encodeStateAsUpdateV2()
        let copy = Doc(clientID: 43)
        try copy.applyUpdateV2(v2)
        #expect(copy.encodeStateAsUpdate() == doc.encodeStateAsUpdate())
        #expect(copy.encodeStateAsUpdateV2() == v2)
        #expect(copy.map("m").json == doc.map("m").json)
        #expect(copy.text("t").delta == doc.text("t").delta)
        #expect(try Updates.convertV2ToV1(v2) == doc.encodeStateAsUpdate())
        #expect(try Updates.convertV1ToV2(doc.encodeStateAsUpdate()) == v2)
    }

    @Test func theUpdateSinceAStateVectorMatchesInBothFormats() throws {
        let doc = Doc(clientID: 1)
        try doc.text("t").insert("hello", atUTF16: 0)
        let vector = doc.stateVector
        try doc.text("t").insert(" world", atUTF16: 5)
        let v1 = doc.encodeStateAsUpdate(since: vector)
        let v2 = doc.encodeStateAsUpdateV2(since: vector)
        #expect(try Updates.convertV2ToV1(v2) == v1)
        let peer = Doc(clientID: 2)
        try peer.applyUpdate(doc.encodeStateAsUpdate(since: StateVector()))
        try peer.applyUpdateV2(v2)
        #expect(peer.text("t").string == "hello world")
    }

    // MARK: Column codecs

    @Test func columnCodecsRoundTrip() throws {
        let values: [Int] = [0, 0, 0, 1, 2, 3, 7, 7, 2, 0, 1 << 40, 5, 5, 5, 5]
        var uints = UintOptRleColumnEncoder()
        var diffs = IntDiffOptRleColumnEncoder()
        var runs = RleByteColumnEncoder()
        for value in values {
            uints.write(value)
            diffs.write(value)
            runs.write(UInt8(truncatingIfNeeded: value))
        }
        var uintReader = UintOptRleColumnDecoder(uints.finish())
        var diffReader = IntDiffOptRleColumnDecoder(diffs.finish())
        var runReader = RleByteColumnDecoder(runs.bytes)
        for value in values {
            #expect(try uintReader.readInt() == value)
            #expect(try diffReader.readClock("test") == value)
            #expect(try runReader.read() == UInt8(truncatingIfNeeded: value))
        }
        // The last byte run repeats forever; the others end.
        #expect(try runReader.read() == 5)
        #expect(throws: DecodingError.self) { try uintReader.read() }
        #expect(throws: DecodingError.self) { try diffReader.read() }
    }

    @Test func theStringColumnSlicesInUTF16Units() throws {
        var encoder = StringColumnEncoder()
        for string in ["a😀b", "", "é", "jobs"] { encoder.write(string) }
        var decoder = try StringColumnDecoder(encoder.finish())
        #expect(try decoder.read() == "a😀b")
        #expect(try decoder.read() == "")
        #expect(try decoder.read() == "é")
        #expect(try decoder.read() == "jobs")
        #expect(throws: DecodingError.self) { try decoder.read() }
    }

    // MARK: Hostile input

    @Test func everyTruncationOfTheWireExampleThrows() throws {
        let whole = bytes(hex: Self.wireExampleV2)
        for length in 0..<whole.count {
            #expect(throws: DecodingError.self, "prefix of \(length) bytes") {
                try UpdateV2Decoder.decode(Array(whole[..<length]))
            }
        }
    }

    @Test func truncatingTheB4DocumentThrows() throws {
        let v2 = [UInt8](try Fixtures.data("yjs/b4-yjs-v2.bin"))
        for length in [1, 2, 10, 100, 1000, v2.count / 2, v2.count - 10, v2.count - 1] {
            #expect(throws: DecodingError.self, "prefix of \(length) bytes") {
                try UpdateV2Decoder.decode(Array(v2[..<length]))
            }
        }
    }

    @Test func mutatedUpdatesThrowOrDecodeButNeverTrap() throws {
        let whole = bytes(hex: Self.wireExampleV2)
        var generator = MutationRandom(seed: 2024)
        // Every single-byte change to every value, then random multi-byte damage.
        for index in whole.indices {
            for value in [0x00, 0x01, 0x40, 0x7F, 0x80, 0xC1, 0xFF] as [UInt8] {
                var mutated = whole
                mutated[index] = value
                Self.decodeAndApply(mutated)
            }
        }
        let b4 = [UInt8](try Fixtures.data("yjs/b4-yjs-v2.bin"))
        for _ in 0..<300 {
            var mutated = generator.next() % 2 == 0 ? whole : Array(b4.prefix(4096))
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                mutated[Int(generator.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            Self.decodeAndApply(mutated)
        }
        for _ in 0..<300 {
            let length = Int(generator.next() % 64)
            Self.decodeAndApply((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
    }

    /// Decodes; what decodes must also apply to a fresh document without trapping.
    static func decodeAndApply(_ update: [UInt8]) {
        guard (try? UpdateV2Decoder.decode(update)) != nil else { return }
        let doc = Doc(clientID: 1)
        try? doc.applyUpdateV2(update)
        _ = doc.encodeStateAsUpdate()
    }

    @Test func hostileCountsAreRefusedBeforeAnythingIsAllocated() throws {
        // Feature flag, nine columns: an info column with one GC info repeating forever, a length
        // column with length 1 repeating; the rest claims one client with 2^50 structs.
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(0)
        let empty: [UInt8] = []
        var lengths = UintOptRleColumnEncoder()
        lengths.write(1)
        let columns: [[UInt8]] = [empty, [1], empty, empty, [0], [0], empty, empty, lengths.finish()]
        for column in columns { encoder.writeVarBytes(column) }
        encoder.writeVarUInt(1)
        encoder.writeVarUInt(UInt64(1) << 50)
        encoder.writeVarUInt(0)
        #expect(throws: DecodingError.self) { try UpdateV2Decoder.decode(encoder.bytes) }

        // Any content claiming 2^40 values with a handful of rest bytes.
        var any = Lib0Encoder()
        any.writeVarUInt(0)
        var hugeLength = UintOptRleColumnEncoder()
        hugeLength.write(1 << 40)
        var rootName = StringColumnEncoder()
        rootName.write("r")
        let anyColumns: [[UInt8]] = [empty, [1], empty, empty, [8], rootName.finish(), [1], empty, hugeLength.finish()]
        for column in anyColumns { any.writeVarBytes(column) }
        any.writeVarUInt(1)
        any.writeVarUInt(1)
        any.writeVarUInt(0)
        any.writeRawBytes([0x7D, 0x01, 0x00])
        #expect(throws: DecodingError.self) { try UpdateV2Decoder.decode(any.bytes) }
    }

    @Test func aV1UpdateIsNotMistakenForV2() throws {
        #expect(throws: DecodingError.self) { try UpdateV2Decoder.decode(bytes(hex: Self.wireExampleV1)) }
    }
}

/// A small deterministic generator (SplitMix64) for the mutation tests.
private struct MutationRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `Updates.inspect` and `Doc.contentJSON`: what `weft doc inspect` prints.
@Suite struct UpdateInspectionTests {
    @Test func theWireExampleListsItsStructs() throws {
        let summary = try Updates.inspect(bytes(hex: WireExampleTests().fullUpdate))
        #expect(summary.clients.map(\.client) == [1])
        #expect(summary.clients.first?.firstClock == 0)
        #expect(summary.clients.first?.lastClock == 4)
        #expect(summary.clients.first?.structCount == 4)
        #expect(summary.clients.first?.kindCounts == ["type(map)": 1, "any": 2, "string": 1])
        #expect(summary.structs.map(\.clock) == [0, 1, 2, 3])
        #expect(summary.structs.map(\.length) == [1, 1, 1, 2])
        #expect(summary.structs.map(\.kind) == [.item, .item, .item, .item])
        #expect(summary.structs.map(\.contentKind) == ["type(map)", "any", "any", "string"])
        #expect(summary.structs.map(\.parent) == [
            .root("jobs"), .item(ID(client: 1, clock: 0)), .item(ID(client: 1, clock: 0)), .root("body"),
        ])
        #expect(summary.structs.map(\.parentSub) == [nil, "id", "name", nil])
        #expect(summary.structs.map(\.preview) == [nil, "\"a\"", "\"x\"", "hi"])
        #expect(summary.deletes.isEmpty)
    }

    @Test func anItemAfterAnOriginTakesItsNeighboursParent() throws {
        let summary = try Updates.inspect(bytes(hex: UpdateV2Tests.wireExampleV2), v2: true)
        #expect(summary.structs.map(\.contentKind) == ["type(map)", "any", "any", "deleted", "string"])
        let last = try #require(summary.structs.last)
        #expect(last.origin == ID(client: 1, clock: 3))
        #expect(last.parent == .root("body"))
        #expect(summary.deletes == [.init(client: 1, ranges: [DeleteRange(clock: 3, length: 1)])])
    }

    @Test func aParentOutsideTheUpdateIsUnknown() throws {
        // The '!' update of the reference (§3.3): an item whose origin is in an earlier update.
        let summary = try Updates.inspect(bytes(hex: "01010105840104012100"))
        #expect(summary.structs.count == 1)
        #expect(summary.structs.first?.origin == ID(client: 1, clock: 4))
        #expect(summary.structs.first?.parent == nil)
        #expect(summary.clients.first?.firstClock == 5)
    }

    @Test func everyStructOfTheB4DocumentIsInTheTextRoot() throws {
        let summary = try Updates.inspect([UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin")))
        let fromV2 = try Updates.inspect([UInt8](try Fixtures.data("yjs/b4-yjs-v2.bin")), v2: true)
        #expect(summary == fromV2)
        #expect(summary.clients.count == 1)
        #expect(summary.clients.first?.endClock == 182_315)
        #expect(summary.structs.allSatisfy { $0.parent == .root("text") })
        #expect(summary.clients.first?.kindCounts.keys.sorted() == ["deleted", "string"])
    }

    @Test func contentJSONGuessesRootsAndReadsNamedOnesAsTheirKind() throws {
        let doc = Doc(clientID: 5)
        try doc.applyUpdate(bytes(hex: WireExampleTests().fullUpdate))
        let rootsBefore = doc.rootNames
        #expect(doc.contentJSON() == ["body": "hi", "jobs": [["id": "a", "name": "x"]]])
        #expect(
            doc.contentJSON(rootTypes: ["jobs": .array, "body": .text, "workflow": .map, "edges": .array])
                == ["body": "hi", "jobs": [["id": "a", "name": "x"]], "workflow": [:], "edges": []])
        // Reading created nothing.
        #expect(doc.rootNames == rootsBefore)
        guard case .object(let object) = doc.contentJSON(rootTypes: ["a": .text]) else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == ["a", "body", "jobs"])
    }

    @Test func contentJSONShowsRootsMadeLocallyAsWhatTheyAre() throws {
        let doc = Doc(clientID: 5)
        try doc.map("workflow").set("name", "w")
        try doc.text("empty").insert("", atUTF16: 0)
        #expect(doc.contentJSON() == ["empty": "", "workflow": ["name": "w"]])
    }
}
