import Foundation
import WeftProtocol
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

/// Two relays sharing one PostgreSQL database (issue #9): how long an update takes from a client of
/// one relay to the clients of the other, and how many durable acks a relay gives with PostgreSQL as
/// its store.
///
/// The relays run in their own processes on their own sockets, with a fresh schema in the given
/// database, so nothing of an earlier run is read. Half the clients join through relay A and half
/// through relay B, all on one workflow, and all type: an update reaches the other half only through
/// the database (A commits it, PostgreSQL notifies B, B reads it from the log and forwards it).
enum MultiRelay {
    static let clientsPerRelay = 5
    static let rate = 100.0

    static func run(
        binary: WeftBinary, postgresURL: String, scratch: String, fixtureText: String, options: Options,
        report: inout Report
    ) {
        let schema = "weft_bench_\(getpid())"
        let url = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=\(schema)"
        let folder = scratch + "/relays"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let projectPath = folder + "/project.yaml"
        do { try fixtureText.write(toFile: projectPath, atomically: true, encoding: .utf8) } catch {
            fail("cannot write \(projectPath): \(error)")
        }
        let relayA = RelayProcess(
            binary: binary, socket: folder + "/a.sock", database: url, unloadAfter: 30, cpu: options.relayCPU)
        let relayB = RelayProcess(
            binary: binary, socket: folder + "/b.sock", database: url, unloadAfter: 30, cpu: options.relayCPU)
        relayA.start()
        relayB.start()
        progress("two relays: pids \(relayA.pid) and \(relayB.pid) on PostgreSQL schema \(schema)")
        binary.run(["deploy", projectPath, "--socket", relayA.socket])
        let workflow = fixtureWorkflowIDs(binary.run(["ls", "--json", "--socket", relayA.socket])).first

        var clients: [BenchClient] = []
        for index in 0..<(2 * clientsPerRelay) {
            let onA = index % 2 == 0
            let name = "\(onA ? "a" : "b")-editor-\(index / 2)"
            do {
                let client = try BenchClient(socket: onA ? relayA.socket : relayB.socket, name: name)
                try client.join(workflow, typeIntoJob: 0)
                clients.append(client)
            } catch {
                fail("\(name) could not join \(workflow): \(error)")
            }
        }
        progress(
            "two relays: \(clients.count) clients (\(clientsPerRelay) per relay), \(formatRate(rate)) updates/s, "
                + "2 s warm-up + \(Int(options.duration)) s")
        let fanout = Fanout.run(
            clients: clients, rate: rate, warmup: 2, duration: options.duration, drain: 3,
            workers: clients.count, relay: relayA)
        progress(describe(fanout))
        report.add(
            "two relays on PostgreSQL, \(clientsPerRelay) clients on each, \(formatRate(rate)) updates/s: send → all "
                + "\(clients.count - 1) others, half of them on the other relay (p50 / p99 / max)",
            fanout.allOthers.summary, "p99 ≤ 20 ms",
            met: fanout.allOthers.count > 0 && fanout.allOthers.milliseconds(at: 99) <= 20 && fanout.lostDeliveries == 0)
        report.add(
            "… per delivery, either relay (p50 / p99 / max); lost",
            fanout.perDelivery.summary + "; \(fanout.lostDeliveries) lost", "–")
        report.problems += fanout.problems.prefix(5)
        for client in clients { client.close() }

        progress(
            "two relays: durable acks with PostgreSQL, \(options.writers) writers on relay A, one workflow, "
                + "1 s warm-up + 5 s")
        var writers: [BenchClient] = []
        for index in 0..<options.writers {
            do {
                let client = try BenchClient(socket: relayA.socket, name: "pg-writer-\(index)")
                try client.join(workflow, typeIntoJob: 0)
                writers.append(client)
            } catch {
                fail("a writer could not join \(workflow): \(error)")
            }
        }
        let durable = Writers.run(clients: writers, window: 100, warmup: 1, duration: 5, relay: relayA)
        progress(describe(durable))
        report.add(
            "durable acked updates/s with PostgreSQL, \(options.writers) writers on one workflow (window 100)",
            "\(formatRate(durable.ackedPerSecond))/s", "–")
        report.add(
            "… send → ack (p50 / p99 / max), relay CPU",
            durable.ackLatency.summary + ", \(String(format: "%.2f", durable.relayCores)) cores", "–")
        report.problems += durable.problems.prefix(5)
        for writer in writers { writer.close() }
        relayA.stop()
        relayB.stop()
        progress("two relays: done; schema \(schema) stays in the database (DROP SCHEMA \(schema) CASCADE)")
    }
}
