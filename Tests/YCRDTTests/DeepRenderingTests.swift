import Testing
import WeftTestSupport
@testable import YCRDT

/// Rendering a hostile document whose types nest 20,000–100,000 deep (the relay and every client
/// render documents: `weft doc inspect`, the workflow binding's unknown keys, events): the walk must
/// not overflow the stack, and the plain value it gives must stay shallow enough to be compared,
/// freed and written back as a value a peer's decoder accepts.
@Suite struct DeepRenderingTests {
    static let depth = 100_000
    static let limit = Lib0Decoder.maxAnyDepth

    /// The value is `limit` levels deep, its innermost is `null`, and it survives a lib0 round trip.
    func expectCutAtTheLimit(_ value: YAny, _ what: String, containers: (YAny) -> YAny?) throws {
        #expect(DeepNesting.levels(of: value) == Self.limit, "\(what)")
        var current = value
        var seen = 1
        while let inner = containers(current) {
            current = inner
            seen += 1
        }
        #expect(seen == Self.limit, "\(what): levels walked")
        #expect(current == .null, "\(what): innermost")
        var encoder = Lib0Encoder()
        encoder.writeAny(value)
        var decoder = Lib0Decoder(encoder.bytes)
        #expect(try decoder.readAny() == value, "\(what): written back and read by a peer")
    }

    static func firstElement(_ value: YAny) -> YAny? { value.arrayValue?.first }
    static func keyK(_ value: YAny) -> YAny? { value.objectValue?["k"] }

    @Test func deeplyNestedArraysRenderToTheLevelLimit() throws {
        let doc = Doc(clientID: 1)
        // The event of the insertion shows the inserted array, rendered.
        var inserted: [YAny] = []
        let subscription = doc.array("n").observe { event in
            for step in event.delta {
                if case .insert(let values) = step { inserted += values }
            }
        }
        try doc.applyUpdate(DeepNesting.update(root: "n", depth: Self.depth, level: .array))
        subscription.cancel()
        #expect(doc.stateVector[21] == Self.depth)
        #expect(inserted.count == 1)
        try expectCutAtTheLimit(inserted.first ?? .undefined, "the insert event's delta", containers: Self.firstElement)

        // Through every way in: the root, an element, the document as a whole (guessed and named).
        let guessed = Doc(clientID: 6)
        try guessed.applyUpdate(DeepNesting.update(root: "n", depth: Self.depth, level: .array))
        let content = guessed.contentJSON()
        try expectCutAtTheLimit(
            content.objectValue?["n"] ?? .undefined, "contentJSON, guessed", containers: Self.firstElement)
        let named = doc.contentJSON(rootTypes: ["n": .array])
        #expect(named.objectValue?["n"] == content.objectValue?["n"])
        let root = doc.array("n")
        try expectCutAtTheLimit(root.json, "YArray.json", containers: Self.firstElement)
        try expectCutAtTheLimit(
            root[0]?.json ?? .undefined, "YValue.json of the first element", containers: Self.firstElement)
        #expect(root.values.count == 1)
        try root.delete(at: 0)
        #expect(root.json == .array([]))
    }

    @Test func deeplyNestedMapsRenderToTheLevelLimit() throws {
        let doc = Doc(clientID: 2)
        try doc.applyUpdate(DeepNesting.update(root: "m", depth: Self.depth, level: .map))
        let root = doc.map("m")
        try expectCutAtTheLimit(root.json, "YMap.json", containers: Self.keyK)
        try expectCutAtTheLimit(root["k"]?.json ?? .undefined, "YValue.json of key k", containers: Self.keyK)
        let content = doc.contentJSON(rootTypes: ["m": .map])
        try expectCutAtTheLimit(content.objectValue?["m"] ?? .undefined, "contentJSON", containers: Self.keyK)
    }

    /// XML types are shown by their JSON, computed when the value is read: that walk is bounded too.
    @Test func deeplyNestedXMLFragmentsRenderToTheLevelLimit() throws {
        let doc = Doc(clientID: 3)
        try doc.applyUpdate(DeepNesting.update(root: "x", depth: 20_000, level: .xmlFragment))
        let root = doc.array("x")
        guard case .other(let kind, let json) = root[0] else {
            Issue.record("the first element is not shown as an XML type: \(String(describing: root[0]))")
            return
        }
        #expect(kind == "xmlFragment")
        // Shown on its own, the element is cut at the limit as well.
        #expect(DeepNesting.levels(of: json) == Self.limit)
        try expectCutAtTheLimit(root.json, "YArray.json of XML", containers: Self.firstElement)
    }

    /// A plain value deeper than the room left below a nested type is cut as a whole.
    @Test func aPlainValueTooDeepForItsPlaceIsNull() throws {
        let doc = Doc(clientID: 4)
        var value = YAny.null
        for _ in 0..<(Self.limit - 1) { value = .array([value]) }
        #expect(DeepNesting.levels(of: value) == Self.limit)
        try doc.map("m").set("fits", .value(.array([])))
        try doc.map("m").set("deep", .value(value))
        // Read directly, the value is as stored; inside the map's JSON it would be one level too deep.
        #expect(doc.map("m")["deep"]?.json == value)
        #expect(doc.map("m").json == ["deep": .null, "fits": .array([])])
        #expect(DeepNesting.levels(of: doc.map("m").json) == 2)
    }

    /// The normal case renders exactly as before: every kind of content, nested a few levels.
    @Test func ordinaryDocumentsRenderInFull() throws {
        let doc = Doc(clientID: 5)
        try doc.map("workflow").set("name", "Nightly")
        try doc.array("jobs").append([
            .map(["id": "a", "body": .text("fn()"), "tags": .array(["x", 1, .map(["deep": .array([true])])])]),
            .binary([1, 2]), 3.5, nil,
        ])
        let expected: YAny = .object([
            "jobs": .array([
                .object([
                    "body": .string("fn()"), "id": .string("a"),
                    "tags": .array([.string("x"), .integer(1), .object(["deep": .array([.bool(true)])])]),
                ]),
                .binary([1, 2]), .double(3.5), .null,
            ]),
            "workflow": .object(["name": .string("Nightly")]),
        ])
        #expect(doc.contentJSON(rootTypes: ["jobs": .array, "workflow": .map]) == expected)
        #expect(doc.array("jobs").json == expected.objectValue?["jobs"])
    }
}
