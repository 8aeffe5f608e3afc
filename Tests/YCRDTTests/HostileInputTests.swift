import Foundation
import Testing
import WeftTestSupport
@testable import YCRDT

/// DESIGN.md behaviour 10 at the CRDT's edge: bytes from a peer can be anything. Truncated, random,
/// mutated and crafted updates must throw a typed `DecodingError` — leaving the document exactly as
/// it was and still usable — or apply harmlessly (perhaps waiting as pending structs). Nothing may
/// trap, and nothing may allocate more than the input justifies.
///
/// The regression tests at the end hold the minimal inputs of the bugs the fuzzer (`Fuzz/YCRDTFuzz`,
/// docs/fuzzing.md) and these tests found.
@Suite struct HostileInputTests {
    // MARK: Truncation

    /// No strict prefix of an update v1 is an update: the delete set always comes last, so a
    /// decoder that reads the same bytes as for the whole update runs out of input first.
    @Test func everyPrefixOfRealUpdatesIsRejected() throws {
        let victim = try Victim()
        var prefixes = 0
        for (name, update) in try Self.realUpdates() {
            for length in 0..<update.count {
                let prefix = Array(update[..<length])
                prefixes += 1
                switch victim.attempt(prefix, "\(name), first \(length) of \(update.count) bytes") {
                case .rejected(.unexpectedEnd), .rejected(.lengthTooLarge): break
                case .rejected(let error): Issue.record("\(name), prefix \(length): unexpected error \(error)")
                case .applied: Issue.record("\(name): the first \(length) of \(update.count) bytes applied")
                }
            }
            // The whole update still applies to a fresh document.
            #expect(throws: Never.self, "\(name)") { try Doc(clientID: 7).applyUpdate(update) }
        }
        try victim.expectUsable("after \(prefixes) prefixes")
        print("HostileInputTests: \(prefixes) prefixes of real updates, all rejected, document unchanged")
    }

    /// Prefixes of the 223 KB B4 document, at 200 seeded cut points (every prefix would be quadratic).
    @Test func prefixesOfTheB4DocumentAreRejected() throws {
        let document = [UInt8](try Fixtures.data("yjs/b4-yjs-v1.bin"))
        var random = SplitMix64(seed: 0xB4)
        let victim = try Victim()
        for _ in 0..<200 {
            let length = random.int(0...(document.count - 1))
            let outcome = victim.attempt(Array(document[..<length]), "B4, first \(length) bytes")
            if case .applied = outcome { Issue.record("B4: the first \(length) bytes applied") }
        }
        try victim.expectUsable("after B4 prefixes")
    }

    // MARK: Random and mutated bytes

    @Test func randomBytesThrowOrApplyHarmlessly() throws {
        var random = SplitMix64(seed: 0x4A4D)
        let victim = try Victim()
        var outcomes = Outcomes()
        for round in 0..<30_000 {
            // Two in three are bytes; one in three is made of well-formed structs with random
            // fields, so it decodes and its random references reach integration.
            let input =
                round % 3 == 2
                ? Self.randomStructs(&random)
                : (0..<random.int(0...48)).map { _ in UInt8.random(in: 0...255, using: &random) }
            outcomes.count(victim.attempt(input, "random input \(round)"))
            checkRoundTrip(input, "random input \(round)")
        }
        try victim.expectUsable("after random inputs")
        print("HostileInputTests: 30000 random inputs, \(outcomes)")
        #expect(outcomes.applied > 5_000 && outcomes.rejected > 15_000)
    }

    /// Real updates with bits flipped, bytes replaced by interesting values, bytes inserted, removed
    /// or duplicated, and pieces of two updates spliced together, applied to a document that already
    /// holds content from the same clients (so mutated references often hit real items).
    @Test func mutatedUpdatesThrowOrApplyHarmlessly() throws {
        var random = SplitMix64(seed: 0x5EED_F00D)
        let sources = try Self.realUpdates().map(\.update)
        let history = try Self.generatedHistory()
        var outcomes = Outcomes()
        var victim = try Victim(base: Array(history.prefix(history.count / 2)))
        for round in 0..<12_000 {
            if round % 500 == 0 { victim = try Victim(base: Array(history.prefix(history.count / 2))) }
            let source = random.pick(sources)
            let input = Self.mutate(source, other: random.pick(sources), &random)
            outcomes.count(victim.attempt(input, "mutation \(round)"))
            checkRoundTrip(input, "mutation \(round)")
        }
        try victim.expectUsable("after mutations")
        print("HostileInputTests: 12000 mutated updates, \(outcomes)")
        #expect(outcomes.applied > 100 && outcomes.rejected > 100)
    }

