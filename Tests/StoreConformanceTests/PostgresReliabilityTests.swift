import Foundation
import Synchronization
import Testing
import WeftStore
import WeftStorePostgres

/// What the PostgreSQL store promises when its sessions die under it: every call returns, answered or
/// failed, within its deadline.
@Suite struct PostgresReliabilityTests {
    /// Appends run while every session of their database is killed over and over (what a server restart
    /// or a failover does to the pool), on a machine kept busy by other processes: each returns, with
    /// sequence numbers or an error, within its deadlines plus a margin; none hangs. Afterwards the store
    /// works again.
    ///
    /// The margin also allows for the longest time this process could not run its tasks at all (other
    /// tests that block the concurrency pool's threads; a canary measures it): no deadline can fire then.
    /// A call still unanswered after a minute counts as hung.
    @Test func everyAppendReturnsWhileItsSessionsAreKilled() async throws {
        try await withDatabase(.postgres) { database in
            let admin = try #require(try await database.open() as? PostgresStore)
            let name = "weft_kill_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await persistently { try await admin.execute(unsafeSQL: "CREATE DATABASE \(name)") }
            // Opened and closed here, not by the database: a store with a hung call may never close.
            let timeout = 1.0
            let store = try await PostgresStore.connect(
                database.postgresSettings(timeout: timeout, database: name))
            let load = try BusyProcesses(count: 2)
            let killing = Task {
                while !Task.isCancelled {
                    try? await admin.execute(
                        unsafeSQL: """
                            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                            WHERE datname = '\(name)' AND pid <> pg_backend_pid()
                            """)
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 0...15)))
                }
            }
            let stall = Locked(Duration.zero)
            let canary = Task {
                while !Task.isCancelled {
                    let start = ContinuousClock.now
                    try? await Task.sleep(for: .milliseconds(50))
                    let late = ContinuousClock.now - start - .milliseconds(50)
                    stall.withLock { $0 = max($0, late) }
                }
            }
            // An append waits for a pooled connection, then for one statement: two deadlines.
            let bound = Duration.seconds(2 * timeout) + .seconds(3)
            let hung = Duration.seconds(60)
            let tally = Locked(AppendTally())
            let end = ContinuousClock.now + .seconds(20)
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<6 {
                    group.addTask {
                        while ContinuousClock.now < end {
                            let start = ContinuousClock.now
                            let outcome = await firstOf(limit: hung) {
                                try await store.appendUpdates([
                                    (docID: "doc-\(writer)", update: [UInt8(writer)])
                                ])
                            }
                            let took = ContinuousClock.now - start
                            tally.withLock { $0.note(outcome, took: took) }
                            if case .unanswered = outcome { return }
                        }
                    }
                }
            }
            killing.cancel()
            _ = await killing.value
            load.stop()
            canary.cancel()
            let result = tally.withLock { $0 }
            let stalled = stall.withLock { $0 }
            #expect(result.unanswered == 0, "appends that never returned: \(result)")
            #expect(result.slowest < bound + stalled, "\(result); the process stalled for up to \(stalled)")
            #expect(
                result.answered > 0 && result.failed > 0,
                "the kills hit some appends and missed others: \(result)")
            if result.unanswered == 0 {
                var back = false
                let until = ContinuousClock.now + .seconds(10)
                while !back && ContinuousClock.now < until {
                    back = (try? await store.appendUpdates([(docID: "after", update: [1])])) != nil
                }
                #expect(back, "the store works again once the kills stop")
                await store.close()
            }
            try await persistently {
                try await admin.execute(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
        }
    }

    /// A document lock whose session dies while its body runs is fenced. Once another store has taken
    /// the lock, the first body's writes to the document (an append, a compaction) are refused with
    /// `StoreError.documentLockLost` and write nothing, while the new holder's go through; what the
    /// first body wrote while it held the lock stays.
    @Test func aLostDocumentLockRefusesItsHoldersWrites() async throws {
        try await withDatabase(.postgres) { database in
            let first = try #require(try await database.open() as? PostgresStore)
            let second = try #require(try await database.open() as? PostgresStore)
            #expect(
                try await first.appendUpdates([(docID: "wf", update: [1]), (docID: "wf", update: [2])]) == [
                    1, 2,
                ])
            let holding = Gate()
            let retaken = Gate()
            let finished = Gate()
            let refusals = Locked<[String]>([])
            async let firstBody: [Int64] = first.withDocumentLock("wf") {
                let whileHeld = try await first.appendUpdates([(docID: "wf", update: [3])])
                await holding.open()
                await retaken.wait()
                let append = await outcome { _ = try await first.appendUpdates([(docID: "wf", update: [9])]) }
                let compaction = await outcome {
                    try await first.compactDocument("wf", snapshot: [9], throughSeq: 3)
                }
                refusals.withLock { $0 = ["append: \(append)", "compaction: \(compaction)"] }
                await finished.open()
                return whileHeld
            }
            await holding.wait()
            try await second.terminateDocumentLockHolders("wf")
            let secondNumbers = try await second.withDocumentLock("wf") {
                await retaken.open()
                await finished.wait()
                return try await second.appendUpdates([(docID: "wf", update: [4])])
            }
            #expect(try await firstBody == [3], "written while the lock was held")
            let lost = StoreError.documentLockLost(docID: "wf").description
            #expect(refusals.withLock { $0 } == ["append: \(lost)", "compaction: \(lost)"])
            #expect(secondNumbers == [4])
            let stored = try await second.loadDocument("wf")
            #expect(stored.snapshot == nil && stored.throughSeq == 0)
            #expect(stored.updates.map(\.bytes) == [[1], [2], [3], [4]], "nothing of the refused writes")
            #expect(lost.contains("wf") && lost.contains("nothing was written"))
        }
    }

    /// A task the body started inherits its lock's check only while the body runs: what it writes after
    /// the body ended (the lock released, its session closed) is not the body's write and goes through
    /// unchecked, as a relay's group commit started from inside a reconcile must.
    @Test func aTaskTheBodyStartedIsNotCheckedAfterTheBody() async throws {
        try await withDatabase(.postgres) { database in
            let store = try #require(try await database.open() as? PostgresStore)
            let bodyEnded = Gate()
            let later = try await store.withDocumentLock("wf") {
                Task {
                    await bodyEnded.wait()
                    return try await store.appendUpdates([(docID: "wf", update: [1])])
                }
            }
            #expect(try await store.documentLockHolders("wf").isEmpty, "released")
            await bodyEnded.open()
            #expect(try await later.value == [1])
        }
    }

    /// A holder whose session died is refused even while nobody else has taken the lock (its session
    /// no longer holds it), and writes outside the lock, or to another document, are not checked.
    @Test func aDeadLockSessionRefusesWritesEvenUntaken() async throws {
        try await withDatabase(.postgres) { database in
            let store = try #require(try await database.open() as? PostgresStore)
            let outcome = try await store.withDocumentLock("wf") { () async throws -> [String] in
                var outcome = ["held: \(try await store.appendUpdates([(docID: "wf", update: [1])]))"]
                try await store.terminateDocumentLockHolders("wf")
                #expect(try await store.documentLockHolders("wf").isEmpty)
                for attempt in 0..<2 {
                    do {
                        let batch =
                            [(docID: "other", update: [UInt8(attempt)])]
                            + (attempt == 0 ? [(docID: "wf", update: [2])] : [])
                        outcome.append("written \(try await store.appendUpdates(batch))")
                    } catch {
                        outcome.append("\(error)")
                    }
                }
                return outcome
            }
            #expect(
                outcome == [
                    "held: [1]", StoreError.documentLockLost(docID: "wf").description, "written [1]",
                ], "a batch with the lost document is refused whole; one without it is written")
            #expect(try await store.appendUpdates([(docID: "wf", update: [3])]) == [2], "outside the lock")
            #expect(
                try await store.withDocumentLock("wf") {
                    try await store.appendUpdates([(docID: "wf", update: [4])])
                } == [3])
        }
    }
}

