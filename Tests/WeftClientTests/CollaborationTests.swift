import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

/// The real `weft relay`, started per test on a scratch socket and database, driven by
/// ``EditorSession``s. Serialized: the tests start and kill processes, and a small CI machine running
/// several relays at once only makes the timings noisy.
@Suite("EditorSession against the real relay", .serialized)
struct RelaySessionSuite {}

extension RelaySessionSuite {
    @Suite("collaboration")
    struct Collaboration {
        /// Two people edit at once — the same body at both ends, different fields — before either
        /// hears of the other; both replicas end equal with every edit, and each was told what the
        /// other changed (DESIGN.md behaviour 1).
        @Test func twoSessionsConverge() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: "a-test-project/workflow 1", as: "Bob")
                #expect(ann.session.workflow == bob.session.workflow)
                #expect(ann.session.workflow.jobs.count == 3)
                #expect(ann.session.role == .owner)
                let webhook = try ann.session.base.jobID(named: "webhook job")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let onSuccess = try ann.session.base.jobID(named: "on success")
                let original = ann.session.workflow.body(of: webhook)

                try ann.session.edit { try $0.insertText("// Ann\n", intoBodyOf: webhook, atUTF16: 0) }
                try bob.session.edit { edit in
                    let end = try edit.bodyText(of: webhook).utf16Count
                    try edit.insertText("// Bob\n", intoBodyOf: webhook, atUTF16: end)
                }
                try ann.session.edit { try $0.renameJob(onFail, to: "on fail (Ann)") }
                try bob.session.edit {
                    try $0.setField("adaptor", to: "@openfn/language-http@latest", of: .job, id: onSuccess)
                }
                bob.session.update { $0.name = "workflow one (Bob)" }

                try pumpUntil([ann, bob], "the replicas converge") {
                    ann.session.workflow == bob.session.workflow
                        && ann.session.workflow.body(of: webhook).hasSuffix("// Bob\n")
                        && ann.session.workflow.name == "workflow one (Bob)"
                }
                let merged = ann.session.workflow
                #expect(merged.body(of: webhook) == "// Ann\n" + original + "// Bob\n")
                #expect(merged.job(onFail)?.name == "on fail (Ann)")
                #expect(merged.job(onSuccess)?.adaptor == "@openfn/language-http@latest")

