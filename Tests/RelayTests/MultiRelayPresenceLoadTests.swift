import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import YCRDT

extension RelaySuite.MultiRelay {
    /// The fixture with `count` more one-job workflows, `extra 1` … `extra <count>`.
    private static func withExtraWorkflows(_ count: Int) -> (String) -> String {
        { text in
            let extra = (1...count).map { index in
                """
                  extra-\(index):
                    name: extra \(index)
                    jobs:
                      job-\(index):
                        name: job \(index)
                        adaptor: '@openfn/language-common@latest'
                        body: |
                          fn(state => state)
                    triggers:
                      webhook:
                        type: webhook
                        enabled: true
                    edges:
                      webhook->job-\(index):
                        source_trigger: webhook
                        target_job: job-\(index)
                        condition_type: always
                        enabled: true

                """
            }
            return text.replacingOccurrences(of: "workflows:\n", with: "workflows:\n" + extra.joined())
        }
    }

    /// The relay's presence sends (store calls) and the workflow signals they carried, from its status.
    private static func presenceCounts(_ relay: RelayProcess) throws -> (sends: Int64, signals: Int64) {
        guard case .statusReply(let status) = try relay.request(.status),
            case .integer(let sends) = status.objectValue?["presence_sends"],
            case .integer(let signals) = status.objectValue?["presence_signals"]
        else { throw TestSupportError("no presence counts in the relay's status") }
        return (sends, signals)
    }

    /// Many workflows with people moving their cursors on two relays: each relay's presence still takes
    /// one store call per 50 ms at most (not one per workflow), and every move still reaches the other
    /// relay's editors. Prints the calls and the workflow signals they carried per second (before the
    /// relay-wide sender, each signal was a call of its own).
    @Test func presenceOfManyWorkflowsTakesOneStoreCallPerInterval() throws {
        try withSharedRelays(2) { relays, _ in
            let workflowCount = 20
            _ = try DeployedProject.deploy(to: relays[0], edit: Self.withExtraWorkflows(workflowCount))
            guard let listing = try relays[0].workflows()[ProjectFile.projectName] else {
                throw TestSupportError("the project was not deployed")
            }
            let ids = try (1...workflowCount).map { index in
                guard let id = listing["extra \(index)"]?.id else { throw TestSupportError("no extra \(index)") }
                return id
            }
            let pairs = try ids.enumerated().map { index, id in
                (
                    a: try TestEditor(socket: relays[0].socket, workflow: id, as: "ann\(index)"),
                    b: try TestEditor(socket: relays[1].socket, workflow: id, as: "bob\(index)")
                )
            }
            let editors = pairs.flatMap { [$0.a, $0.b] }
            func drain() throws { for editor in editors { while try editor.pumpOne(timeout: .zero) {} } }
            func announce(_ editor: TestEditor, clock: UInt64) throws {
                let state: YAny = ["user": ["name": .string(editor.name)], "cursor": ["line": .integer(Int64(clock))]]
                let entry = AwarenessUpdate.Entry(clientID: editor.doc.clientID, clock: clock, state: state)
                try editor.send(.awareness(AwarenessUpdate([entry]).encoded()))
            }
            // Everyone appears, then the counting starts.
            for editor in editors { try announce(editor, clock: 1) }
            try drain()
            Thread.sleep(forTimeInterval: 0.5)
            try drain()
            let before = try relays.map(Self.presenceCounts)
            let start = ContinuousClock.now
            var clock: UInt64 = 1
            while ContinuousClock.now - start < .seconds(3) {
                let round = ContinuousClock.now
                clock += 1
                for editor in editors { try announce(editor, clock: clock) }
                try drain()
                let rest = .milliseconds(50) - (ContinuousClock.now - round)
                if rest > .zero { Thread.sleep(forTimeInterval: Double(rest.components.attoseconds) / 1e18) }
            }
            let elapsed = ContinuousClock.now - start
            let after = try relays.map(Self.presenceCounts)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            for (index, relay) in ["A", "B"].enumerated() {
                let sends = Double(after[index].sends - before[index].sends) / seconds
                let signals = Double(after[index].signals - before[index].signals) / seconds
                print(
                    "relay \(relay): \(workflowCount) workflows, cursors moving every 50 ms for \(seconds) s: "
                        + "\(String(format: "%.1f", sends)) presence store calls/s carrying "
                        + "\(String(format: "%.1f", signals)) workflow signals/s")
                #expect(sends <= 22, "at most one store call per 50 ms for the whole relay")
                #expect(signals > sends * 2, "each call carries several workflows' presence")
            }
            // Every workflow's last move reached the other relay.
            for pair in pairs {
                let annID = pair.a.doc.clientID
                try pair.b.waitUntil(timeout: .seconds(10), "\(pair.b.name) sees \(pair.a.name)'s last move") {
                    pair.b.awarenessUpdates.contains { update in
                        (try? AwarenessUpdate(decoding: update))?.entries.contains {
                            $0.clientID == annID && $0.clock == clock
                        } ?? false
                    }
                }
            }
        }
    }
}
