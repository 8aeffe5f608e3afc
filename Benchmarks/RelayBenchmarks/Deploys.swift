import Foundation
import WeftClient
import WeftProtocol
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

/// Deploy → every editor has `workflow_saved`: a deployer alternates two versions of a project file
/// (one job body differs) while listeners joined to the changed workflow note when each notice arrives.
final class ListenRecord: @unchecked Sendable {
    /// (lock_version, arrival) of each `workflow_saved`.
    var notices: [(lockVersion: Int, at: UInt64)] = []
    var problems: [String] = []
}

final class DeployerRecord: @unchecked Sendable {
    /// (lock_version the deploy made, sent, `deployed` received).
    var rounds: [(lockVersion: Int, sent: UInt64, answered: UInt64)] = []
    var problems: [String] = []
    /// When the deployer stopped (0 while it runs); read by the listeners, hence the lock.
    private let lock = NSLock()
    private var finished: UInt64 = 0

    var finishedAt: UInt64 { lock.withLock { finished } }
    func finish() { lock.withLock { finished = monotonicNanoseconds() } }
}

struct DeploysResult {
    /// Deploy sent → the last listener has `workflow_saved`.
    var allNotified = Latencies()
    /// Deploy sent → the deployer has `deployed` (the relay answers after the broadcast).
    var answered = Latencies()
    var rounds = 0
    var problems: [String] = []
}

enum Deploys {
    static func run(
        listeners: [BenchClient], socket: String, workflowID: String, versions: (String, String), state: YAny,
        warmupRounds: Int, rounds: Int, pause: Int
    ) -> DeploysResult {
        let total = warmupRounds + rounds
        let listenRecords = listeners.map { _ in ListenRecord() }
        let deployer = DeployerRecord()
        let giveUp = monotonicNanoseconds() + 120_000_000_000
        onThreads(listeners.count + 1, name: "deploy") { index in
            if index == listeners.count {
                deploy(
                    socket: socket, workflowID: workflowID, versions: versions, state: state, count: total,
                    pause: pause,
                    into: deployer)
                deployer.finish()
                return
            }
            let client = listeners[index]
            let record = listenRecords[index]
            var descriptors = [pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0)]
            while record.notices.count < total, monotonicNanoseconds() < giveUp {
                // The deployer gave up or is done: what has not arrived 2 s later will not.
                let finished = deployer.finishedAt
                if finished > 0, monotonicNanoseconds() > finished + 2_000_000_000 { break }
                guard waitReadable(&descriptors, nanoseconds: 100_000_000) > 0 else { continue }
                let arrived = monotonicNanoseconds()
                let open = client.pump { incoming in
                    switch incoming {
                    case .control(.workflowSaved(let lockVersion, _, _, _, _, _)):
                        record.notices.append((lockVersion, arrived))
                    case .control(.error(let code, let message)):
                        record.problems.append("\(client.name): error \(code): \(message)")
                    default:
                        break
                    }
                }
                if !open {
                    record.problems.append("\(client.name): the relay closed the connection")
                    return
                }
            }
        }
        var result = DeploysResult()
        result.problems = deployer.problems + listenRecords.flatMap(\.problems)
        for round in deployer.rounds.dropFirst(warmupRounds) {
            var slowest: UInt64 = 0
            var complete = true
            for record in listenRecords {
                guard let notice = record.notices.first(where: { $0.lockVersion == round.lockVersion }) else {
                    complete = false
                    continue
                }
                slowest = max(slowest, notice.at > round.sent ? notice.at - round.sent : 0)
            }
            if !complete {
                result.problems.append("a listener missed workflow_saved for version \(round.lockVersion)")
            }
            result.allNotified.record(nanoseconds: slowest)
            result.answered.record(nanoseconds: round.answered - round.sent)
            result.rounds += 1
        }
        return result
    }

    /// The deployer: its own connection, sending `deploy` as `weft deploy` does, waiting for each answer.
    private static func deploy(
        socket: String, workflowID: String, versions: (String, String), state: YAny, count: Int, pause: Int,
        into record: DeployerRecord
    ) {
        do {
            let connection = try RelayConnection(path: socket)
            var state = state
            for round in 0..<count {
                let yaml = round % 2 == 0 ? versions.1 : versions.0
                let project: YAny = .object(["yaml": .string(yaml), "file": .string("project.yaml")])
                let sent = monotonicNanoseconds()
                try connection.send(.control(.deploy(project: project, allowStale: true, state: state)))
                let reply = try connection.receive(timeout: .seconds(60)) { message -> ControlMessage? in
                    if case .control(let control) = message {
                        switch control {
                        case .deployed, .deployFailed, .error: return control
                        default: return nil
                        }
                    }
                    return nil
                }
                let answered = monotonicNanoseconds()
                guard case .deployed(_, let workflows, let nextState) = reply else {
                    record.problems.append(
                        "deploy \(round) refused: \(WireMessage.control(reply).description) \(reply)")
                    return
                }
                if let nextState { state = nextState }
                guard
                    let entry = workflows.first(where: { $0.objectValue?["id"]?.stringValue == workflowID }),
                    let version = entry.objectValue?["lock_version"]?.integerValue
                else {
                    record.problems.append("deploy \(round) did not change workflow \(workflowID)")
                    return
                }
                record.rounds.append((Int(version), sent, answered))
                sleep(milliseconds: pause)
            }
        } catch {
            record.problems.append("deployer: \(error)")
        }
    }
}
