import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// Editing together: convergence, saves and the unsaved-changes marker, roles (DESIGN.md
    /// behaviours 1, 2, 3 and 9).
    @Suite("collaboration")
    struct Collaboration {
        /// Two people edit the same job body at once and different fields; a pycrdt client joins and
        /// adds its own line. Every replica — and a third Swift editor who joins afterwards — ends
        /// with the same document holding everyone's edits.
        @Test func twoEditorsConvergeAndAFreshJoinerSeesTheSameDocument() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: "\(ProjectFile.projectName)/workflow 1", as: "Bob")
                #expect(ann.contents == bob.contents)
                #expect(ann.workflow.jobs.count == 3)
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                let onSuccess = try ann.base.jobID(named: "on success")

                // Concurrent edits: neither has seen the other's when it makes its own.
                try ann.insert("// Ann was here\n", intoBodyOf: webhook, at: 0)
                try bob.append("// Bob too\n", toBodyOf: webhook)
                try ann.edit { $0.jobs[$0.jobIndex(onFail)].name = "on fail (Ann)" }
                try bob.edit { $0.name = "workflow one (Bob)" }
                try bob.edit { $0.jobs[$0.jobIndex(onSuccess)].adaptor = "@openfn/language-http@latest" }
                try ann.insert("/* mid */", intoBodyOf: webhook, at: 30)
                try converge([ann, bob])

                let body = ann.workflow.body(of: webhook)
                #expect(body.hasPrefix("// Ann was here\n"))
                #expect(body.hasSuffix("// Bob too\n"))
                #expect(body.contains("/* mid */"))
                #expect(ann.workflow.name == "workflow one (Bob)")
                #expect(ann.workflow.job(onFail)?.name == "on fail (Ann)")
                #expect(ann.workflow.job(onSuccess)?.adaptor == "@openfn/language-http@latest")
                try ann.waitForAcks()
                try bob.waitForAcks()
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)

                // A third party with pycrdt joins, reads the same document and adds a line.
                let python = try PycrdtClient.run(
                    socket: relay.socket, workflow: project.workflow1, as: "py", appendTo: webhook, text: "// py\n")
                #expect(python.errors.isEmpty)
                #expect(python.role == "owner")
                #expect(python.name == "workflow one (Bob)")
                #expect(python.bodies[webhook] == body + "// py\n")
                try converge([ann, bob]) { ann.workflow.body(of: webhook).hasSuffix("// py\n") }
                let pythonReplica = Doc()
                try pythonReplica.applyUpdate(python.stateBytes)
                #expect(TestEditor.contents(of: pythonReplica) == ann.contents)

                // Someone who joins now gets exactly what the others hold.
                let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                #expect(carol.contents == ann.contents)
                #expect(carol.contents == bob.contents)
                #expect(carol.workflow == ann.workflow)
            }
        }

        /// A save answers the saver with `saved` and tells the other editor with `workflow_saved`; both
        /// markers are clean against the new base; a save on an old lock_version is refused as stale
        /// and writes nothing.
        @Test func aSaveCleansBothMarkersAndAStaleSaveIsRefused() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                let onFail = try ann.base.jobID(named: "on fail")
                let startVersion = ann.lockVersion
                #expect(!ann.isDirty && !bob.isDirty)

                try ann.append("fn(state => ({ ...state, saved: true }))\n", toBodyOf: webhook)
                try bob.edit { $0.jobs[$0.jobIndex(onFail)].name = "on failure" }
                try converge([ann, bob])
                #expect(ann.isDirty && bob.isDirty)

                let answer = try ann.save()
                guard case .saved(let newVersion, let savedJSON) = answer else {
                    Issue.record("expected saved, got \(answer)")
                    return
                }
                #expect(newVersion == startVersion + 1)
                let saved = try TestEditor.workflow(from: savedJSON)
                #expect(saved.body(of: webhook).hasSuffix("saved: true }))\n"))
                #expect(saved.job(onFail)?.name == "on failure")

                let notice = try bob.takeWorkflowSaved()
                #expect(notice.lockVersion == newVersion)
                #expect(notice.source == .editor)
                #expect(notice.actor == .person("Ann"))
                #expect(notice.conflicts.isEmpty)
                try converge([ann, bob])
                #expect(!ann.isDirty, "Ann's marker: \(ann.unsavedDifferences)")
                #expect(!bob.isDirty, "Bob's marker: \(bob.unsavedDifferences)")
                #expect(ann.lockVersion == newVersion && bob.lockVersion == newVersion)
                #expect(WorkflowDocument.lockVersion(ann.doc) == newVersion)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.lockVersion == newVersion)

                // Bob edits on and saves with the version he opened: refused, nothing written.
                try bob.edit { $0.jobs[$0.jobIndex(onFail)].name = "on failure, again" }
                let stale = try bob.save(lockVersion: startVersion)
                guard case .saveFailed(let reason, _, _, let current, _) = stale else {
                    Issue.record("expected save_failed, got \(stale)")
                    return
                }
                #expect(reason == .stale)
                #expect(current == newVersion)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.lockVersion == newVersion)
                #expect(try storedWorkflow(project.workflow1, in: relay).job(onFail)?.name == "on failure")
                #expect(bob.isDirty, "the refused edit is still unsaved")
                try ann.pump()
                #expect(!ann.inbox.contains { $0.type == "workflow_saved" }, "a refused save tells nobody")
                #expect(ann.errors.isEmpty && bob.errors.isEmpty)
            }
        }

        /// A viewer may read and sync but not write: its update gets `error read_only` and reaches
        /// nobody, its save gets `save_failed forbidden`, and the document stays as it was.
        @Test func aViewersEditIsRefused() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                try grant("Vic", role: "viewer", project: ProjectFile.projectName, relay: relay)

                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let vic = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Vic")
                #expect(ann.role == "owner")
                #expect(vic.role == "viewer")
                #expect(vic.contents == ann.contents)
                try vic.waitForAcks()
                #expect(vic.errors.isEmpty, "a viewer's sync (an empty step 2) is not an edit: \(vic.errors)")
                let before = ann.contents
                let webhook = try ann.base.jobID(named: "webhook job")

                try vic.append("// Vic's sneaky edit\n", toBodyOf: webhook)
                let refusal = try vic.takeError(.readOnly)
                #expect(refusal.contains("Vic"))
                try vic.waitForAcks()  // the ack covers the refused update: it is settled, not pending
                let save = try vic.save()
                guard case .saveFailed(let reason, _, _, _, _) = save else {
                    Issue.record("expected save_failed, got \(save)")
                    return
                }
                #expect(reason == .forbidden)

                // Ann still edits normally and never sees Vic's text.
                try ann.append("// Ann's edit\n", toBodyOf: webhook)
                try ann.waitForAcks()
                try ann.pump(for: .milliseconds(100))
                #expect(!ann.workflow.body(of: webhook).contains("sneaky"))
                #expect(ann.errors.isEmpty)
                let carol = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Carol")
                #expect(!carol.workflow.body(of: webhook).contains("sneaky"))
                #expect(carol.contents == ann.contents)
                #expect(before != ann.contents)
                #expect(try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.lockVersion == ann.base.lockVersion)
            }
        }
    }
}

