import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// Rooms that load and unload under joins (DESIGN.md behaviour 6) and a relay that stops cleanly.
    @Suite("lifecycle")
    struct Lifecycle {
        /// 1,000 join/leave cycles against `--unload-after 0`, so nearly every join meets a room that
        /// is unloading or just unloaded: one thread opens a connection per cycle (and every 20th cycle
        /// edits, so the unload has a log to compact), another joins and leaves on one connection. No
        /// join may fail, and every joiner gets the whole document.
        @Test func aThousandJoinLeaveCyclesNeverFailAJoin() throws {
            try withRelay(unloadAfter: 0) { relay in
                let project = try DeployedProject.deploy(to: relay)
                let socket = relay.socket
                let workflowID = project.workflow1
                let tally = Tally()
                let perThread = 500
                let threads = [
                    Thread {
                        tally.record(JoinCycles.connectionPerCycle(socket: socket, workflow: workflowID, cycles: perThread))
                    },
                    Thread {
                        tally.record(JoinCycles.oneConnection(socket: socket, workflow: workflowID, cycles: perThread))
                    },
                ]
                for thread in threads { thread.start() }
                try tally.wait(for: threads.count, timeout: .seconds(45))
                let (joins, failures) = tally.totals
                #expect(joins == 2 * perThread)
                #expect(failures.isEmpty, "\(failures.count) failed joins, first: \(failures.prefix(5))")
                #expect(relay.answersPing())

                // Every edit the cycles made (one in twenty) is in the document.
                let check = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "check")
                let webhook = try check.base.jobID(named: "webhook job")
                let body = check.workflow.body(of: webhook)
                for cycle in stride(from: 0, to: perThread, by: 20) {
                    #expect(body.contains("<\(cycle)>"), "edit of cycle \(cycle) is missing")
                }
            }
        }

        /// A client that joins and stops reading is disconnected once its send queue is full; the
        /// people it shares the workflow with never notice (issue #5, item 10).
        @Test func aClientThatStopsReadingIsDisconnectedAndNobodyElseNotices() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let stuck = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Stuck")
                // From here on Stuck reads nothing. Ann's presence changes are relayed to both others
                // (awareness is not committed, so the flood is fast); Bob keeps up. The relay queues
                // at most 16 MiB for a client: 6,000 states of 6 KiB each are 36 MiB, more than that
                // queue and every socket buffer on the way hold.
                let flood = 6_000
                let padding = String(repeating: "x", count: 6 * 1024)
                var sent = 0
                while sent < flood {
                    for _ in 0..<200 {
                        sent += 1
                        let state: YAny = [
                            "user": ["name": "Ann"], "cursor": .integer(Int64(sent)), "note": .string(padding),
                        ]
                        let update = AwarenessUpdate([.init(clientID: ann.doc.clientID, clock: UInt64(sent), state: state)])
                        try ann.send(.awareness(update.encoded()))
                    }
                    try bob.waitUntil(timeout: .seconds(10), "Bob read \(sent) presence updates") { bob.awarenessMessages >= sent }
                }
                // Stuck's connection was closed: reading what was buffered ends at the close.
                let deadline = ContinuousClock.now + .seconds(20)
                while !stuck.isClosed, ContinuousClock.now < deadline { try stuck.pumpOne(timeout: .milliseconds(200)) }
                #expect(stuck.isClosed, "the relay dropped the client that stopped reading")
                #expect(stuck.awarenessMessages < flood, "it got only what fitted in its queue")

                // Ann and Bob carry on as if nothing happened.
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.append("// still here\n", toBodyOf: webhook)
                try ann.waitForAcks()
                try bob.waitUntil("Bob sees Ann's edit") { bob.workflow.body(of: webhook).hasSuffix("// still here\n") }
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
                guard case .statusReply(let status) = try relay.request(.status) else { throw TestSupportError("no status") }
                let room = status.objectValue?["rooms"]?.arrayValue?.compactMap(\.objectValue)
                    .first { $0["workflow"]?.stringValue == project.workflow1 }
                #expect(room?["clients"] == .integer(2), "\(JSON.stringify(status))")
            }
        }

        /// The relay will not put its socket in a directory other users could write to: in a shared
        /// `/tmp` someone could have made the directory first and could swap the socket for their own.
        @Test func aRelayRefusesASocketDirectoryOthersCanWriteTo() throws {
            try withRelay(start: false) { relay in
                #expect(chmod(relay.folder.path, 0o777) == 0)
                defer { _ = chmod(relay.folder.path, 0o700) }
                try relay.launch()
                #expect(relay.waitForExit(timeout: .seconds(10)) == 1, "the relay's exit status")
                #expect(relay.log.contains("will not listen in \(relay.folder.path)"), "\(relay.log)")
                #expect(!FileManager.default.fileExists(atPath: relay.socket))
            }
        }

        /// SIGTERM with clients connected: each is told `error shutting_down` and closed, the relay
        /// exits 0, and after a restart every acknowledged edit is there.
        @Test func sigtermClosesClientsWithAReasonAndLosesNothing() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "Bob")
                let idle = try relay.connect()  // connected, never joined
                let webhook = try ann.base.jobID(named: "webhook job")
                let cron = try bob.base.jobID(named: "some cronjob")
                for index in 0..<50 { try ann.append("<a\(index)>", toBodyOf: webhook) }
                try ann.waitForAcks()
                for index in 0..<50 { try bob.append("<b\(index)>", toBodyOf: cron) }
                // Bob's last edits may still be in flight when the signal lands.

                let status = relay.stop(grace: .seconds(10))
                #expect(status == 0, "the relay's exit status; log:\n\(relay.log)")
                for editor in [ann, bob] {
                    let message = try editor.takeError(.shuttingDown, timeout: .seconds(5))
                    #expect(!message.isEmpty)
                    try editor.pump(for: .milliseconds(100))
                    #expect(editor.isClosed, "\(editor.name)'s connection is closed")
                }
                let idleGot = try idle.receive(timeout: .seconds(5))
                #expect(idleGot == .control(.error(.shuttingDown, "the relay is shutting down; reconnect later")))
                #expect(throws: RelayConnectionError.closed) { try idle.receive(timeout: .seconds(5)) }
                #expect(!FileManager.default.fileExists(atPath: relay.socket), "the socket file is removed")

                try relay.start()
                let check1 = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "check")
                let check2 = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "check")
                let annBody = check1.workflow.body(of: webhook)
                let bobBody = check2.workflow.body(of: cron)
                for index in 0..<50 { #expect(annBody.contains("<a\(index)>")) }
                // Bob's first update was his sync step 2, so `ack n` covers his first n - 1 edits.
                let bobsAckedEdits = min(50, max(0, bob.acked - 1))
                for index in 0..<bobsAckedEdits {
                    #expect(bobBody.contains("<b\(index)>"), "Bob's acked edit \(index) is missing")
                }
            }
        }
    }
}

