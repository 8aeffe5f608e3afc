import Foundation
import WeftClient
import WeftProtocol
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

// The relay load generator (issue #5). It starts the release `weft relay` in its own process on a
// scratch socket and database, deploys the OpenFn fixture, and drives the relay over its socket with
// many clients on Foundation threads: fan-out latency, saturation, durable acks, deploy notices and
// memory. Build the relay first, then run this in release:
//
//   swift build -c release --static-swift-stdlib --product weft --scratch-path .build/static
//   swift run -c release RelayBenchmarks
//
// The table goes to standard output, progress to standard error. Linux only (/proc).

let options = Options(arguments: CommandLine.arguments)
let binary = WeftBinary.locate(options.weftPath)
let scratch = options.scratchDirectory()
let socketPath = scratch + "/relay.sock"
let databaseDirectory = options.databaseDirectory ?? scratch
let databasePath = databaseDirectory + "/relay.sqlite"
var report = Report()
let loadAtStart = loadAverage()

progress("scratch directory \(scratch); database \(databasePath); relay \(binary.path)")
let fixtureText: String
do {
    let fixture = PackageRoot.locate().appendingPathComponent(
        "Tests/WeftTestSupport/Fixtures/openfn/lightning-canonical_project.yaml")
    fixtureText = try String(contentsOf: fixture, encoding: .utf8)
} catch {
    fail("cannot read the OpenFn fixture: \(error)")
}
// A copy, so that `weft deploy` writes its .state.json in the scratch directory, not among the fixtures.
let projectPath = scratch + "/project.yaml"
do { try fixtureText.write(toFile: projectPath, atomically: true, encoding: .utf8) } catch {
    fail("cannot write \(projectPath): \(error)")
}

let fsyncProbe = fsyncLatency(in: databaseDirectory)
report.add(
    "fdatasync of a 100-byte write where the database lives (p50 / p99 / max)", fsyncProbe.summary,
    "– (context: one durable commit)")

// MARK: Relay A: idle memory, then the fixture

let relay = RelayProcess(
    binary: binary, socket: socketPath, database: databasePath, unloadAfter: 30, cpu: options.relayCPU)
relay.start()
sleep(milliseconds: 1000)
let idleRSS = relay.rss
progress("relay pid \(relay.pid) idle at \(megabytes(idleRSS))")
let idleRollup = memoryRollup(of: relay.pid)
let idleAnonymous = idleRollup["Anonymous"] ?? 0
let idleUnique = (idleRollup["Private_Clean"] ?? 0) + (idleRollup["Private_Dirty"] ?? 0)
report.add(
    "idle relay RSS right after start (empty database)", megabytes(idleRSS), "≤ 30 MB",
    met: idleRSS <= 30_000_000)
report.add(
    "… of which anonymous / mapped files; USS (private) / PSS",
    "\(megabytes(idleAnonymous)) / \(megabytes(idleRSS - idleAnonymous)); \(megabytes(idleUnique)) / \(megabytes(idleRollup["Pss"] ?? 0))",
    "–")

progress(
    binary.run(["deploy", projectPath, "--socket", socketPath]).trimmingCharacters(
        in: .whitespacesAndNewlines))
let workflowIDs = fixtureWorkflowIDs(binary.run(["ls", "--json", "--socket", socketPath]))

// MARK: 1 and 2: fan-out to 50 clients