/// Runs `statement`, again after a failure (up to five times in all): other tests in this process end
/// every session of the test database now and then (MultiRelayTests), the admin's included.
func persistently(_ statement: () async throws -> Void) async throws {
    for attempt in 1...5 {
        do {
            return try await statement()
        } catch  where attempt < 5 {
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// "written", or the error `write` threw.
func outcome(of write: () async throws -> Void) async -> String {
    do {
        try await write()
        return "written"
    } catch {
        return "\(error)"
    }
}

/// How the appends of ``PostgresReliabilityTests/everyAppendReturnsWhileItsSessionsAreKilled()`` ended.
struct AppendTally: Sendable, CustomStringConvertible {
    var answered = 0
    var failed = 0
    var unanswered = 0
    var slowest = Duration.zero
    var errors: [String: Int] = [:]

    mutating func note(_ outcome: CallOutcome, took: Duration) {
        switch outcome {
        case .answered: answered += 1
        case .failed(let reason):
            failed += 1
            errors[String(reason.prefix(80)), default: 0] += 1
        case .unanswered: unanswered += 1
        }
        if case .unanswered = outcome { return }
        slowest = max(slowest, took)
    }

    var description: String {
        "\(answered) answered, \(failed) failed, \(unanswered) unanswered, slowest \(slowest); errors \(errors)"
    }
}

/// How a call ended: with an answer, with an error, or not within the limit.
enum CallOutcome: Sendable {
    case answered
    case failed(String)
    case unanswered
}

/// Runs `call` in a task of its own and waits for it at most `limit`: a call that hangs is reported,
/// not waited for (it stays behind, hung).
func firstOf<Value: Sendable>(
    limit: Duration, _ call: @escaping @Sendable () async throws -> Value
) async -> CallOutcome {
    let outcome = Locked<CallOutcome?>(nil)
    let done = Gate()
    Task {
        let result: CallOutcome
        do {
            _ = try await call()
            result = .answered
        } catch {
            result = .failed(String(describing: error))
        }
        if outcome.withLock({ state in
            guard state == nil else { return false }
            state = result
            return true
        }) {
            await done.open()
        }
    }
    Task {
        try? await Task.sleep(for: limit)
        if outcome.withLock({ state in
            guard state == nil else { return false }
            state = .unanswered
            return true
        }) {
            await done.open()
        }
    }
    await done.wait()
    return outcome.withLock { $0 } ?? .unanswered
}

/// Processes that keep the CPUs busy (a shell's empty loop each) until ``stop()``.
final class BusyProcesses {
    private let processes: [Process]

    init(count: Int) throws {
        processes = try (0..<count).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "while :; do :; done"]
            try process.run()
            return process
        }
    }

    func stop() {
        for process in processes where process.isRunning {
            // A shell busy in a loop of builtins does not act on SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