/// Counts joins and failures from several threads.
final class Tally: @unchecked Sendable {
    private let lock = NSCondition()
    private var joins = 0
    private var failures: [String] = []
    private var finished = 0

    func record(_ result: (joins: Int, failures: [String])) {
        lock.lock()
        joins += result.joins
        failures += result.failures
        finished += 1
        lock.broadcast()
        lock.unlock()
    }

    func wait(for count: Int, timeout: Duration) throws {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        lock.lock()
        defer { lock.unlock() }
        while finished < count {
            guard lock.wait(until: deadline) else {
                throw TestSupportError("only \(finished) of \(count) threads finished within \(timeout)")
            }
        }
    }

    var totals: (joins: Int, failures: [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (joins, failures)
    }
}

/// The two ways of joining and leaving over and over.
enum JoinCycles {
    /// A new connection per cycle: join, check the document arrives whole, sometimes edit, close.
    static func connectionPerCycle(socket: String, workflow: String, cycles: Int) -> (joins: Int, failures: [String]) {
        var joins = 0
        var failures: [String] = []
        for cycle in 0..<cycles {
            do {
                let editor = try TestEditor(socket: socket, workflow: workflow, as: "cycler")
                guard editor.workflow.id == workflow, editor.workflow.jobs.count == 3 else {
                    failures.append("cycle \(cycle): an incomplete document: \(editor.workflow)")
                    continue
                }
                joins += 1
                if cycle % 20 == 0 {
                    try editor.append("<\(cycle)>", toBodyOf: try editor.base.jobID(named: "webhook job"))
                    try editor.waitForAcks()
                }
                if !editor.errors.isEmpty { failures.append("cycle \(cycle): \(editor.errors)") }
                editor.close()
            } catch {
                failures.append("cycle \(cycle): \(error)")
            }
        }
        return (joins, failures)
    }

    /// One connection: join, read `joined` and the relay's step 2, leave; again and again.
    static func oneConnection(socket: String, workflow: String, cycles: Int) -> (joins: Int, failures: [String]) {
        var joins = 0
        var failures: [String] = []
        let connection: RelayConnection
        do { connection = try RelayConnection(path: socket) } catch { return (0, ["connect: \(error)"]) }
        for cycle in 0..<cycles {
            do {
                try connection.send(.control(.join(workflow: workflow, as: "stayer")))
                try connection.send(.sync(.step1(stateVector: StateVector().encoded())))
                var joined = false
                let update = try connection.receive(timeout: .seconds(10)) { message -> [UInt8]? in
                    switch message {
                    case .control(.joined): joined = true
                    case .control(.error(let code, let text)): throw TestSupportError("error \(code): \(text)")
                    case .sync(.step2(let update)): return update
                    default: break
                    }
                    return nil
                }
                let doc = Doc()
                try doc.applyUpdate(update)
                let value = WorkflowDocument.read(doc)
                if joined, value.id == workflow, value.jobs.count == 3 {
                    joins += 1
                } else {
                    failures.append("cycle \(cycle): joined \(joined), document \(value.id) with \(value.jobs.count) jobs")
                }
                try connection.send(.control(.leave))
            } catch {
                failures.append("cycle \(cycle): \(error)")
                return (joins, failures)
            }
        }
        return (joins, failures)
    }
}