if options.runs(.fanout) || options.runs(.saturation) {
    progress("joining \(options.clients) clients to workflow 1")
    let clients = joinClients(options.clients, workflow: workflowIDs.first, prefix: "editor")
    if options.runs(.fanout) {
        progress(
            "fan-out: \(options.clients) clients, 500 updates/s, 2 s warm-up + \(Int(options.duration)) s")
        let result = Fanout.run(
            clients: clients, rate: 500, warmup: 2, duration: options.duration, drain: 2,
            workers: options.workers,
            relay: relay)
        progress(describe(result))
        report.add(
            "\(options.clients) clients, 500 updates/s: send → all \(options.clients - 1) others have it (p50 / p99 / max)",
            result.allOthers.summary, "p99 ≤ 5 ms", met: result.allOthers.milliseconds(at: 99) <= 5)
        report.add(
            "… per delivery, send → one other client (p50 / p99 / max)", result.perDelivery.summary, "–")
        report.add(
            "… achieved rate, relay CPU, lost",
            "\(formatRate(result.achievedRate))/s, \(String(format: "%.2f", result.relayCores)) cores, \(result.lostDeliveries) lost",
            "–")
        report.problems += result.problems.prefix(5)
    }
    if options.runs(.saturation) {
        var highest = 0.0
        var firstFailure: String?
        for rate in options.saturationSteps {
            var sustained = false
            var result: FanoutResult
            // A step that fails is tried once more: on a shared machine one burst of other work can sink it.
            repeat {
                // A retry: let the failed step's backlog clear first.
                if report.steps.contains(where: { $0.rate == rate }) { sleep(milliseconds: 2000) }
                progress(
                    "saturation: \(formatRate(rate)) updates/s over \(options.clients) clients, 1 s warm-up + 3 s"
                )
                result = Fanout.run(
                    clients: clients, rate: rate, warmup: 1, duration: 3, drain: 3, workers: options.workers,
                    relay: relay)
                progress(describe(result))
                sustained = result.sustained(p99Limit: 50)
                report.steps.append((rate, result, sustained))
            } while !sustained && report.steps.count { $0.rate == rate } < 2 && result.problems.isEmpty
            if sustained {
                highest = rate
            } else {
                firstFailure = "\(formatRate(rate))/s: " + failureReason(result)
                break
            }
        }
        report.add(
            "saturation: highest sustained rate fanned out to \(options.clients) (p99 ≤ 50 ms, ≥ 90 % of the rate)",
            "\(formatRate(highest))/s" + (firstFailure.map { " (fails at \($0))" } ?? ""), "≥ 10,000/s",
            met: highest >= 10_000)
    }
    for client in clients { client.close() }
}

// MARK: 3: durable acknowledged updates

if options.runs(.writers) {
    progress(
        "durable acks: \(options.writers) writers on workflow 1, up to 100 unacked each, 1 s warm-up + 5 s")
    let writers = joinClients(options.writers, workflow: workflowIDs.first, prefix: "writer")
    let result = Writers.run(clients: writers, window: 100, warmup: 1, duration: 5, relay: relay)
    progress(describe(result))
    report.add(
        "durable acked updates/s, \(options.writers) writers on one workflow (window 100)",
        "\(formatRate(result.ackedPerSecond))/s",
        "≥ 10,000/s", met: result.ackedPerSecond >= 10_000)
    report.add(
        "… send → ack (p50 / p99 / max), relay CPU",
        result.ackLatency.summary + ", \(String(format: "%.2f", result.relayCores)) cores", "–")
    report.problems += result.problems.prefix(5)
    for writer in writers { writer.close() }
}

// The 200 small workflows of the memory run, deployed now so the writers can also use 10 of them.
let manyIDs = options.runs(.writers) || options.runs(.memory) ? deployMany(count: options.documents) : []

if options.runs(.writers) {
    progress(
        "durable acks: \(options.writers) writers on \(options.writers) workflows (no fan-out), 1 s warm-up + 5 s"
    )
    let writers = (0..<min(options.writers, manyIDs.count)).map { index in
        joinClient(workflow: manyIDs[index], name: "solo-\(index)", job: 0)
    }
    let result = Writers.run(clients: writers, window: 100, warmup: 1, duration: 5, relay: relay)
    progress(describe(result))
    report.add(
        "durable acked updates/s, \(options.writers) writers on \(options.writers) workflows (window 100)",
        "\(formatRate(result.ackedPerSecond))/s",
        "–")
    report.add(
        "… send → ack (p50 / p99 / max), relay CPU",
        result.ackLatency.summary + ", \(String(format: "%.2f", result.relayCores)) cores", "–")
    report.problems += result.problems.prefix(5)
    for writer in writers { writer.close() }
}

// MARK: 4: deploy → workflow_saved everywhere

if options.runs(.deploys) {
    progress(
        "deploys: \(options.clients) clients on workflow 2, 2 warm-up + 20 deploys alternating two versions")
    let listeners = joinClients(options.clients, workflow: workflowIDs.second, prefix: "watcher", job: nil)
    let state: YAny
    do {
        state = try JSON.parse(try String(contentsOfFile: scratch + "/.state.json", encoding: .utf8))
    } catch {
        fail("cannot read the state file weft deploy wrote: \(error)")
    }
    let result = Deploys.run(
        listeners: listeners, socket: socketPath, workflowID: workflowIDs.second,
        versions: (fixtureText, secondVersion(of: fixtureText)), state: state, warmupRounds: 2, rounds: 20,
        pause: 100)
    progress(
        "deploy → all notified \(result.allNotified.summary); deploy → deployed \(result.answered.summary)")
    report.add(
        "deploy sent → all \(options.clients) clients have workflow_saved, \(result.rounds) deploys (p50 / p99 / max)",
        result.allNotified.summary, "p99 ≤ 50 ms",
        met: result.rounds > 0 && result.allNotified.milliseconds(at: 99) <= 50)
    report.add("… deploy sent → deployer has `deployed` (p50 / p99 / max)", result.answered.summary, "–")
    report.problems += result.problems.prefix(5)
    for listener in listeners { listener.close() }
}