    /// The same for update v2: prefixes, random bytes and mutations of v2 encodings.
    @Test func hostileUpdateV2ThrowsOrAppliesHarmlessly() throws {
        var random = SplitMix64(seed: 0x5632)
        let history = try Self.generatedHistory()
        let source = Doc(clientID: 1)
        for update in history { try source.applyUpdate(update) }
        let v2 = source.encodeStateAsUpdateV2()
        let victim = try Victim()
        var outcomes = Outcomes()
        for length in 0..<v2.count {
            outcomes.count(victim.attempt(Array(v2[..<length]), "v2 prefix \(length)", v2: true))
        }
        for round in 0..<4_000 {
            let input =
                round % 2 == 0
                ? Self.mutate(v2, other: v2, &random)
                : (0..<random.int(0...64)).map { _ in UInt8.random(in: 0...255, using: &random) }
            outcomes.count(victim.attempt(input, "v2 input \(round)", v2: true))
        }
        try victim.expectUsable("after v2 inputs")
        print("HostileInputTests: \(v2.count) v2 prefixes and 4000 v2 inputs, \(outcomes)")
    }

    // MARK: Crafted inputs

    /// A 20-byte update whose string claims 1 GiB: refused from the length alone, before any
    /// allocation, and fast.
    @Test func twentyBytesClaimingAGigabyteStringFailFast() throws {
        // 1 client, 1 struct, client 1, clock 0, String item in root "body", length 2^30, 4 bytes.
        let input = bytes(hex: "01010100040104626f6479808080800461626364")
        #expect(input.count == 20)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: DecodingError.lengthTooLarge(offset: 11, claimed: 1 << 30)) {
            try Doc(clientID: 3).applyUpdate(input)
        }
        #expect(clock.now - start < .milliseconds(100))
    }

    /// Counts and lengths that claim gigabytes (or 2^53 - 1) in every place a count is read.
    @Test(arguments: [
        ("clients", "ffffffff0f"),
        ("structs of a client", "01ffffffff0f0100"),
        ("delete set clients", "00ffffffff0f"),
        ("delete set ranges", "000101ffffffff0f"),
        ("root name", "010101000401ffffffff0f"),
        ("parent key", "0101010028010161ffffffff0f"),
        ("Any values", "0101010008010161ffffffff0f"),
        ("Any string", "010101000801016101778080808004"),
        ("Any array", "01010100080101610175ffffffffffffff0f"),
        ("Any object", "01010100080101610176ffffffffffffff0f"),
        ("Any binary", "01010100080101610174ffffffff0f"),
        ("binary content", "0101010003010161ffffffff0f"),
        ("JSON content values", "0101010002010161ffffffff0f"),
        ("embed", "0101010005010161ffffffff0f"),
        ("format key", "0101010006010161ffffffff0f"),
        ("subdocument guid", "0101010009010161ffffffff0f"),
        ("largest count", "ffffffffffffff0f"),
    ])
    func countsClaimingGigabytesAreRefused(place: String, hex: String) throws {
        let victim = try Victim()
        switch victim.attempt(bytes(hex: hex), place) {
        case .rejected(.lengthTooLarge), .rejected(.unexpectedEnd): break
        case .rejected(let error): Issue.record("\(place): \(error)")
        case .applied: Issue.record("\(place): applied")
        }
        #expect(throws: DecodingError.self) { try Updates.stateVector(of: bytes(hex: hex)) }
        #expect(throws: DecodingError.self) { try Updates.merge([bytes(hex: hex), [0, 0]]) }
    }

    /// Varints longer than any value the format allows, in every position.
    @Test func overlongVarintsAreRefused() throws {
        let overlong = [UInt8](repeating: 0x80, count: 11) + [0x01]  // 12 bytes
        let unterminated = [UInt8](repeating: 0xFF, count: 20)
        let twoTo53: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]
        let victim = try Victim()
        for varint in [overlong, unterminated, twoTo53] {
            var places: [(String, [UInt8])] = [
                ("client count", varint),
                ("struct count", [1] + varint + [1, 0]),
                ("client id", [1, 1] + varint + [0, 0, 1]),
                ("clock", [1, 1, 1] + varint + [0, 1]),
                ("GC length", [1, 1, 1, 0, 0] + varint),
                ("origin clock", [1, 1, 1, 0, 0x88, 1] + varint + [1, 0x7E]),
                ("delete clock", [0, 1, 1, 1] + varint + [1]),
            ]
            // A signed varint keeps 6 bits in its first byte: these bytes say 2^52 there, which fits.
            if varint != twoTo53 { places.append(("Any integer", [1, 1, 1, 0, 8, 1, 1, 0x61, 1, 0x7D] + varint)) }
            for (place, input) in places {
                switch victim.attempt(input, "\(place) \(hex(varint))") {
                case .rejected(.integerOverflow): break
                case .rejected(let error): Issue.record("\(place) \(hex(varint)): \(error)")
                case .applied: Issue.record("\(place) \(hex(varint)): applied")
                }
            }
        }
        // 2^53 - 1 itself is a valid clock: a struct there waits for the clocks before it.
        let maxClock: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        #expect(victim.attempt([1, 1, 1] + maxClock + [0x0A, 0x00] + [0], "skip of length 0") == .rejected(.malformed("skip struct of length 0 at byte 11")))
        #expect(victim.attempt([0, 1, 1, 1] + maxClock + [1], "delete at 2^53 - 1").isApplied)
        try victim.expectUsable("after overlong varints")
    }

    /// Clocks at the top of the range: overflow is refused; structs and deletes up there wait for
    /// the clocks below them, encode, and round-trip.
    @Test func clocksNearTwoToThe53() throws {
        let max = Lib0Decoder.maxSafeInteger
        func update(client: UInt64, clock: UInt64, structs: [[UInt8]], deletes: [UInt8] = [0]) -> [UInt8] {
            var encoder = Lib0Encoder()
            encoder.writeVarUInt(1)
            encoder.writeVarUInt(structs.count)
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(clock)
            for body in structs { encoder.writeRawBytes(body) }
            encoder.writeRawBytes(deletes)
            return encoder.bytes
        }
        var gcOfMaxLength = Lib0Encoder()
        gcOfMaxLength.writeUInt8(0)
        gcOfMaxLength.writeVarUInt(max)
        let victim = try Victim()
        // The last clock plus one more struct overflows.
        #expect(victim.attempt(update(client: 5, clock: max, structs: [[0, 1]]), "GC at 2^53 - 1") == .rejected(.malformed("clock overflow for client 5")))
        #expect(victim.attempt(update(client: 5, clock: 1, structs: [gcOfMaxLength.bytes]), "GC past 2^53").isRejected)
        // A GC of length 2^53 - 1 from clock 0: one struct, no allocation proportional to it.
        #expect(victim.attempt(update(client: 6, clock: 0, structs: [gcOfMaxLength.bytes]), "huge GC").isApplied)
        #expect(victim.doc.stateVector[6] == Int(max))
        // A deleted item of that length, then a delete set that cuts it in the middle.
        var deleted = Lib0Encoder()
        deleted.writeUInt8(0x01)
        deleted.writeVarUInt(1)
        deleted.writeVarString("huge")
        deleted.writeVarUInt(max)
        #expect(victim.attempt(update(client: 8, clock: 0, structs: [deleted.bytes]), "huge deleted item").isApplied)
        var cut = Lib0Encoder()
        cut.writeVarUInt(0)
        cut.writeVarUInt(1)
        cut.writeVarUInt(8)
        cut.writeVarUInt(1)
        cut.writeVarUInt(max / 2)
        cut.writeVarUInt(3)
        #expect(victim.attempt(cut.bytes, "delete inside the huge item").isApplied)
        // Structs and deletes high up wait for what comes before them.
        #expect(victim.attempt(update(client: 9, clock: max - 10, structs: [[0, 5]]), "GC near the top").isApplied)
        var highDelete = Lib0Encoder()
        highDelete.writeVarUInt(0)
        highDelete.writeVarUInt(1)
        highDelete.writeVarUInt(10)
        highDelete.writeVarUInt(1)
        highDelete.writeVarUInt(max - 1)
        highDelete.writeVarUInt(max)
        #expect(victim.attempt(highDelete.bytes, "delete range past the top").isApplied)
        #expect(victim.doc.store.pendingStructs != nil && victim.doc.store.pendingDeletes != nil)
        try victim.expectUsable("after clocks near 2^53")
        checkRoundTrip(victim.doc.encodeStateAsUpdate(), "state with clocks near 2^53")
        #expect(throws: Never.self) { try Updates.diff(victim.doc.encodeStateAsUpdate(), since: StateVector([9: Int(max)])) }
    }

    /// Structs that reference clients, items and parents that do not exist wait as pending structs
    /// and apply once what they reference arrives; references to things that are not types make GC.
    @Test func referencesToWhatDoesNotExistWaitOrBecomeGarbage() throws {
        let victim = try Victim()
        let text = Array("x".utf8)
        // Parent: the type held by item (101, 0), which nobody has sent.
        let missingParent: [UInt8] = [1, 1, 5, 0, 0x04, 0, 101, 0, 1] + text + [0]
        // Left origin (102, 4) and right origin (103, 2) that nobody has sent.
        let missingOrigin: [UInt8] = [1, 1, 6, 0, 0x84, 102, 4, 1] + text + [0]
        let missingRightOrigin: [UInt8] = [1, 1, 7, 0, 0x44, 103, 2, 1] + text + [0]
        for (name, input) in [("parent", missingParent), ("origin", missingOrigin), ("right origin", missingRightOrigin)] {
            #expect(victim.attempt(input, "missing \(name)").isApplied)
            #expect(victim.doc.stateVector[ClientID(input[2])] == 0, "missing \(name)")
        }
        #expect(victim.doc.store.pendingStructs?.structs.count == 3)
        // Client 101 sends a map at clock 0: the first pending struct applies now, into that map's
        // sequence (Yjs allows a sequence in any type).
        let holder: [UInt8] = [1, 1, 101, 0, 0x07, 1, 4] + Array("late".utf8) + [1, 0]
        #expect(victim.attempt(holder, "the missing parent arrives").isApplied)
        #expect(victim.doc.stateVector[5] == 1)
        // A parent that is an item but not a type: the struct becomes garbage, nothing is shown.
        let notAType: [UInt8] = [1, 1, 11, 0, 0x04, 0, 5, 0, 1] + text + [0]
        #expect(victim.attempt(notAType, "parent is text, not a type").isApplied)
        #expect(victim.doc.store.clients[11]?.first?.kind == .gc)
        // Origins in the struct's own future: its own left origin is refused, its own right origin
        // is ignored.
        #expect(victim.attempt([1, 1, 12, 0, 0x84, 12, 3, 1] + text + [0], "own future origin").isRejected)
        #expect(victim.attempt([1, 1, 13, 0, 0x44, 13, 3, 1] + text + [0], "own future right origin").isApplied)
        // A root with an empty name and one whose name is not UTF-8.
        #expect(victim.attempt([1, 1, 14, 0, 0x04, 1, 0, 1] + text + [0], "empty root name").isApplied)
        #expect(victim.attempt([1, 1, 15, 0, 0x04, 1, 2, 0xC3, 0x28, 1] + text + [0], "invalid UTF-8 root name").isApplied)
        try victim.expectUsable("after missing references")
        checkRoundTrip(victim.doc.encodeStateAsUpdate(), "state with missing references")
    }

    /// Content refs 11–31, unknown type refs and unknown Any tags are refused with their tag.
    @Test func unknownRefsAndTagsAreRefused() throws {
        let victim = try Victim()
        for ref in UInt8(11)...31 {
            let outcome = victim.attempt([1, 1, 1, 0, ref, 1, 0], "content ref \(ref)")
            #expect(outcome == .rejected(.unknownTag(offset: 4, tag: ref, context: "struct")))
        }
        for typeRef: UInt8 in [7, 8, 9, 15, 127] {
            let outcome = victim.attempt([1, 1, 1, 0, 0x07, 1, 1, 0x61, typeRef, 0], "type ref \(typeRef)")
            #expect(outcome == .rejected(.unknownTag(offset: 8, tag: typeRef, context: "type ref")))
        }
        for tag in UInt8(0)...115 {
            let outcome = victim.attempt([1, 1, 1, 0, 0x08, 1, 1, 0x61, 1, tag, 0], "Any tag \(tag)")
            #expect(outcome == .rejected(.unknownTag(offset: 9, tag: tag, context: "Any")))
        }
        // Refs whose JSON text is not JSON.
        for (ref, body) in [(UInt8(2), [1, 3] + Array("{x:".utf8)), (5, [3] + Array("[1,".utf8)), (6, [1, 0x62, 2] + Array("tr".utf8))] {
            let outcome = victim.attempt([1, 1, 1, 0, ref, 1, 1, 0x61] + body + [0], "ref \(ref) with bad JSON")
            guard case .rejected(.malformed) = outcome else {
                Issue.record("ref \(ref) with bad JSON: \(outcome)")
                continue
            }
        }
        try victim.expectUsable("after unknown refs")
    }

    /// Nesting without end: Any arrays and objects, JSON text, and nested types a hundred thousand
    /// levels deep. Values are refused past a depth limit; types (which Yjs allows) apply, delete
    /// and are collected without a stack overflow.
    @Test func deepNestingNeitherOverflowsTheStackNorAllocatesWildly() throws {
        let victim = try Victim()
        let depth = 100_000
        let anyArrays = [UInt8]([1, 1, 1, 0, 0x08, 1, 1, 0x61, 1]) + Array(repeating: [0x75, 0x01], count: depth).flatMap { $0 } + [0x7E, 0]
        #expect(victim.attempt(anyArrays, "nested Any arrays") == .rejected(.nestingTooDeep(offset: 9 + 2 * Lib0Decoder.maxAnyDepth)))
        let anyObjects = [UInt8]([1, 1, 1, 0, 0x08, 1, 1, 0x61, 1]) + Array(repeating: [0x76, 0x01, 0x01, 0x6B], count: depth).flatMap { $0 } + [0x7E, 0]
        #expect(victim.attempt(anyObjects, "nested Any objects").isRejected)
        let json = Array(String(repeating: "[", count: depth).utf8)
        var legacy = Lib0Encoder()
        legacy.writeRawBytes([1, 1, 1, 0, 0x02, 1, 1, 0x61, 1])
        legacy.writeVarBytes(json)
        legacy.writeUInt8(0)
        #expect(victim.attempt(legacy.bytes, "nested JSON content").isRejected)
        var embed = Lib0Encoder()
        embed.writeRawBytes([1, 1, 1, 0, 0x05, 1, 1, 0x61])
        embed.writeVarBytes(json)
        embed.writeUInt8(0)
        #expect(victim.attempt(embed.bytes, "nested JSON embed").isRejected)

        // 100,000 arrays, each inside the one before (about 690 KB), then a delete of the outermost.
        var nested = Lib0Encoder()
        nested.writeVarUInt(1)
        nested.writeVarUInt(depth)
        nested.writeVarUInt(21)
        nested.writeVarUInt(0)
        nested.writeRawBytes([0x07, 1, 1, 0x6E, 0])
        for level in 1..<depth {
            nested.writeRawBytes([0x07, 0, 21])
            nested.writeVarUInt(level - 1)
            nested.writeUInt8(0)
        }
        nested.writeUInt8(0)
        #expect(victim.attempt(nested.bytes, "100,000 nested arrays").isApplied)
        #expect(victim.doc.stateVector[21] == depth)
        #expect(victim.attempt([0, 1, 21, 1, 0, 1], "delete of the outermost array").isApplied)
        // Everything inside was collected into one GC range.
        #expect(victim.doc.store.clients[21]?.count == 2)
        try victim.expectUsable("after deep nesting")

        // The same depth of maps, each the value of key "k" in the one before, deleted in the same
        // update.
        var maps = Lib0Encoder()
        maps.writeVarUInt(1)
        maps.writeVarUInt(depth)
        maps.writeVarUInt(22)
        maps.writeVarUInt(0)
        maps.writeRawBytes([0x27, 1, 1, 0x6D, 1, 0x6B, 1])
        for level in 1..<depth {
            maps.writeRawBytes([0x27, 0, 22])
            maps.writeVarUInt(level - 1)
            maps.writeRawBytes([1, 0x6B, 1])
        }
        maps.writeRawBytes([1, 22, 1, 0, 1])
        let fresh = Doc(clientID: 4)
        #expect(throws: Never.self) { try fresh.applyUpdate(maps.bytes) }
        #expect(fresh.map("m").json == [:])
        #expect(fresh.encodeStateAsUpdate().count < 40)
    }

    // MARK: Regressions found by the fuzzer and these tests

    /// Two blocks for one client that overlap (`01 08 0c 00 03` and `01 08 0c 00 01`): the lists
    /// were concatenated, so the pending structs were written back as if contiguous (GC 12+3,
    /// GC 15+1) and a second apply of the same bytes changed the document's encoding.
    @Test func overlappingBlocksOfOneClientStayWhereTheyAre() throws {
        let input = bytes(hex: "0501080c000300000000000001080c000100000000")
        try expectIdempotentRoundTrip(input)
        // Blocks with a gap between them (clocks 0–2 and 10–12) keep their clocks too.
        let gap = bytes(hex: "02010500040101740361626301050a0401017403787a7900")
        try expectIdempotentRoundTrip(gap)
        let doc = Doc(clientID: 1)
        try doc.applyUpdate(gap)
        #expect(doc.text("t").string == "abc")
        #expect(doc.stateVector[5] == 3)
        #expect(doc.store.pendingStructs?.structs[5]?.first?.id.clock == 10)
    }

    /// A slice of a struct that named its parent kept that reference next to its new left origin,
    /// so a pending copy waited for (and landed in) another parent than the same struct read back
    /// from bytes. Here "XYZ" of client 5 overlaps "abc" and names a parent that does not exist.
    @Test func aSlicedStructTakesItsParentFromItsOrigin() throws {
        let input = bytes(hex: "020105000401017403616263010502040009000358595a00")
        try expectIdempotentRoundTrip(input)
        let doc = Doc(clientID: 1)
        try doc.applyUpdate(input)
        #expect(doc.text("t").string == "abcYZ")
    }

    /// A right origin left of the origin inside one struct ("X" with origin 0:7 and right origin
    /// 0:5 in "abcdefghij"): resolving the left neighbour first let the right split shorten it,
    /// so the document placed "X" after "e" but wrote origin 0:7, and a copy put it at the end.
    @Test func contradictoryOriginsResolveTheSameEverywhere() throws {
        let input = bytes(hex: "02010400c4000700050158010000040101740a6162636465666768696a00")
        try expectIdempotentRoundTrip(input)
        // Origin and right origin both on the high surrogate of an emoji (client 2^40 + 3).
        let surrogate = bytes(
            hex: "0112838080808020000001000100010001000100020001001500010001000300030001040101740161"
                + "848380808080202608f09f918df09f8fbd00010005c4838080808020278380808080202702cc8100")
        try expectIdempotentRoundTrip(surrogate)
    }

    /// A trailing Skip (`GC 106+1, Skip 107+4` of client 2) was kept by the first apply and dropped
    /// when the same bytes were merged into the pending structs again: a second apply changed the
    /// encoding. Decoded lists are now read in the form merging writes.
    @Test func aTrailingSkipIsDroppedOnFirstRead() throws {
        try expectIdempotentRoundTrip(bytes(hex: "0102026a00010a0400"))
        try expectIdempotentRoundTrip(bytes(hex: "0103026a0a010001000100"))  // Skip, GC, GC
    }

    /// A map entry holding two UTF-16 units ("e" and a combining acute, as a String item under key
    /// "name") cut by a delete of its second unit: the left part stayed alive here, but a replica
    /// that receives the two parts as separate structs deletes it (a newer entry of the key follows).
    @Test func aSplitMapEntryDeletesItsLeftPart() throws {
        let input = bytes(hex: "01010100240108776f726b666c6f77046e616d650365cc810101010102")
        try expectIdempotentRoundTrip(input)
        let doc = Doc(clientID: 1)
        try doc.applyUpdate(input)
        #expect(doc.map("workflow").json == [:])
        #expect(DeleteSet.fromStore(doc.store).clients[1] == [DeleteRange(clock: 0, length: 2)])
    }

    // MARK: Sources

    /// Real updates: the wire example, a generated history, conformance cases, and merges of them.
    static func realUpdates() throws -> [(name: String, update: [UInt8])] {
        var updates: [(String, [UInt8])] = [
            ("§1.6 example", bytes(hex: "010401000701046a6f627301280001000269640177016128000100046e616d6501770178040104626f647902686900")),
            ("§1.6 delete", bytes(hex: "000101010301")),
        ]
        let history = try generatedHistory()
        for (index, update) in history.enumerated() { updates.append(("generated \(index)", update)) }
        updates.append(("generated, merged", try Updates.merge(history)))
        let cases = try ConformanceTests.loadCases()
        for number in stride(from: 0, to: cases.count, by: 380) {
            for (index, update) in cases[number].updates.enumerated() {
                updates.append(("conformance \(number).\(index)", update))
            }
            updates.append(("conformance \(number), merged", try Updates.merge(cases[number].updates)))
        }
        return updates
    }

    /// The updates of a small editing session: nested maps and arrays, text with emoji and
    /// combining marks, every kind of plain value, deletes in all of them, and a second client.
    static func generatedHistory() throws -> [[UInt8]] {
        let alice = Replica(clientID: 1 << 40 | 5)
        let bob = Replica(clientID: 77)
        try alice.doc.map("workflow").set("name", "héllo 😀")
        try alice.doc.array("jobs").insert(
            [.map(["id": "a", "body": .text("fn(state => state) // é😀"), "n": .value(.integer(1 << 40))])], at: 0)
        try alice.doc.array("jobs").insert(
            [.value(.null), .value(.bool(true)), .value(.double(0.5)), .value(.binary([0, 255])),
             .value(["k": [1, "x"]]), .value(.undefined), .value(.bigInt(-7))], at: 1)
        let body = try #require(alice.doc.array("jobs")[0]?.mapValue?["body"]?.textValue)
        try body.insert("ü", at: 3)
        try body.delete(1..<5)
        try alice.doc.text("t").insert("a👍🏽b🇫🇷c", at: 0)
        for update in alice.updates { try bob.doc.applyUpdate(update) }
        try bob.doc.text("t").insert("e\u{301}", at: 2)
        try bob.doc.map("workflow").set("name", "bob")
        try bob.doc.array("jobs").delete(at: 2, count: 3)
        try alice.doc.text("t").delete(0..<1)
        try alice.doc.map("workflow").remove("name")
        return alice.updates + bob.updates
    }

    /// An update v1 of random but well-formed structs: small client ids and clocks (so references
    /// hit each other and the victim's clients 77 and 2^40 + 5), every content kind, random origins,
    /// right origins, parents and keys, and a random delete set.
    static func randomStructs(_ random: inout SplitMix64) -> [UInt8] {
        let clients: [UInt64] = [0, 1, 2, 77, 1 << 40 | 5]
        func id(_ encoder: inout Lib0Encoder) {
            encoder.writeVarUInt(random.pick(clients))
            encoder.writeVarUInt(random.int(0...12))
        }
        var encoder = Lib0Encoder()
        let clientCount = random.int(0...3)
        encoder.writeVarUInt(clientCount)
        for _ in 0..<clientCount {
            let count = random.int(1...4)
            encoder.writeVarUInt(count)
            encoder.writeVarUInt(random.pick(clients))
            encoder.writeVarUInt(random.int(0...10))
            for _ in 0..<count {
                let ref = UInt8(random.pick([0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 7, 8, 8, 8, 9, 10]))
                if ref == 0 || ref == 10 {
                    encoder.writeUInt8(ref)
                    encoder.writeVarUInt(random.int(1...3))
                    continue
                }
                let hasOrigin = random.chance(0.5)
                let hasRightOrigin = random.chance(0.4)
                let hasKey = random.chance(0.3)
                encoder.writeUInt8(ref | (hasOrigin ? 0x80 : 0) | (hasRightOrigin ? 0x40 : 0) | (hasKey ? 0x20 : 0))
                if hasOrigin { id(&encoder) }
                if hasRightOrigin { id(&encoder) }
                if !hasOrigin && !hasRightOrigin {
                    if random.chance(0.5) {
                        encoder.writeVarUInt(1)
                        encoder.writeVarString(random.pick(["t", "m", "a", "jobs", "workflow"]))
                    } else {
                        encoder.writeVarUInt(0)
                        id(&encoder)
                    }
                    if hasKey { encoder.writeVarString(random.pick(["k", "id", "name", "é"])) }
                }
                switch ref {
                case 1: encoder.writeVarUInt(random.int(1...3))
                case 2: encoder.writeVarUInt(1); encoder.writeVarString(random.pick(["1", "\"x\"", "undefined", "[1,{}]"]))
                case 3: encoder.writeVarBytes([1, 2, 3])
                case 4: encoder.writeVarString(random.pick(["a", "héllo", "😀", "a😀b", "e\u{301}"]))
                case 5: encoder.writeVarString("{\"image\":\"x.png\"}")
                case 6: encoder.writeVarString("bold"); encoder.writeVarString(random.pick(["true", "null"]))
                case 7: encoder.writeVarUInt(random.int(0...2))
                case 8:
                    let values = random.int(1...3)
                    encoder.writeVarUInt(values)
                    for _ in 0..<values { encoder.writeAny(random.pick([.null, 1, "s", [1, 2], ["k": 1], .undefined])) }
                default: encoder.writeVarString("guid"); encoder.writeAny(["gc": true])
                }
            }
        }
        let deleteClients = random.int(0...2)
        encoder.writeVarUInt(deleteClients)
        for _ in 0..<deleteClients {
            encoder.writeVarUInt(random.pick(clients))
            encoder.writeVarUInt(1)
            encoder.writeVarUInt(random.int(0...12))
            encoder.writeVarUInt(random.int(1...4))
        }
        return encoder.bytes
    }

    /// One random mutation of `update`.
    static func mutate(_ update: [UInt8], other: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = update
        guard !bytes.isEmpty else { return [random.pick([0, 1, 0x7F, 0x80, 0xFF])] }
        let position = random.int(0...(bytes.count - 1))
        switch random.int(0...7) {
        case 0:
            for _ in 0..<random.int(1...3) {
                bytes[random.int(0...(bytes.count - 1))] ^= 1 << UInt8(random.int(0...7))
            }
        case 1:
            let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, 0x7E, 0x7D, 0x77, 0x76, 0x75, 0x74, 0x28, 0x84, 0xC4, 0x07, 0x0A]
            bytes[position] = random.pick(interesting)
        case 2:
            let inserted = (0..<random.int(1...4)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: inserted, at: position)
        case 3:
            bytes.removeSubrange(position..<min(bytes.count, position + random.int(1...8)))
        case 4:
            let end = min(bytes.count, position + random.int(1...16))
            bytes.insert(contentsOf: bytes[position..<end], at: random.int(0...bytes.count))
        case 5:
            let cut = other.isEmpty ? 0 : random.int(0...(other.count - 1))
            bytes = Array(bytes[..<position]) + Array(other[cut...])
        case 6:
            // A length or count becomes huge.
            bytes.replaceSubrange(position..<(position + 1), with: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        default:
            // A small number nudged: clocks, counts and client ids shift by one.
            bytes[position] = bytes[position] &+ (random.chance(0.5) ? 1 : 0xFF)
        }
        return bytes
    }
}

