import Foundation
import YCRDT

/// The B4 trace: ops in UTF-16 positions (the text is ASCII), the per-op updates and the documents.
struct B4Trace {
    var ops: [(position: Int, deleteCount: Int, insert: String)]
    var endContent: String
    var updates: [[UInt8]]
    var documentV1: [UInt8]

    static func load(_ fixtures: FixtureFiles) throws -> B4Trace {
        let json = try JSONSerialization.jsonObject(with: try fixtures.gunzipped("b4-ops.json.gz")) as! [String: Any]
        let ops = (json["ops"] as! [[Any]]).map { op in
            ((op[0] as! NSNumber).intValue, (op[1] as! NSNumber).intValue, op[2] as! String)
        }
        let stream = [UInt8](try fixtures.gunzipped("b4-updates-v1.stream.gz"))
        var decoder = Lib0Decoder(stream)
        let count = try decoder.readCount()
        var updates: [[UInt8]] = []
        updates.reserveCapacity(count)
        for _ in 0..<count { updates.append(Array(try decoder.readVarBytes())) }
        return B4Trace(
            ops: ops, endContent: json["endContent"] as! String, updates: updates,
            documentV1: [UInt8](try fixtures.data("b4-yjs-v1.bin")))
    }
}

struct CRDTBenchmarks {
    let trace: B4Trace
    let fixtures: FixtureFiles
    let runs: Int

    func replayLocally() -> Doc {
        let doc = Doc(clientID: 1)
        let text = doc.text("text")
        for op in trace.ops {
            doc.transact { transaction in
                if op.deleteCount > 0 { try? text.delete(atUTF16: op.position, count: op.deleteCount, in: transaction) }
                if !op.insert.isEmpty { try? text.insert(op.insert, atUTF16: op.position, in: transaction) }
            }
        }
        return doc
    }

    func run(into report: inout Report) {
        progress("B4 local apply (\(trace.ops.count) ops, one transaction each) × \(runs)")
        var check = ""
        let local = best(of: runs) { check = replayLocally().text("text").string }
        precondition(check == trace.endContent, "B4 replay gave the wrong text")
        report.add("B4 local apply, 1 txn/op", milliseconds: local, target: "≤ 600 ms")

        progress("B4 local apply with an update observer (what an editor pays)")
        let withUpdates = best(of: runs) {
            let doc = Doc(clientID: 1)
            var bytes = 0
            doc.observeUpdates { update, _ in bytes += update.count }
            let text = doc.text("text")
            for op in trace.ops {
                doc.transact { transaction in
                    if op.deleteCount > 0 { try? text.delete(atUTF16: op.position, count: op.deleteCount, in: transaction) }
                    if !op.insert.isEmpty { try? text.insert(op.insert, atUTF16: op.position, in: transaction) }
                }
            }
            precondition(bytes == 3_828_798, "per-op updates total \(bytes) bytes, Yjs makes 3,828,798")
        }
        report.add("B4 local apply + encode each update", ours: formatMilliseconds(withUpdates), target: "-")

        progress("B4 remote apply of \(trace.updates.count) updates × \(runs)")
        let remote = best(of: runs) {
            let doc = Doc(clientID: 2)
            for update in trace.updates { try! doc.applyUpdate(update) }
            precondition(doc.text("text").string.utf16.count == trace.endContent.utf16.count)
        }
        report.add("B4 remote apply of per-op updates", milliseconds: remote, target: "≤ 400 ms")

        progress("B4 parse and encode")
        let parse = best(of: max(runs, 10)) {
            let doc = Doc(clientID: 2)
            try! doc.applyUpdate(trace.documentV1)
            precondition(doc.text("text").utf16Count == trace.endContent.utf16.count)
        }
        report.add("B4 parse 223 KB document", milliseconds: parse, target: "≤ 10 ms")
        let parsed = Doc(clientID: 2)
        try! parsed.applyUpdate(trace.documentV1)
        var encoded: [UInt8] = []
        let encode = best(of: max(runs, 10)) { encoded = parsed.encodeStateAsUpdate() }
        precondition(encoded == trace.documentV1, "encoding differs from Yjs's bytes")
        report.add("B4 encode document (v1)", milliseconds: encode, target: "≤ 5 ms")

        progress("memory held after the trace")
        let baseline = heapBytesInUse()
        var kept: Doc? = replayLocally()
        let after = heapBytesInUse()
        let heldMB = Double(after - baseline) / 1_048_576
        report.add("memory held after B4 (heap in use)", ours: String(format: "%.1f MB", heldMB), target: "≤ 10 MB")
        precondition(kept!.text("text").utf16Count > 0)
        kept = nil

        progress("100k single-character inserts at random positions")
        let randomCount = 100_000
        var generator = SplitMix64(seed: 42)
        var positions: [Int] = []
        positions.reserveCapacity(randomCount)
        for length in 0..<randomCount { positions.append(Int(generator.next() % UInt64(length + 1))) }
        let random = best(of: runs) {
            let doc = Doc(clientID: 1)
            let text = doc.text("text")
            for position in positions { try! text.insert("x", atUTF16: position) }
            precondition(text.utf16Count == randomCount)
        }
        let perOpRandom = random / Double(randomCount)
        let perOpB4 = local / Double(trace.ops.count)
        report.add(
            "100k random-position inserts", ours: formatMilliseconds(random),
            target: "per op ≤ 3× B4's")
        report.notes.append(
            String(format: "random inserts: %.2f µs/op vs B4 %.2f µs/op = %.2f× (target ≤ 3×)",
                perOpRandom * 1000, perOpB4 * 1000, perOpRandom / perOpB4))
        for (name, count) in [("10k", 10_000), ("20k", 20_000), ("40k", 40_000)] {
            let time = best(of: runs) {
                let doc = Doc(clientID: 1)
                let text = doc.text("text")
                for position in positions.prefix(count) { try! text.insert("x", atUTF16: position) }
            }
            if count == 20_000 {
                report.add("20k random-position inserts", milliseconds: time, target: "-")
            }
            report.notes.append("random inserts \(name): \(formatMilliseconds(time)) (\(String(format: "%.2f", time * 1000 / Double(count))) µs/op)")
        }
    }
}

/// A small deterministic generator so every run makes the same random positions.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