relay.stop()

// MARK: 5: memory per loaded document (a fresh relay on the same database)

if options.runs(.memory) {
    let fresh = RelayProcess(
        binary: binary, socket: socketPath, database: databasePath, unloadAfter: 600, cpu: options.relayCPU)
    fresh.start()
    sleep(milliseconds: 1000)
    let started = fresh.rss
    progress(
        "memory: fresh relay pid \(fresh.pid) at \(megabytes(started)); connecting \(manyIDs.count) clients")
    let clients = manyIDs.indices.map { index in
        do { return try BenchClient(socket: socketPath, name: "reader-\(index)") } catch {
            fail("connect: \(error)")
        }
    }
    // Something to answer proves each connection is being served before we measure.
    for client in clients {
        do {
            try client.connection.send(.control(.ping(id: nil)))
            _ = try client.connection.receive(timeout: .seconds(30)) { message -> Bool? in
                if case .control(.pong) = message { return true }
                return nil
            }
        } catch { fail("ping: \(error)") }
    }
    sleep(milliseconds: 1000)
    let connected = fresh.rss
    progress(
        "memory: \(manyIDs.count) connected at \(megabytes(connected)); joining each to its own workflow")
    for (client, id) in zip(clients, manyIDs) {
        do { try client.join(id, typeIntoJob: nil) } catch { fail("join: \(error)") }
    }
    sleep(milliseconds: 1000)
    let loaded = fresh.rss
    progress("memory: \(manyIDs.count) documents loaded at \(megabytes(loaded))")
    let perDocument = (loaded - connected) / manyIDs.count
    let perConnection = (connected - started) / manyIDs.count
    report.add(
        "RSS per loaded small document (\(manyIDs.count) joined, 3 jobs each)", kilobytes(perDocument),
        "≤ 200 KB",
        met: perDocument <= 200_000)
    report.add("… RSS per connected client (before joining)", kilobytes(perConnection), "–")
    report.add(
        "… relay RSS: started / \(manyIDs.count) connected / \(manyIDs.count) loaded",
        "\(megabytes(started)) / \(megabytes(connected)) / \(megabytes(loaded))", "–")
    for client in clients { client.close() }
    fresh.stop()
}

// MARK: 6: two relays on one PostgreSQL (issue #9)

if options.runs(.relays) {
    if let postgresURL = options.postgresURL {
        MultiRelay.run(
            binary: binary, postgresURL: postgresURL, scratch: scratch, fixtureText: fixtureText, options: options,
            report: &report)
    } else {
        progress("two relays: skipped (no --postgres URL or WEFT_BENCH_POSTGRES_URL)")
    }
}

report.add(
    "machine load average (1 min) at start / end, on \(ProcessInfo.processInfo.activeProcessorCount) CPUs",
    "\(loadAtStart) / \(loadAverage())", "– (context)")
print(report.rendered())
if !options.keep { try? FileManager.default.removeItem(atPath: scratch) }
if options.databaseDirectory != nil, !options.keep {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) }
}

// MARK: Helpers

func joinClient(workflow: String, name: String, job: Int?) -> BenchClient {
    do {
        let client = try BenchClient(socket: socketPath, name: name)
        try client.join(workflow, typeIntoJob: job)
        return client
    } catch {
        fail("\(name) could not join \(workflow): \(error)")
    }
}

func joinClients(_ count: Int, workflow: String, prefix: String, job: Int? = 0) -> [BenchClient] {
    (0..<count).map {
        joinClient(workflow: workflow, name: "\(prefix)-\(String(format: "%02d", $0))", job: job)
    }
}

/// The ids of the fixture's "workflow 1" and "workflow 2" from `weft ls --json`.
func fixtureWorkflowIDs(_ listing: String) -> (first: String, second: String) {
    guard let projects = (try? JSON.parse(listing))?.arrayValue else {
        fail("weft ls --json printed no list: \(listing)")
    }
    var ids: [String: String] = [:]
    for project in projects where project.objectValue?["name"]?.stringValue == "a-test-project" {
        for workflow in project.objectValue?["workflows"]?.arrayValue ?? [] {
            if let name = workflow.objectValue?["name"]?.stringValue,
                let id = workflow.objectValue?["id"]?.stringValue
            {
                ids[name] = id
            }
        }
    }
    guard let first = ids["workflow 1"], let second = ids["workflow 2"] else {
        fail("the fixture's workflows are missing: \(listing)")
    }
    return (first, second)
}

