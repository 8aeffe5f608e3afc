import Foundation
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

/// A fan-out run: every client types one character at a time on a fixed schedule (the total rate
/// spread evenly, phases staggered), and every client reads everything the relay forwards.
///
/// An update is identified on arrival by its first struct's (client, clock), which the relay forwards
/// unchanged; each client types into its own run, so its clock goes up by one per update.
struct FanoutPlan: Sendable {
    let clientCount: Int
    /// Nanoseconds between two updates of one client.
    let period: UInt64
    let start: UInt64
    /// Updates scheduled before this are warm-up: sent and forwarded, not measured.
    let measureFrom: UInt64
    let sendEnd: UInt64
    /// Readers give up waiting for stragglers here; what has not arrived counts as lost.
    let drainEnd: UInt64
    /// Room for one sender's updates in each receiver's table.
    let capacity: Int
    let senderIndex: [ClientID: Int]
    /// Each sender's own clock when the run starts.
    let clockBase: [UInt64]
    let expectedSends: [Int]
    let expectedReceives: [Int]

    init(clients: [BenchClient], rate: Double, warmup: Double, duration: Double, drain: Double) {
        clientCount = clients.count
        period = UInt64((Double(clients.count) / rate * 1e9).rounded())
        start = monotonicNanoseconds() + 100_000_000
        measureFrom = start + UInt64(warmup * 1e9)
        sendEnd = measureFrom + UInt64(duration * 1e9)
        drainEnd = sendEnd + UInt64(drain * 1e9)
        var expected: [Int] = []
        for index in clients.indices {
            let first = start + UInt64(index) * period / UInt64(clients.count)
            expected.append(first < sendEnd ? Int((sendEnd - first - 1) / period) + 1 : 0)
        }
        expectedSends = expected
        let total = expected.reduce(0, +)
        expectedReceives = expected.map { total - $0 }
        capacity = expected.max() ?? 0
        senderIndex = Dictionary(
            uniqueKeysWithValues: clients.enumerated().map { ($0.element.clientID, $0.offset) })
        clockBase = clients.map { UInt64($0.typed) }
    }

    func scheduled(_ sender: Int, _ update: Int) -> UInt64 {
        start + UInt64(sender) * period / UInt64(clientCount) + UInt64(update) * period
    }
}

/// What one client saw in a fan-out run. Written by its worker thread only; read after the join.
final class FanoutRecord: @unchecked Sendable {
    var sendTimes: [UInt64]
    /// Arrival time of sender s's k-th update at index s * capacity + k (0: not arrived).
    var receiveTimes: [UInt64]
    var sent = 0
    var received = 0
    var maxLag: UInt64 = 0
    var problems: [String] = []

    init(plan: FanoutPlan) {
        sendTimes = Array(repeating: 0, count: plan.capacity)
        receiveTimes = Array(repeating: 0, count: plan.capacity * plan.clientCount)
    }
}

struct FanoutResult {
    let targetRate: Double
    var achievedRate = 0.0
    /// Send → the last of the other clients has it.
    var allOthers = Latencies()
    /// Send → one other client has it (each update × each receiver).
    var perDelivery = Latencies()
    var measuredUpdates = 0
    var lostDeliveries = 0
    var maxScheduleLag = 0.0
    var relayCores = 0.0
    var loadCores = 0.0
    var problems: [String] = []

    /// Sustained: p99 within `limit`, at least 90 % of the rate, nothing lost, no errors.
    func sustained(p99Limit: Double) -> Bool {
        allOthers.count > 0 && allOthers.milliseconds(at: 99) <= p99Limit && achievedRate >= 0.9 * targetRate
            && lostDeliveries == 0 && problems.isEmpty
    }
}

enum Fanout {
    /// Runs one fan-out at `rate` updates/s in total over `clients`, on `workers` threads (clients are
    /// dealt round-robin; `workers == clients.count` is one thread per client).
    static func run(
        clients: [BenchClient], rate: Double, warmup: Double, duration: Double, drain: Double, workers: Int,
        relay: RelayProcess
    ) -> FanoutResult {
        let plan = FanoutPlan(clients: clients, rate: rate, warmup: warmup, duration: duration, drain: drain)
        let records = clients.map { _ in FanoutRecord(plan: plan) }
        let relayCPU = relay.cpu
        let ownCPU = processCPUSeconds()
        let began = monotonicNanoseconds()
        let threads = min(workers, clients.count)
        onThreads(threads, name: "fanout") { worker in
            let mine = Array(stride(from: worker, to: clients.count, by: threads))
            work(
                plan: plan, clients: mine.map { clients[$0] }, indices: mine,
                records: mine.map { records[$0] })
        }
        let wall = Double(monotonicNanoseconds() - began) / 1e9
        var result = analyze(plan: plan, records: records, rate: rate)
        result.relayCores = (relay.cpu - relayCPU) / wall
        result.loadCores = (processCPUSeconds() - ownCPU) / wall
        return result
    }

