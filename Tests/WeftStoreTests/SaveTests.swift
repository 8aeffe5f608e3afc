import Foundation
import Testing
import WeftStore
import WorkflowModel

@Suite struct SaveTests {
    /// A store with project "p" holding `Samples.richWorkflow()` at lock_version 1.
    private func storeWithRichWorkflow() throws -> WeftStore {
        let store = try WeftStore.temporary()
        try store.createProject(id: "p", name: "Project")
        _ = try store.createWorkflow(Samples.richWorkflow(), in: "p", actor: Samples.person, source: .editor)
        return store
    }

    @Test func createThenReadKeepsEveryField() throws {
        let store = try storeWithRichWorkflow()
        let stored = try #require(try store.workflow(id: "wf-rich"))
        #expect(stored == Samples.richWorkflow().with(lockVersion: 1))
        #expect(stored.jobs.map(\.id) == ["job-fetch", "job-upload", "job-notify"])
        #expect(stored.triggers.map(\.id) == ["trig-webhook", "trig-cron", "trig-kafka"])
        #expect(stored.edges.map(\.id) == ["edge-1", "edge-2", "edge-3", "edge-4"])
        #expect(try store.workflow(project: "Project", named: "Rich workflow")?.id == "wf-rich")
        #expect(try store.workflow(project: "p", named: "Rich workflow")?.id == "wf-rich")
        #expect(try store.workflows(in: "p").map(\.lockVersion) == [1])
    }

    @Test func saveBumpsTheVersionAndRecordsWhoAndHow() throws {
        let store = try storeWithRichWorkflow()
        var edited = Samples.richWorkflow()
        edited.jobs[0].body += "// more\n"
        edited.jobs.swapAt(1, 2)
        edited.positions["job-notify"] = Position(x: 9, y: 9)
        edited.lockVersion = 42  // never trusted

        let result = try store.saveWorkflow(
            edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)

        #expect(result.changed)
        #expect(result.previousLockVersion == 1)
        #expect(result.lockVersion == 2)
        #expect(result.workflow == edited.with(lockVersion: 2))
        #expect(result.previous == Samples.richWorkflow().with(lockVersion: 1))
        #expect(try store.workflow(id: "wf-rich") == edited.with(lockVersion: 2))
        let versions = try store.versions(of: "wf-rich")
        #expect(versions.map(\.lockVersion) == [1, 2])
        #expect(versions[1].actor == Samples.person)
        #expect(versions[1].source == .editor)
        #expect(versions[1].workflow == edited.with(lockVersion: 2))
        #expect(
            try store.version(of: "wf-rich", lockVersion: 1)?.workflow
                == Samples.richWorkflow().with(lockVersion: 1))
        let audit = try store.auditTrail(limit: 1)
        #expect(audit.first?.action == "workflow.saved")
        #expect(audit.first?.subject == "wf-rich")
    }

    @Test func aStaleSaveIsRefusedWithTheCurrentWorkflow() throws {
        let store = try storeWithRichWorkflow()
        var first = Samples.richWorkflow()
        first.name = "Renamed by Bob"
        _ = try store.saveWorkflow(first, expectedLockVersion: 1, actor: .person("bob"), source: .editor)

        var mine = Samples.richWorkflow()
        mine.jobs[0].name = "Ann's edit on the old version"
        do {
            _ = try store.saveWorkflow(mine, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            Issue.record("a save on version 1 after version 2 must be refused")
        } catch StoreError.stale(let current, let currentWorkflow) {
            #expect(current == 2)
            #expect(currentWorkflow == first.with(lockVersion: 2))
        }
        #expect(try store.workflow(id: "wf-rich")?.name == "Renamed by Bob")
        #expect(try store.versions(of: "wf-rich").count == 2)
    }

    @Test func aSaveFromTheFutureIsRefusedToo() throws {
        let store = try storeWithRichWorkflow()
        #expect(throws: StoreError.self) {
            _ = try store.saveWorkflow(
                Samples.richWorkflow(), expectedLockVersion: 7, actor: Samples.person, source: .editor)
        }
    }

    /// Lightning #4025: a save with no changes bumped the version.
    @Test func aSaveWithoutChangesKeepsTheVersion() throws {
        let store = try storeWithRichWorkflow()
        let result = try store.saveWorkflow(
            Samples.richWorkflow(), expectedLockVersion: 1, actor: Samples.person, source: .editor)
        #expect(!result.changed)
        #expect(result.lockVersion == 1)
        #expect(try store.versions(of: "wf-rich").count == 1)
    }

    @Test func savingAnUnknownWorkflowOrCreatingTwiceIsRefused() throws {
        let store = try storeWithRichWorkflow()
        #expect(throws: StoreError.workflowNotFound("nope")) {
            _ = try store.saveWorkflow(
                Samples.simpleWorkflow(id: "nope", name: "n"), expectedLockVersion: 0, actor: Samples.person,
                source: .editor)
        }
        #expect(throws: StoreError.workflowExists("wf-rich")) {
            _ = try store.createWorkflow(
                Samples.richWorkflow(), in: "p", actor: Samples.person, source: .editor)
        }
        #expect(throws: StoreError.projectNotFound("q")) {
            _ = try store.createWorkflow(
                Samples.simpleWorkflow(id: "w2", name: "n"), in: "q", actor: Samples.person, source: .editor)
        }
    }

    @Test func deleteIsASoftSaveUnderTheLock() throws {
        let store = try storeWithRichWorkflow()
        #expect(throws: StoreError.self) {
            _ = try store.deleteWorkflow(
                id: "wf-rich", expectedLockVersion: 0, actor: Samples.person, source: .editor)
        }
        let result = try store.deleteWorkflow(
            id: "wf-rich", expectedLockVersion: 1, actor: Samples.person, source: .editor)
        #expect(result.lockVersion == 2)
        #expect(result.workflow.deletedAt != nil)
        #expect(try store.workflows(in: "p").isEmpty)
        #expect(try store.workflows(in: "p", includeDeleted: true).count == 1)
        #expect(try store.project(id: "p")?.workflows.isEmpty == true)
        #expect(try store.workflow(id: "wf-rich")?.deletedAt != nil)
        #expect(try store.workflow(project: "p", named: "Rich workflow") == nil)
    }

    @Test func restoringAnOldVersionIsASaveWithSourceRestore() throws {
        let store = try storeWithRichWorkflow()
        var edited = Samples.richWorkflow()
        edited.jobs.removeLast()
        _ = try store.saveWorkflow(edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)
        let old = try #require(try store.version(of: "wf-rich", lockVersion: 1))
        let restored = try store.saveWorkflow(
            old.workflow, expectedLockVersion: 2, actor: Samples.person, source: .restore)
        #expect(restored.lockVersion == 3)
        #expect(try store.workflow(id: "wf-rich") == Samples.richWorkflow().with(lockVersion: 3))
        #expect(try store.versions(of: "wf-rich").last?.source == .restore)
    }
}
