import Foundation
import Testing
import WeftProtocol
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `kill -9` loses nothing anyone was told about (DESIGN.md behaviour 7).
    @Suite("crash safety")
    struct CrashSafety {
        /// The relay is SIGKILLed at a seeded random moment of every round — while starting, during
        /// joins, in the middle of a stream of edits, during saves and deploys — and restarted on the
        /// same database. Meanwhile:
        ///
        /// - a writer streams small edits into a job body of workflow 1 (never saved, so no deploy can
        ///   legitimately overwrite them) while an observer watches;
        /// - every third round a `weft deploy` renames another job of workflow 1 (through the relay,
        ///   or directly into the database when the relay is down);
        /// - a saver renames workflow 2 and saves it.
        ///
        /// After every restart: every edit the writer had an ack for and every edit the observer had
        /// received is in the document; no saved version went back behind a `saved` answer; and each
        /// document is on its database version, holding the deployed name (a deploy committed just
        /// before a kill is healed in on load).
        ///
        /// `WEFT_SOAK_KILLS` (default 24) and `WEFT_SOAK_SEED` scale it up: scripts/soak-relay runs it
        /// for as long as you like.
        @Test func killNineLosesNoAcknowledgedEdit() throws {
            let environment = ProcessInfo.processInfo.environment
            let kills = environment["WEFT_SOAK_KILLS"].flatMap(Int.init) ?? 24
            let seed = environment["WEFT_SOAK_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0F_DEAD
            var random = SplitMix64(seed: seed)
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let state = try String(contentsOfFile: project.file.statePath, encoding: .utf8)
                let executable = try WeftExecutable.url()
                var durable = Set<Int>()  // edit numbers that must survive
                var savedVersion = 0  // of workflow 2
                var nextEdit = 0
                var killedMidStream = 0
                var deploysCommitted = 0
                for round in 0..<kills {
                    let context = "round \(round) (seed \(seed))"
                    if !relay.isRunning { try relay.start() }
                    let killer = Killer(pid: relay.pid!, after: .milliseconds(Int.random(in: 0...150, using: &random)))
                    var writer: TestEditor?
                    var observer: TestEditor?
                    var saver: TestEditor?
                    var sent: [(update: Int, edit: Int)] = []
                    var deploy: RunningChild?
                    do {
                        let joinedWriter = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "writer")
                        writer = joinedWriter
                        let webhook = try joinedWriter.base.jobID(named: "webhook job")
                        // What survived the last kill.
                        let lost = durable.subtracting(Self.editNumbers(in: joinedWriter.workflow.body(of: webhook)))
                        #expect(lost.isEmpty, "\(context): acknowledged edits lost: \(lost.sorted().prefix(20))")
                        try Self.expectOnItsSavedVersion(joinedWriter, context)

                        observer = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "observer")
                        let joinedSaver = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "saver")
                        saver = joinedSaver
                        #expect(joinedSaver.base.lockVersion >= savedVersion, "\(context): a saved version went back")
                        try Self.expectOnItsSavedVersion(joinedSaver, context)

                        if round % 3 == 1 {
                            let file = try ProjectFile.make(in: relay.folder, name: "r\(round).yaml") {
                                $0.replacingOnce("name: on success", with: "name: on success r\(round)")
                            }
                            let statePath = relay.folder.file("r\(round).state.json")
                            try state.write(toFile: statePath, atomically: true, encoding: .utf8)
                            deploy = try RunningChild(
                                executable, arguments: file.arguments(relay: relay, state: statePath, allowStale: true),
                                folder: relay.folder, tag: "deploy\(round)")
                        }
                        for count in 0..<400 {
                            try joinedWriter.append("<\(nextEdit)>", toBodyOf: webhook)
                            sent.append((joinedWriter.updatesSent, nextEdit))
                            nextEdit += 1
                            if count % 50 == 25 {
                                try joinedSaver.edit { $0.name = "workflow 2 #\(round).\(count)" }
                                if case .saved(let version, _) = try joinedSaver.save() {
                                    savedVersion = max(savedVersion, version)
                                }
                            }
                            while try joinedWriter.pumpOne(timeout: .zero) {}
                            while try observer?.pumpOne(timeout: .zero) ?? false {}
                        }
                    } catch {
                        // The kill landed in the middle: the connections are gone. What counts is what was acked.
                    }
                    killer.wait()
                    relay.kill9()
                    // A deploy that found no relay writes the database directly; let it finish. One the kill
                    // cut off after its import committed (before the relay answered) committed all the same.
                    if let deploy {
                        let succeeded = deploy.wait(timeout: .seconds(30)).status == 0
                        let renamed = try WeftStore(path: relay.database).workflow(id: project.workflow1)?.jobs
                            .contains { $0.name == "on success r\(round)" }
                        if succeeded || renamed == true { deploysCommitted += 1 }
                    }
                    // Acks, answers and forwarded updates that reached the sockets before the kill count.
                    for editor in [writer, observer, saver].compactMap({ $0 }) {
                        while (try? editor.pumpOne(timeout: .milliseconds(20))) ?? false {}
                    }
                    if let writer {
                        let acked = sent.filter { $0.update <= writer.acked }
                        if acked.count < sent.count, !acked.isEmpty { killedMidStream += 1 }
                        durable.formUnion(acked.map(\.edit))
                    }
                    if let observer, let webhook = try? observer.base.jobID(named: "webhook job") {
                        durable.formUnion(Self.editNumbers(in: observer.workflow.body(of: webhook)))
                    }
                    for case .saved(let version, _) in saver?.inbox ?? [] { savedVersion = max(savedVersion, version) }
                }

                try relay.start()
                let check = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "check")
                let webhook = try check.base.jobID(named: "webhook job")
                let lost = durable.subtracting(Self.editNumbers(in: check.workflow.body(of: webhook)))
                #expect(lost.isEmpty, "after \(kills) kills (seed \(seed)): acknowledged edits lost: \(lost.sorted().prefix(20))")
                try Self.expectOnItsSavedVersion(check, "at the end")
                let checkSaved = try TestEditor(socket: relay.socket, workflow: project.workflow2, as: "check")
                #expect(checkSaved.base.lockVersion >= savedVersion)
                try Self.expectOnItsSavedVersion(checkSaved, "at the end")
                #expect(
                    !durable.isEmpty && killedMidStream > 0,
                    "the kills must land while edits are acked (\(durable.count) durable, \(killedMidStream) mid-stream)")
                #expect(deploysCommitted > 0 && savedVersion > 1, "deploys and saves must commit between the kills")
            }
        }

        /// The joiner's document is on the version the database holds: same lock_version, and every
        /// field nobody edits unsaved (all but job bodies, and the saver's workflow name) equal to the
        /// saved row.
        static func expectOnItsSavedVersion(
            _ editor: TestEditor, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            var document = editor.workflow
            if editor.name == "saver" || editor.base.name.hasPrefix("workflow 2") { document.name = editor.base.name }
            #expect(
                document.lockVersion == editor.base.lockVersion,
                "\(context): \(editor.name)'s document is on version \(document.lockVersion), the database on \(editor.base.lockVersion)",
                sourceLocation: sourceLocation)
            for index in document.jobs.indices {
                document.jobs[index].body = editor.base.job(document.jobs[index].id)?.body ?? ""
            }
            let differences = UnsavedChanges.differences(document: document, base: editor.base)
            #expect(differences.isEmpty, "\(context): \(editor.name)'s document differs from the database: \(differences)", sourceLocation: sourceLocation)
        }

        /// The numbers of the `<n>` markers in a body.
        static func editNumbers(in body: String) -> Set<Int> {
            var numbers = Set<Int>()
            var current: Int?
            for byte in body.utf8 {
                switch byte {
                case UInt8(ascii: "<"): current = 0
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    current = current.map { $0 * 10 + Int(byte - UInt8(ascii: "0")) }
                case UInt8(ascii: ">"):
                    if let value = current { numbers.insert(value) }
                    current = nil
                default: current = nil
                }
            }
            return numbers
        }
    }
}

/// Sends SIGKILL to a process after a delay, from its own thread.
final class Killer: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(pid: Int32, after delay: Duration) {
        let done = self.done
        let microseconds = UInt32(delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000)
        Thread.detachNewThread {
            usleep(microseconds)
            kill(pid, SIGKILL)
            done.signal()
        }
    }

    /// Waits until the signal was sent.
    func wait() { done.wait() }
}

/// A small seeded generator, so a failing round can be replayed with its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