    private static func work(
        plan: FanoutPlan, clients: [BenchClient], indices: [Int], records: [FanoutRecord]
    ) {
        var descriptors = clients.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        var stopped = [Bool](repeating: false, count: clients.count)
        while true {
            var now = monotonicNanoseconds()
            var earliest = UInt64.max
            for (slot, client) in clients.enumerated() {
                let sender = indices[slot]
                let record = records[slot]
                guard record.sent < plan.expectedSends[sender], !stopped[slot] else { continue }
                let due = plan.scheduled(sender, record.sent)
                if due <= now {
                    let frame = client.nextEditFrame()
                    let sentAt = monotonicNanoseconds()
                    do {
                        try client.sendUpdate(frame)
                    } catch {
                        record.problems.append("\(client.name): send failed: \(error)")
                        stopped[slot] = true
                        descriptors[slot].fd = -1
                        continue
                    }
                    record.sendTimes[record.sent] = sentAt
                    record.maxLag = max(record.maxLag, sentAt > due ? sentAt - due : 0)
                    record.sent += 1
                    now = sentAt
                }
                if record.sent < plan.expectedSends[sender] {
                    earliest = min(earliest, plan.scheduled(sender, record.sent))
                }
            }
            if earliest == .max {
                let allArrived = zip(indices, records).allSatisfy { $1.received >= plan.expectedReceives[$0] }
                if allArrived || now >= plan.drainEnd { return }
            }
            let wake = earliest == .max ? plan.drainEnd : earliest
            guard waitReadable(&descriptors, nanoseconds: wake > now ? wake - now : 0) > 0 else { continue }
            let arrived = monotonicNanoseconds()
            for (slot, client) in clients.enumerated() where descriptors[slot].revents != 0 {
                let record = records[slot]
                let open = client.pump { incoming in
                    switch incoming {
                    case .update(let sender, let clock):
                        guard let index = plan.senderIndex[sender], clock >= plan.clockBase[index] else {
                            return
                        }
                        let update = Int(clock - plan.clockBase[index])
                        guard update < plan.capacity else { return }
                        let cell = index * plan.capacity + update
                        if record.receiveTimes[cell] == 0 {
                            record.receiveTimes[cell] = arrived
                            record.received += 1
                        }
                    case .control(.error(let code, let message)):
                        record.problems.append("\(client.name): error \(code): \(message)")
                    default:
                        break
                    }
                }
                if !open {
                    record.problems.append("\(client.name): the relay closed the connection")
                    stopped[slot] = true
                    descriptors[slot].fd = -1
                }
            }
        }
    }

    private static func analyze(plan: FanoutPlan, records: [FanoutRecord], rate: Double) -> FanoutResult {
        var result = FanoutResult(targetRate: rate)
        var lastSend = plan.sendEnd
        for (sender, record) in records.enumerated() {
            result.problems += record.problems
            result.maxScheduleLag = max(result.maxScheduleLag, Double(record.maxLag) / 1e6)
            for update in 0..<record.sent where plan.scheduled(sender, update) >= plan.measureFrom {
                let sentAt = record.sendTimes[update]
                lastSend = max(lastSend, sentAt)
                result.measuredUpdates += 1
                var slowest: UInt64 = 0
                var complete = true
                for (receiver, other) in records.enumerated() where receiver != sender {
                    let arrived = other.receiveTimes[sender * plan.capacity + update]
                    if arrived == 0 {
                        result.lostDeliveries += 1
                        complete = false
                        continue
                    }
                    let latency = arrived > sentAt ? arrived - sentAt : 0
                    result.perDelivery.record(nanoseconds: latency)
                    slowest = max(slowest, latency)
                }
                // A missing delivery counts as at least the whole wait.
                result.allOthers.record(
                    nanoseconds: complete ? slowest : max(slowest, plan.drainEnd - sentAt))
            }
        }
        result.achievedRate = Double(result.measuredUpdates) / (Double(lastSend - plan.measureFrom) / 1e9)
        return result
    }
}

/// CPU time this process has used (all threads), in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}
