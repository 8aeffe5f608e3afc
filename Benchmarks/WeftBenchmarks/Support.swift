import CHeapStats
import Foundation

/// Command-line options of the benchmark executable.
struct BenchmarkOptions {
    var includePeers = true
    var runs = 3
    var showHelp = false

    static let help = """
        USAGE: WeftBenchmarks [--no-peers] [--runs N]

        Runs the YCRDT benchmarks (B4 editing trace, random inserts, parse/encode, memory) and, unless
        --no-peers, the same workloads through pycrdt and loro from the project's .venv.
        Build in release: swift run -c release WeftBenchmarks
        """

    init(arguments: [String]) {
        var index = 1
        while index < arguments.count {
            switch arguments[index] {
            case "--no-peers": includePeers = false
            case "--runs":
                index += 1
                if index < arguments.count, let value = Int(arguments[index]), value > 0 { runs = value }
            case "-h", "--help": showHelp = true
            default:
                FileHandle.standardError.write(Data("unknown option \(arguments[index]); see --help\n".utf8))
                exit(2)
            }
            index += 1
        }
    }
}

/// Progress lines go to standard error so the table on standard output stays clean.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("… \(message)\n".utf8))
}

enum PackageRoot {
    /// The directory holding Package.swift, found from this source file's path or the working directory.
    static func locate() -> URL {
        var candidate = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path) {
                return candidate
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

struct FixtureFiles {
    let directory: URL

    init(packageRoot: URL) {
        directory = packageRoot.appendingPathComponent("Tests/WeftTestSupport/Fixtures/yjs")
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    func gunzipped(_ name: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url(name).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}

/// Wall-clock timing with a monotonic clock.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

/// The best of `runs` timings, in milliseconds.
func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<runs { fastest = min(fastest, try measure(body)) }
    return fastest
}

/// Bytes the allocator has handed out and not had back (glibc's mallinfo2).
func heapBytesInUse() -> Int {
    Int(weft_heap_bytes_in_use())
}

/// Resident set size of this process in bytes, from /proc.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Rows of the printed table.
struct Report {
    struct Row {
        var workload: String
        var ours: String
        var pycrdt: String = "-"
        var loro: String = "-"
        var target: String
    }

    var rows: [Row] = []
    var notes: [String] = []
    /// Our time per workload, for the peer ratios.
    var milliseconds: [String: Double] = [:]

    mutating func add(_ workload: String, ours: String, target: String) {
        rows.append(Row(workload: workload, ours: ours, target: target))
    }

    mutating func add(_ workload: String, milliseconds value: Double, target: String) {
        milliseconds[workload] = value
        add(workload, ours: formatMilliseconds(value), target: target)
    }

    mutating func setPeer(_ workload: String, pycrdt: String? = nil, loro: String? = nil) {
        guard let index = rows.firstIndex(where: { $0.workload == workload }) else { return }
        if let pycrdt { rows[index].pycrdt = pycrdt }
        if let loro { rows[index].loro = loro }
    }

    func rendered() -> String {
        let header = Row(workload: "workload", ours: "YCRDT", pycrdt: "pycrdt (ratio)", loro: "loro (ratio)", target: "target")
        let all = [header] + rows
        func width(_ key: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: key].count }.max() ?? 0 }
        let widths = [width(\.workload), width(\.ours), width(\.pycrdt), width(\.loro), width(\.target)]
        func line(_ row: Row) -> String {
            let cells = [row.workload, row.ours, row.pycrdt, row.loro, row.target]
            return "| " + zip(cells, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        var lines = [line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
        lines += rows.map(line)
        lines += notes.map { "  \($0)" }
        return lines.joined(separator: "\n")
    }
}

func formatMilliseconds(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.2f ms", value)
}