// MARK: - Helpers

/// What applying an input did.
enum Outcome: Equatable {
    case rejected(DecodingError)
    case applied

    var isApplied: Bool { self == .applied }
    var isRejected: Bool { self != .applied }
}

struct Outcomes: CustomStringConvertible {
    var rejected = 0
    var applied = 0
    var errors: [String: Int] = [:]

    mutating func count(_ outcome: Outcome) {
        switch outcome {
        case .applied: applied += 1
        case .rejected(let error):
            rejected += 1
            let kind =
                switch error {
                case .unexpectedEnd: "unexpectedEnd"
                case .integerOverflow: "integerOverflow"
                case .lengthTooLarge: "lengthTooLarge"
                case .unknownTag: "unknownTag"
                case .malformed: "malformed"
                case .nestingTooDeep: "nestingTooDeep"
                }
            errors[kind, default: 0] += 1
        }
    }

    var description: String {
        let kinds = errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(rejected) rejected (\(kinds)), \(applied) applied"
    }
}

/// A document with content that hostile inputs are applied to. After every rejected input it must
/// encode exactly as before; after an applied one its state is taken as the new reference.
final class Victim {
    let doc: Doc
    private var snapshot: [UInt8]
    private var stateVector: StateVector

    init(base: [[UInt8]]? = nil) throws {
        doc = Doc(clientID: 0x5EED)
        for update in try base ?? HostileInputTests.generatedHistory() { try doc.applyUpdate(update) }
        snapshot = doc.encodeStateAsUpdate()
        stateVector = doc.stateVector
    }

