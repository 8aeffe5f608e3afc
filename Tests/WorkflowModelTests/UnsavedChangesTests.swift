import Testing
import WorkflowModel
import YCRDT

/// The unsaved-changes compare (DESIGN.md behaviour 2), one rule per test.
@Suite struct UnsavedChangesTests {
    let base = BindingSamples.rich()

    private func differences(_ edit: (inout Workflow) -> Void) -> [UnsavedChanges.Difference] {
        var document = base
        edit(&document)
        let found = UnsavedChanges.differences(document: document, base: base)
        #expect(UnsavedChanges.differ(document: document, base: base) == !found.isEmpty)
        return found
    }

    @Test func identicalWorkflowsDoNotDiffer() {
        #expect(!UnsavedChanges.differ(document: base, base: base))
        #expect(UnsavedChanges.differences(document: base, base: base).isEmpty)
    }

    @Test func stringsAreComparedTrimmed() {
        #expect(differences { $0.name = "  Daily sync ☕\n" }.isEmpty)
        #expect(differences { $0.jobs[0].body += "\n\n  \t" }.isEmpty)
        #expect(
            differences { $0.jobs[1].name = "\u{00A0}store\u{2028}" }.isEmpty,
            "JavaScript's trim: Unicode space")
        #expect(differences { $0.edges[1].conditionLabel = " ok " }.isEmpty)
        #expect(
            differences { $0.jobs[0].body = " " + $0.jobs[0].body.replacingFirst("items", "things") }
                == [.init(kind: .job, id: "job-1", field: "body", change: .changed)])
        #expect(
            differences { $0.name = "Daily  sync ☕" } == [
                .init(kind: .workflow, id: "wf-1", field: "name", change: .changed)
            ],
            "white space inside a string counts")
    }

    @Test func nilEmptyAndMissingAreTheSame() {
        #expect(differences { $0.jobs[2].projectCredentialID = "" }.isEmpty)
        #expect(differences { $0.jobs[0].keychainCredentialID = "  " }.isEmpty)
        #expect(differences { $0.edges[0].conditionExpression = "" }.isEmpty)
        #expect(differences { $0.edges[0].sourceJobID = "" }.isEmpty)
        #expect(
            differences { $0.jobs[0].projectCredentialID = nil }
                == [.init(kind: .job, id: "job-1", field: "project_credential_id", change: .changed)])
    }

    @Test func entitiesAreMatchedByIdRegardlessOfOrder() {
        #expect(differences { $0.jobs.reverse() }.isEmpty)
        #expect(differences { $0.edges.swapAt(0, 2) }.isEmpty)
        #expect(differences { $0.triggers = [$0.triggers[2], $0.triggers[0], $0.triggers[1]] }.isEmpty)
        let moved = differences {
            $0.jobs.reverse()
            $0.jobs[0].name = "notify!"
        }
        #expect(moved == [.init(kind: .job, id: "job-3", field: "name", change: .changed)])
    }

    @Test func addedAndRemovedEntitiesCount() {
        #expect(
            differences { $0.jobs.append(Job(id: "job-4", name: "new")) }
                == [.init(kind: .job, id: "job-4", change: .added)])
        #expect(
            differences { $0.edges.remove(at: 1) } == [.init(kind: .edge, id: "edge-2", change: .removed)])
        #expect(
            differences { $0.triggers[0].id = "tr-9" }
                == [
                    .init(kind: .trigger, id: "tr-9", change: .added),
                    .init(kind: .trigger, id: "tr-1", change: .removed),
                ])
        #expect(
            differences { $0.jobs.append($0.jobs[0]) } == [.init(kind: .job, id: "job-1", change: .added)],
            "a second job with one id is one more job")
    }

    @Test func positionsCount() {
        #expect(
            differences { $0.positions["job-1"]!.x += 1 } == [
                .init(kind: .position, id: "job-1", change: .changed)
            ])
        #expect(
            differences { $0.positions["job-3"] = Position(x: 1, y: 1) }
                == [.init(kind: .position, id: "job-3", change: .added)])
        #expect(
            differences { $0.positions = [:] }.map(\.change) == [.removed, .removed, .removed],
            "clearing the layout (auto-layout) is a change")
    }

    @Test func lockVersionAndExtraDoNotCount() {
        #expect(differences { $0.lockVersion += 5 }.isEmpty)
        #expect(differences { $0.extra["state"] = "live" }.isEmpty)
        #expect(differences { $0.jobs[0].extra = [:] }.isEmpty)
        #expect(differences { $0.deletedAt = "2026-01-01T00:00:00Z" }.isEmpty, "not edited in the document")
        #expect(differences { $0.id = "other" }.isEmpty)
    }

    @Test func everyEditableFieldCounts() {
        func field(_ edit: (inout Workflow) -> Void) -> String? {
            let found = differences(edit)
            #expect(found.count == 1)
            return found.first?.field
        }
        #expect(field { $0.concurrency = nil } == "concurrency")
        #expect(field { $0.enableJobLogs = false } == "enable_job_logs")
        #expect(field { $0.jobs[1].adaptor = "@openfn/language-http@2" } == "adaptor")
        #expect(field { $0.jobs[2].keychainCredentialID = "kc-1" } == "keychain_credential_id")
        #expect(field { $0.triggers[1].enabled = true } == "enabled")
        #expect(field { $0.triggers[0].type = .cron } == "type")
        #expect(field { $0.triggers[1].cronExpression = "0 * * * *" } == "cron_expression")
        #expect(field { $0.triggers[1].cronCursorJobID = nil } == "cron_cursor_job_id")
        #expect(field { $0.triggers[0].webhookReply = "before_start" } == "webhook_reply")
        #expect(field { $0.triggers[2].kafkaConfiguration?.topicsString = "a" } == "kafka_configuration")
        #expect(field { $0.edges[1].sourceJobID = "job-3" } == "source_job_id")
        #expect(field { $0.edges[0].sourceTriggerID = "tr-2" } == "source_trigger_id")
        #expect(field { $0.edges[0].targetJobID = "job-2" } == "target_job_id")
        #expect(field { $0.edges[0].conditionType = .onJobFailure } == "condition_type")
        #expect(field { $0.edges[2].conditionExpression = "true" } == "condition_expression")
        #expect(field { $0.edges[2].enabled = true } == "enabled")
    }

    /// Lightning compares only the fields of a trigger's own type, with its defaults.
    @Test func triggerFieldsFollowTheType() {
        #expect(
            differences { $0.triggers[0].cronExpression = "0 0 * * *" }.isEmpty, "cron fields of a webhook")
        #expect(
            differences { $0.triggers[1].webhookReply = "after_completion" }.isEmpty,
            "webhook fields of a cron")
        var withDefaults = base
        withDefaults.triggers[0].webhookReply = nil
        var explicit = base
        explicit.triggers[0].webhookReply = "before_start"
        #expect(
            !UnsavedChanges.differ(document: explicit, base: withDefaults),
            "nil webhook_reply is before_start")
        withDefaults.triggers[1].cronExpression = nil
        explicit.triggers[1].cronExpression = "0 0 * * *"
        explicit.triggers[0].webhookReply = nil
        #expect(!UnsavedChanges.differ(document: explicit, base: withDefaults), "nil cron is 0 0 * * *")
    }

    /// The marker's cost on a 500-job workflow stays far below a frame.
    @Test func largeWorkflowComparesQuickly() {
        let large = LargeWorkflow.make(jobs: 500, seed: 7)
        var document = large
        document.jobs.reverse()
        let clock = ContinuousClock()
        var differ = true
        let elapsed = clock.measure {
            for _ in 0..<10 { differ = UnsavedChanges.differ(document: document, base: large) }
        }
        #expect(!differ)
        #expect(elapsed < .milliseconds(500), "10 compares took \(elapsed)")
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}

