import Foundation
import Testing
import WeftTestSupport
@testable import YCRDT

/// The 5,320 cases of y-crdt's small-test-dataset.bin: each applies its Yjs updates and must read back
/// the text, map and array that Yjs 13.6 and yrs read.
@Suite struct ConformanceTests {
    struct Case {
        var updates: [[UInt8]]
        var text: String
        var map: YAny
        var array: YAny
    }

    static func loadCases() throws -> [Case] {
        let data = [UInt8](try Fixtures.data("yjs/small-test-dataset.bin"))
        var decoder = Lib0Decoder(data)
        let count = try decoder.readCount()
        var cases: [Case] = []
        cases.reserveCapacity(count)
        for _ in 0..<count {
            let updateCount = try decoder.readCount()
            var updates: [[UInt8]] = []
            for _ in 0..<updateCount { updates.append(Array(try decoder.readVarBytes())) }
            let text = try decoder.readVarString()
            let map = try decoder.readAny()
            let array = try decoder.readAny()
            cases.append(Case(updates: updates, text: text, map: map, array: array))
        }
        return cases
    }

    @Test func everyCaseReproducesItsExpectedContent() throws {
        let cases = try Self.loadCases()
        #expect(cases.count == 5_320)
        #expect(cases.reduce(0) { $0 + $1.updates.count } == 46_385)
        var failures: [String] = []
        for (number, testCase) in cases.enumerated() {
            let doc = Doc(clientID: 0xFFFF_FFFF_FF)
            do {
                for update in testCase.updates { try doc.applyUpdate(update) }
            } catch {
                failures.append("case \(number): \(error)")
                continue
            }
            let text = doc.text("text").string
            let map = doc.map("map").json.numbersNormalized
            let array = doc.array("array").json.numbersNormalized
            if text != testCase.text || map != testCase.map.numbersNormalized
                || array != testCase.array.numbersNormalized
            {
                failures.append("case \(number): text \(text == testCase.text), map \(map == testCase.map.numbersNormalized), array \(array == testCase.array.numbersNormalized)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) cases differ; first: \(failures.prefix(5))")
    }

    @Test func reEncodingEveryCaseRoundTrips() throws {
        // A second document fed our encoding of the first must hold the same content and state.
        let cases = try Self.loadCases()
        var failures = 0
        for testCase in cases.prefix(2_000) {
            let doc = Doc(clientID: 0xFFFF_FFFF_FF)
            for update in testCase.updates { try doc.applyUpdate(update) }
            let copy = Doc(clientID: 0xFFFF_FFFF_FE)
            try copy.applyUpdate(doc.encodeStateAsUpdate())
            if copy.text("text").string != doc.text("text").string || copy.map("map").json != doc.map("map").json
                || copy.array("array").json != doc.array("array").json
                || copy.encodeStateAsUpdate() != doc.encodeStateAsUpdate()
            {
                failures += 1
            }
        }
        #expect(failures == 0)
    }
}
