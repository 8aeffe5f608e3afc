import Foundation

/// Command-line options.
struct Options {
    enum Scenario: String, CaseIterable {
        case fanout, saturation, writers, deploys, memory
        /// Two relays on one PostgreSQL (issue #9); runs only with `--postgres`.
        case relays
    }

    var weftPath: String?
    var directory: String?
    var databaseDirectory: String?
    var clients = 50
    var documents = 200
    var writers = 10
    var relayCPU: String?
    var duration = 10.0
    var workers = 50
    var keep = false
    /// `--postgres URL` (or WEFT_BENCH_POSTGRES_URL): the database of the two-relay measurement.
    var postgresURL = ProcessInfo.processInfo.environment["WEFT_BENCH_POSTGRES_URL"]
    var only: Set<Scenario> = Set(Scenario.allCases)
    var saturationSteps: [Double] = [
        1_000, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 50_000,
    ]

    static let help = """
        USAGE: RelayBenchmarks [--weft PATH] [--dir DIR] [--db-dir DIR] [--workers N] [--duration S] [--writers N] [--relay-cpu L]
                               [--only fanout,saturation,writers,deploys,memory,relays] [--steps R,R,…]
                               [--postgres URL] [--keep]

        Starts the release `weft relay` (build it first, self-contained as operators deploy it:
        swift build -c release --static-swift-stdlib --product weft --scratch-path .build/static) on a
        scratch socket and database and measures fan-out latency at 500 updates/s over 50 clients, the
        saturation rate, durable acked updates/s from 10 writers, deploy → workflow_saved on 50 clients,
        and memory per loaded document. About 2–3 minutes. With --postgres, also two relays on one
        PostgreSQL database (issue #9): propagation from clients of one relay to clients of the other,
        and durable acked updates/s with PostgreSQL as the store.

          --weft PATH     the weft binary (default: .build/static/release/weft, else .build/release/weft)
          --dir DIR       scratch directory for the socket and database (default: a new one in /tmp)
          --db-dir DIR    put the database here instead (e.g. /dev/shm to take the disk's fsync out)
          --workers N     client threads; clients are dealt round-robin (default 50: one per client)
          --duration S    seconds of the 500/s fan-out measurement (default 10)
          --writers N     writers of the durable-ack measurement (default 10)
          --relay-cpu L   pin the relay to these CPUs (taskset list); run this program under
                          `taskset -c OTHER` to keep the two apart, as pycrdt-websocket was measured
          --only LIST     run only these measurements (comma-separated)
          --steps LIST    the saturation rates to try, in order (default 1000,2000,3000,4000,5000,7500,10000,…,50000)
          --postgres URL  a PostgreSQL database for the two-relay measurement (a fresh schema is
                          made in it); also WEFT_BENCH_POSTGRES_URL. For a throwaway server:
                          export WEFT_BENCH_POSTGRES_URL=$(scripts/postgres-test-cluster start)
          --keep          keep the scratch directory
        """

    init(arguments: [String]) {
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value; see --help") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--weft": weftPath = value()
            case "--dir": directory = value()
            case "--db-dir": databaseDirectory = value()
            case "--workers": workers = max(1, Int(value()) ?? 50)
            case "--duration": duration = max(1, Double(value()) ?? 10)
            case "--keep": keep = true
            case "--writers": writers = max(1, Int(value()) ?? 10)
            case "--relay-cpu": relayCPU = value()
            case "--postgres": postgresURL = value()
            case "--steps":
                saturationSteps = value().split(separator: ",").compactMap { Double($0) }
                if saturationSteps.isEmpty { fail("--steps needs rates, e.g. 1000,2000,5000") }
            case "--only":
                only = Set(
                    value().split(separator: ",").map { name in
                        guard let scenario = Scenario(rawValue: String(name)) else {
                            fail("unknown measurement \(name)")
                        }
                        return scenario
                    })
            case "-h", "--help":
                print(Options.help)
                exit(0)
            default:
                fail("unknown option \(arguments[index]); see --help")
            }
            index += 1
        }
    }

    func runs(_ scenario: Scenario) -> Bool { only.contains(scenario) }

    /// The scratch directory: `--dir`, or a fresh one under /tmp (short enough for a socket path).
    func scratchDirectory() -> String {
        if let directory {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory
        }
        var template = Array("/tmp/weft-relay-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fail("mkdtemp failed") }
        return String(cString: made)
    }
}

/// The printed table.
struct Report {
    var rows: [(measurement: String, result: String, target: String)] = []
    var steps: [(rate: Double, result: FanoutResult, sustained: Bool)] = []
    var problems: [String] = []

    mutating func add(_ measurement: String, _ result: String, _ target: String, met: Bool? = nil) {
        let mark = met.map { $0 ? "met" : "MISSED" }
        rows.append((measurement, result, mark.map { "\(target) (\($0))" } ?? target))
    }

    func rendered() -> String {
        var lines = table(
            ["measurement", "result", "target"], rows.map { [$0.measurement, $0.result, $0.target] })
        if !steps.isEmpty {
            lines.append("")
            lines += table(
                [
                    "offered/s", "achieved/s", "all others p50 / p99 / max", "per delivery p99", "lost",
                    "relay cores", "sustained",
                ],
                steps.map { step in
                    [
                        formatRate(step.rate), formatRate(step.result.achievedRate),
                        step.result.allOthers.summary,
                        "\(formatMS(step.result.perDelivery.milliseconds(at: 99))) ms",
                        "\(step.result.lostDeliveries)",
                        String(format: "%.2f", step.result.relayCores), step.sustained ? "yes" : "no",
                    ]
                })
        }
        if !problems.isEmpty {
            lines.append("")
            lines += problems.map { "problem: \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private func table(_ header: [String], _ body: [[String]]) -> [String] {
        let all = [header] + body
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| "
                + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(
                    separator: " | ") + " |"
        }
        return [
            line(header),
            "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|",
        ]
            + body.map(line)
    }
}