/// A large workflow like the benchmark's: jobs in a chain, a trigger per 50 jobs, bodies of ~20 lines.
enum LargeWorkflow {
    static func make(jobs count: Int, seed: UInt64) -> Workflow {
        var random = SeededRandom(seed: seed)
        var jobs: [Job] = []
        var edges: [Edge] = []
        var triggers: [Trigger] = []
        var positions: [String: Position] = [:]
        for index in 0..<count {
            let id = "job-\(index)"
            jobs.append(Job(id: id, name: "step \(index)", body: body(index, &random)))
            positions[id] = Position(x: Double(index % 10) * 150, y: Double(index / 10) * 100)
            if index % 50 == 0 {
                let trigger = Trigger(
                    id: "trigger-\(index)", type: index % 100 == 0 ? .webhook : .cron,
                    cronExpression: index % 100 == 0 ? nil : "0 * * * *")
                triggers.append(trigger)
                edges.append(
                    Edge(
                        id: "edge-t\(index)", sourceTriggerID: trigger.id, targetJobID: id,
                        conditionType: .always))
            } else {
                edges.append(Edge(id: "edge-\(index)", sourceJobID: "job-\(index - 1)", targetJobID: id))
            }
        }
        return Workflow(
            id: "wf-large", name: "Large", lockVersion: 1, jobs: jobs, triggers: triggers, edges: edges,
            positions: positions)
    }

    static func body(_ index: Int, _ random: inout SeededRandom) -> String {
        (0..<20).map { line in
            "fn(state => { state.step\(index)_\(line) = \(random.next() % 1000); return state; });"
        }.joined(separator: "\n") + "\n"
    }
}

/// SplitMix64: small, fast and the same on every platform, so a failing seed reproduces.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
