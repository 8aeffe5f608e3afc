import Foundation
import Histogram

#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on the monotonic clock (CLOCK_MONOTONIC), comparable across the threads of this process.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// Progress lines go to standard error so the table on standard output stays clean.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("… \(message)\n".utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("RelayBenchmarks: \(message)\n".utf8))
    exit(1)
}

func sleep(milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1000))
}

/// Latencies in microseconds, 3 significant digits, up to 10 minutes.
struct Latencies: Sendable {
    private(set) var histogram = Histogram<UInt64>(
        highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(max(1, nanoseconds / 1000))
    }

    mutating func add(_ other: Latencies) { histogram.add(other.histogram) }

    var count: UInt64 { histogram.totalCount }

    /// A percentile in milliseconds.
    func milliseconds(at percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    var maxMilliseconds: Double { Double(histogram.max) / 1000 }

    /// "p50 / p99 / max" in milliseconds.
    var summary: String {
        guard count > 0 else { return "no samples" }
        return
            "\(formatMS(milliseconds(at: 50))) / \(formatMS(milliseconds(at: 99))) / \(formatMS(maxMilliseconds)) ms"
    }
}

func formatMS(_ value: Double) -> String {
    if value >= 100 { return String(format: "%.0f", value) }
    if value >= 10 { return String(format: "%.1f", value) }
    return String(format: "%.2f", value)
}

func formatRate(_ value: Double) -> String {
    let rounded = Int(value.rounded())
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = ","
    formatter.usesGroupingSeparator = true
    return formatter.string(from: NSNumber(value: rounded)) ?? "\(rounded)"
}

/// Runs `body(index)` on `count` Foundation threads and waits for all of them.
func onThreads(_ count: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            body(index)
            done.signal()
        }
        thread.name = "\(name)-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}

/// The directory holding Package.swift, found from this source file's path or the working directory.
enum PackageRoot {
    static func locate() -> URL {
        var candidate = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path)
            {
                return candidate
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

/// Resident memory of a process from /proc/PID/status, in bytes.
func residentBytes(of pid: Int32, field: String = "VmRSS") -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("\(field):") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count >= 2, let kilobytes = Int(parts[1]) { return kilobytes * 1024 }
    }
    return 0
}

/// A process's /proc/PID/smaps_rollup in bytes, by field (Rss, Pss, Private_Clean, Private_Dirty, …).
func memoryRollup(of pid: Int32) -> [String: Int] {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else {
        return [:]
    }
    var fields: [String: Int] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasSuffix(":"), let kilobytes = Int(parts[1]) else { continue }
        fields[String(parts[0].dropLast())] = kilobytes * 1024
    }
    return fields
}

/// The 1-minute load average (other work on the machine skews every number here).
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").first.map(String.init) ?? "?"
}

/// CPU time (user + system) a process has used, in seconds, from /proc/PID/stat.
func cpuSeconds(of pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// fdatasync latency of a 100-byte write in `directory`, into a file that already has its size (as
/// SQLite's WAL does once it exists): the least one durable commit costs on this disk.
func fsyncLatency(in directory: String, samples: Int = 200) -> Latencies {
    var latencies = Latencies()
    let path = directory + "/fsync-probe"
    let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { return latencies }
    defer {
        close(descriptor)
        unlink(path)
    }
    let block = [UInt8](repeating: 0, count: 1 << 20)
    _ = block.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    fsync(descriptor)
    let bytes = [UInt8](repeating: 0x78, count: 100)
    for sample in 0..<samples {
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(sample * 4096)) }
        let start = monotonicNanoseconds()
        fdatasync(descriptor)
        latencies.record(nanoseconds: monotonicNanoseconds() - start)
    }
    return latencies
}
