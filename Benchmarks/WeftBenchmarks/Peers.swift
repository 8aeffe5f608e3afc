import Foundation

/// Runs the same workloads through pycrdt (yrs) and loro from the project's venv and adds their
/// times, and our time divided by theirs, to the report.
struct PeerBenchmarks {
    let fixtures: FixtureFiles
    let packageRoot: URL
    /// pycrdt goes super-linear on random inserts (100k take minutes), so peers run 20k of them.
    static let randomCount = 20_000

    func run(into report: inout Report) {
        let python = packageRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            report.notes.append("peers skipped: no .venv (run scripts/bootstrap to create it with pycrdt and loro)")
            return
        }
        progress("running pycrdt and loro on the same workloads (this takes about 20 s)")
        let process = Process()
        process.executableURL = python
        process.arguments = [
            packageRoot.appendingPathComponent("Benchmarks/peers/crdt_peers.py").path,
            fixtures.directory.path, String(Self.randomCount),
        ]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            report.notes.append("peers failed to start: \(error)")
            return
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let results = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Double]]
        else {
            report.notes.append("peers failed (exit \(process.terminationStatus)); see the messages above")
            return
        }
        let rows: [(key: String, workload: String)] = [
            ("local", "B4 local apply, 1 txn/op"),
            ("remote", "B4 remote apply of per-op updates"),
            ("parse", "B4 parse 223 KB document"),
            ("encode", "B4 encode document (v1)"),
            ("random", "20k random-position inserts"),
        ]
        for (key, workload) in rows {
            guard let ours = report.milliseconds[workload] else { continue }
            func cell(_ peer: String) -> String? {
                guard let theirs = results[peer]?[key] else { return nil }
                return "\(formatMilliseconds(theirs)) (\(String(format: "%.2f×", ours / theirs)))"
            }
            report.setPeer(workload, pycrdt: cell("pycrdt"), loro: cell("loro"))
        }
        report.notes.append("ratio = YCRDT time / peer time (below 1 means YCRDT is faster)")
        report.notes.append("loro runs its own update format: remote = its own per-commit updates; parse/encode = its (lazy) snapshot")
    }
}