/// The fixture with one job body of workflow 2 changed: the second version the deploys alternate with.
func secondVersion(of yaml: String) -> String {
    guard let job = yaml.range(of: "some-cronjob:"),
        let body = yaml.range(of: "console.log('hello!');", range: job.upperBound..<yaml.endIndex)
    else { fail("the fixture changed: no some-cronjob body to edit") }
    return yaml.replacingCharacters(in: body, with: "console.log('hello, second version!');")
}

/// A project of `count` small workflows (three jobs, a webhook, three edges each, like the fixture's
/// workflow 1), deployed through the relay; returns their ids.
func deployMany(count: Int) -> [String] {
    var yaml = "name: bench-documents\nworkflows:\n"
    for index in 0..<count {
        let key = String(format: "wf-%03d", index)
        yaml += """
              \(key):
                name: \(key)
                jobs:
                  fetch:
                    name: fetch
                    adaptor: '@openfn/language-http@latest'
                    body: |
                      get('https://example.com/items/\(index)')
                  on-fail:
                    name: on fail
                    adaptor: '@openfn/language-common@latest'
                    body: |
                      console.log('failed \(index)')
                  transform:
                    name: transform
                    adaptor: '@openfn/language-common@latest'
                    body: |
                      fn(state => ({ ...state, index: \(index) }))
                triggers:
                  webhook:
                    type: webhook
                    enabled: true
                edges:
                  webhook->fetch:
                    source_trigger: webhook
                    target_job: fetch
                    condition_type: always
                    enabled: true
                  fetch->on-fail:
                    source_job: fetch
                    target_job: on-fail
                    condition_type: on_job_failure
                    enabled: true
                  fetch->transform:
                    source_job: fetch
                    target_job: transform
                    condition_type: on_job_success
                    enabled: true

            """
    }
    progress("deploying a project of \(count) small workflows")
    do {
        let connection = try RelayConnection(path: socketPath)
        try connection.send(
            .control(
                .deploy(
                    project: .object(["yaml": .string(yaml), "file": .string("bench.yaml")]), allowStale: true
                )))
        let reply = try connection.receive(timeout: .seconds(300)) { message -> ControlMessage? in
            if case .control(let control) = message {
                switch control {
                case .deployed, .deployFailed, .error: return control
                default: return nil
                }
            }
            return nil
        }
        guard case .deployed(_, let workflows, _) = reply else {
            fail("the generated project was refused: \(reply)")
        }
        let ids = workflows.compactMap { $0.objectValue?["id"]?.stringValue }
        guard ids.count == count else {
            fail("the generated project deployed \(ids.count) of \(count) workflows")
        }
        return ids
    } catch {
        fail("deploying the generated project: \(error)")
    }
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
func kilobytes(_ bytes: Int) -> String { String(format: "%.0f KB", Double(bytes) / 1e3) }

func describe(_ result: FanoutResult) -> String {
    "all others \(result.allOthers.summary); per delivery \(result.perDelivery.summary); "
        + "\(formatRate(result.achievedRate))/s achieved, \(result.lostDeliveries) lost, "
        + "schedule lag ≤ \(formatMS(result.maxScheduleLag)) ms, relay \(String(format: "%.2f", result.relayCores)) cores, "
        + "load generator \(String(format: "%.2f", result.loadCores)) cores"
        + (result.problems.isEmpty ? "" : "; \(result.problems.count) problems, first: \(result.problems[0])")
}

func describe(_ result: WritersResult) -> String {
    "\(formatRate(result.ackedPerSecond)) acked/s; \(result.acked) of \(result.sent) acked; send → ack \(result.ackLatency.summary); "
        + "relay \(String(format: "%.2f", result.relayCores)) cores"
        + (result.problems.isEmpty ? "" : "; \(result.problems.count) problems, first: \(result.problems[0])")
}

func failureReason(_ result: FanoutResult) -> String {
    var reasons: [String] = []
    if result.allOthers.count > 0, result.allOthers.milliseconds(at: 99) > 50 {
        reasons.append("p99 \(formatMS(result.allOthers.milliseconds(at: 99))) ms")
    }
    if result.achievedRate < 0.9 * result.targetRate {
        reasons.append("achieved \(formatRate(result.achievedRate))/s")
    }
    if result.lostDeliveries > 0 { reasons.append("\(result.lostDeliveries) deliveries missing") }
    if !result.problems.isEmpty { reasons.append(result.problems[0]) }
    return reasons.joined(separator: ", ")
}