                // Each was told what the other changed, by entity and field.
                let annSaw = ann.remoteChanges.reduce(into: Set<String>()) { $0.formUnion($1.entityIDs) }
                #expect(annSaw.isSuperset(of: [webhook, onSuccess, project.workflow1]))
                let bobSaw = bob.remoteChanges.flatMap(\.summary.changed)
                #expect(bobSaw.contains { $0.id == onFail && $0.fields == ["name"] })
                #expect(bobSaw.contains { $0.id == webhook && $0.fields == ["body"] })
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
            }
        }

        /// The marker: dirty after an edit (for both: the document is shared), clean for both after a
        /// save (the saver gets `saved`, the other `workflow_saved`), dirty again after an edit and
        /// clean after undoing it back to the base (DESIGN.md behaviours 2 and 3).
        @Test func markerFollowsEditsSavesAndUndo() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.session.base.jobID(named: "webhook job")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let startVersion = ann.session.lockVersion
                #expect(!ann.session.isDirty && !bob.session.isDirty)

                try ann.session.edit { try $0.insertText("fn(s => s)\n", intoBodyOf: webhook, atUTF16: 0) }
                #expect(ann.session.isDirty)
                try pumpUntil([ann, bob], "Bob sees Ann's unsaved edit") { bob.session.isDirty }

                try ann.session.save()
                try pumpUntil([ann, bob], "Ann is saved and Bob told") {
                    !ann.savedVersions.isEmpty && !bob.savedNotices.isEmpty
                }
                #expect(ann.savedVersions == [startVersion + 1])
                #expect(ann.session.lockVersion == startVersion + 1)
                #expect(bob.session.lockVersion == startVersion + 1)
                let notice = try #require(bob.savedNotices.first)
                #expect(notice.actor == WeftProtocol.Actor.person("Ann"))
                #expect(notice.source == .editor)
                #expect(notice.lockVersion == startVersion + 1)
                #expect(notice.summary.changed.contains { $0.id == webhook && $0.fields.contains("body") })
                #expect(!notice.isDirty)
                #expect(!ann.session.isDirty && !bob.session.isDirty)
                #expect(ann.session.base.body(of: webhook).hasPrefix("fn(s => s)\n"))

                // Undo back to the (new) base clears the marker, for both; redo brings it back.
                ann.session.endUndoStep()
                try ann.session.edit { try $0.renameJob(onFail, to: "on failure") }
                #expect(ann.session.isDirty)
                try pumpUntil([ann, bob], "Bob sees the rename") {
                    bob.session.workflow.job(onFail)?.name == "on failure"
                }
                #expect(bob.session.isDirty)
                #expect(ann.session.canUndo)
                #expect(ann.session.undo())
                #expect(!ann.session.isDirty)
                try pumpUntil([ann, bob], "Bob sees the undo") {
                    bob.session.workflow.job(onFail)?.name == "on fail"
                }
                #expect(!bob.session.isDirty)
                #expect(ann.session.redo())
                #expect(ann.session.isDirty)
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
            }
        }

        /// Bob's undo takes back Bob's edits only, never Ann's.
        @Test func undoTakesBackOnlyOwnEdits() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let onFail = try ann.session.base.jobID(named: "on fail")
                let onSuccess = try ann.session.base.jobID(named: "on success")
                try ann.session.edit { try $0.renameJob(onFail, to: "Ann's") }
                try pumpUntil([ann, bob], "Bob has Ann's rename") {
                    bob.session.workflow.job(onFail)?.name == "Ann's"
                }
                #expect(!bob.session.canUndo)
                try bob.session.edit { try $0.renameJob(onSuccess, to: "Bob's") }
                #expect(bob.session.undo())
                #expect(!bob.session.undo())
                #expect(bob.session.workflow.job(onSuccess)?.name == "on success")
                #expect(bob.session.workflow.job(onFail)?.name == "Ann's")
                try pumpUntil([ann, bob], "Ann sees Bob's undo") {
                    ann.session.workflow == bob.session.workflow
                }
            }
        }

        /// Every edit is counted until the relay acks it; the count drops to 0.
        @Test func unacknowledgedUpdatesDropToZeroAfterAcks() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.session.base.jobID(named: "webhook job")
                try pumpUntil([ann], "the join's step 2 is acked") { ann.session.unacknowledgedUpdates == 0 }
                for index in 0..<5 {
                    try ann.session.edit { try $0.insertText("\(index)", intoBodyOf: webhook, atUTF16: 0) }
                }
                #expect(ann.session.unacknowledgedUpdates == 5)
                try pumpUntil([ann], "every edit is acked") { ann.session.unacknowledgedUpdates == 0 }
                #expect(ann.session.workflow.body(of: webhook).hasPrefix("43210"))
            }
        }

        /// A join of a workflow that does not exist is refused with the relay's code, and the session
        /// can join again.
        @Test func aRefusedJoinThrowsAndTheSessionCanJoinAgain() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let session = EditorSession(configuration: .init(socketPath: relay.socket, userName: "Ann"))
                #expect(throws: EditorSessionError.joinRefused(code: "workflow_not_found", message: "")) {
                    do {
                        try session.join(workflow: "no-such-workflow")
                    } catch EditorSessionError.joinRefused(let code, _) {
                        throw EditorSessionError.joinRefused(code: code, message: "")
                    }
                }
                #expect(session.connectionState == .disconnected)
                try session.join(workflow: project.workflow1)
                #expect(session.isSynced)
                #expect(session.workflow.name == "workflow 1")
                let events = session.pump()
                #expect(events.contains(.connection(.connected)))
                #expect(events.contains(.synced))
            }
        }
    }
}