    func attempt(_ input: [UInt8], _ label: @autoclosure () -> String, v2: Bool = false) -> Outcome {
        do {
            if v2 { try doc.applyUpdateV2(input) } else { try doc.applyUpdate(input) }
        } catch {
            // `applyUpdate` throws `DecodingError` and nothing else: the type says so.
            let unchanged = doc.stateVector == stateVector && doc.encodeStateAsUpdate() == snapshot
            #expect(unchanged, "\(label()): a rejected input (\(error)) changed the document")
            return .rejected(error)
        }
        snapshot = doc.encodeStateAsUpdate()
        stateVector = doc.stateVector
        return .applied
    }

    /// Local edits still work, and the document's encoding loads into a fresh one.
    func expectUsable(_ label: String) throws {
        let text = doc.text("hostile-input-check")
        try text.insert("still usable ✓", at: 0)
        #expect(text.string.hasPrefix("still usable ✓"), "\(label)")
        let copy = Doc(clientID: 0xC0FF)
        try copy.applyUpdate(doc.encodeStateAsUpdate())
        #expect(copy.stateVector == doc.stateVector, "\(label)")
        #expect(copy.text("hostile-input-check").string == text.string, "\(label)")
        snapshot = doc.encodeStateAsUpdate()
        stateVector = doc.stateVector
    }
}

