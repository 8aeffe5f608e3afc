import Foundation
import WeftProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Durable throughput: writers that each keep up to `window` updates unacknowledged and count the
/// relay's acks (an ack means the update is committed to SQLite, synchronous = FULL).
final class WriterRecord: @unchecked Sendable {
    var sendTimes: [UInt64] = []
    var ackTimes: [UInt64] = []
    var ackLatency = Latencies()
    var problems: [String] = []
    var unacked = 0
}

struct WritersResult {
    var ackedPerSecond = 0.0
    var ackLatency = Latencies()
    var sent = 0
    var acked = 0
    var relayCores = 0.0
    var problems: [String] = []
}

enum Writers {
    static func run(
        clients: [BenchClient], window: Int, warmup: Double, duration: Double, relay: RelayProcess
    )
        -> WritersResult
    {
        let start = monotonicNanoseconds() + 50_000_000
        let measureFrom = start + UInt64(warmup * 1e9)
        let end = measureFrom + UInt64(duration * 1e9)
        let giveUp = end + 30_000_000_000
        let records = clients.map { _ in WriterRecord() }
        let relayCPU = relay.cpu
        onThreads(clients.count, name: "writer") { index in
            let client = clients[index]
            let record = records[index]
            let base = client.updatesSent
            var descriptors = [pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0)]
            while monotonicNanoseconds() < start { sleep(milliseconds: 1) }
            while true {
                let now = monotonicNanoseconds()
                if now < end {
                    while client.updatesSent - client.acked < window {
                        let frame = client.nextEditFrame()
                        let sentAt = monotonicNanoseconds()
                        do { try client.sendUpdate(frame) } catch {
                            record.problems.append("\(client.name): send failed: \(error)")
                            return
                        }
                        record.sendTimes.append(sentAt)
                    }
                } else if client.acked >= client.updatesSent || now >= giveUp || client.closed {
                    break
                }
                let wait = now < end ? min(end - now, 5_000_000) : 5_000_000
                guard waitReadable(&descriptors, nanoseconds: wait) > 0 else { continue }
                let arrived = monotonicNanoseconds()
                let before = client.acked
                let open = client.pump { incoming in
                    if case .control(.error(let code, let message)) = incoming {
                        record.problems.append("\(client.name): error \(code): \(message)")
                    }
                }
                for update in (before - base)..<(client.acked - base) {
                    record.ackTimes.append(arrived)
                    record.ackLatency.record(nanoseconds: arrived - record.sendTimes[update])
                }
                if !open {
                    record.problems.append("\(client.name): the relay closed the connection")
                    break
                }
            }
            record.unacked = client.updatesSent - client.acked
        }
        var result = WritersResult()
        for record in records {
            result.sent += record.sendTimes.count
            result.acked += record.ackTimes.count
            result.ackLatency.add(record.ackLatency)
            result.problems += record.problems
            if record.unacked > 0 { result.problems.append("\(record.unacked) updates never acknowledged") }
            result.ackedPerSecond +=
                Double(record.ackTimes.count { $0 >= measureFrom && $0 < end }) / duration
        }
        result.relayCores = (relay.cpu - relayCPU) / (Double(monotonicNanoseconds() - start) / 1e9)
        return result
    }
}
