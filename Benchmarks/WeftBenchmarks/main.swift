import Foundation
import YCRDT


// Weft's CRDT benchmarks. Run in release: `swift run -c release WeftBenchmarks [--no-peers] [--runs N]`.
// Prints a table of our times and, where the project venv has pycrdt and loro, theirs on the same
// workload in the same run, with the ratio ours / theirs.

let options = BenchmarkOptions(arguments: CommandLine.arguments)
if options.showHelp {
    print(BenchmarkOptions.help)
    exit(0)
}
let fixtures = FixtureFiles(packageRoot: PackageRoot.locate())
progress("loading the B4 trace and its updates")
let trace = try B4Trace.load(fixtures)
if ProcessInfo.processInfo.environment["WEFT_BENCH_DIAG"] != nil { diagnose(trace) }
if let only = ProcessInfo.processInfo.environment["WEFT_BENCH_ONLY"] {
    // Profiling aid: run one workload alone.
    let bench = CRDTBenchmarks(trace: trace, fixtures: fixtures, runs: 1)
    switch only {
    case "local": _ = bench.replayLocally()
    case "remote":
        let doc = Doc(clientID: 2)
        for update in trace.updates { try doc.applyUpdate(update) }
    case "body":
        var body = Report()
        BodyEditorBenchmarks.run(into: &body)
        print(body.rendered())
    case "random":
        var generator = SplitMix64(seed: 42)
        let doc = Doc(clientID: 1)
        let text = doc.text("text")
        for length in 0..<100_000 { try text.insert("x", atUTF16: Int(generator.next() % UInt64(length + 1))) }
    default: break
    }
    exit(0)
}
let suite = CRDTBenchmarks(trace: trace, fixtures: fixtures, runs: options.runs)
var report = Report()
suite.run(into: &report)
WorkflowBenchmarks.run(into: &report, runs: options.runs)
EditorBenchmarks.run(into: &report)
BodyEditorBenchmarks.run(into: &report)
if options.includePeers {
    PeerBenchmarks(fixtures: fixtures, packageRoot: PackageRoot.locate()).run(into: &report)
}
print(report.rendered())

func diagnose(_ trace: B4Trace) {
    let doc = Doc(clientID: 1)
    let text = doc.text("text")
    var updates: [[UInt8]] = []
    doc.observeUpdates { update, _ in updates.append(update) }
    for (index, op) in trace.ops.enumerated() {
        doc.transact { transaction in
            do {
                if op.deleteCount > 0 { try text.delete(atUTF16: op.position, count: op.deleteCount, in: transaction) }
                if !op.insert.isEmpty { try text.insert(op.insert, atUTF16: op.position, in: transaction) }
            } catch { progress("op \(index) \(op) threw \(error)") }
        }
        if updates.last != trace.updates[index] {
            progress("op \(index) \(op): ours \(updates.last ?? []) theirs \(trace.updates[index]) len \(text.utf16Count)")
            exit(1)
        }
    }
    progress("diag: all equal")
}