/// The fuzzer's check (`Fuzz/YCRDTFuzz`): if `input` applies to a fresh document, that document's
/// encoding applies to another with the same state vector, content and encoding, and applying the
/// input a second time changes nothing.
func checkRoundTrip(_ input: [UInt8], _ label: @autoclosure () -> String) {
    let first = Doc(clientID: 1)
    guard (try? first.applyUpdate(input)) != nil else { return }
    let encoded = first.encodeStateAsUpdate()
    let second = Doc(clientID: 2)
    do { try second.applyUpdate(encoded) } catch {
        Issue.record("\(label()): the document's own encoding does not apply: \(error) — input \(hex(input))")
        return
    }
    guard second.stateVector == first.stateVector, second.contentJSON().isEquivalent(to: first.contentJSON()),
        second.encodeStateAsUpdate() == encoded
    else {
        Issue.record("\(label()): a copy differs from the document — input \(hex(input))")
        return
    }
    guard (try? first.applyUpdate(input)) != nil, first.encodeStateAsUpdate() == encoded else {
        Issue.record("\(label()): applying the input twice changed the document — input \(hex(input))")
        return
    }
}

/// `checkRoundTrip`, for a regression input that must apply.
func expectIdempotentRoundTrip(_ input: [UInt8]) throws {
    try Doc(clientID: 1).applyUpdate(input)
    checkRoundTrip(input, "regression input \(hex(input))")
}
