import Testing
import YCRDT

@testable import WorkflowModel

/// The parent's workflow at the fork point: hook → fetch → store, with a cron cursor and positions.
private func parentAtFork() -> Workflow {
    Workflow(
        id: "wf", name: "patients", lockVersion: 4,
        jobs: [
            Job(id: "fetch", name: "fetch", body: "get('/patients');\n"),
            Job(id: "store", name: "store", body: "post('/store');\n"),
        ],
        triggers: [Trigger(id: "cron", type: .cron, cronExpression: "0 * * * *", cronCursorJobID: "fetch")],
        edges: [
            Edge(id: "e1", sourceTriggerID: "cron", targetJobID: "fetch", conditionType: .always),
            Edge(id: "e2", sourceJobID: "fetch", targetJobID: "store"),
        ],
        positions: ["fetch": Position(x: 0, y: 100), "cron": Position(x: 0, y: 0)])
}

private func changed(_ workflow: Workflow, _ change: (inout Workflow) -> Void) -> Workflow {
    var copy = workflow
    change(&copy)
    return copy
}

@Suite struct SandboxMergeTests {
    /// A fork renames every id (workflow, jobs, triggers, edges, the edges' ends, the cron cursor, the
    /// positions' keys) and the map leads back to exactly the parent's workflow.
    @Test func aForkHasNewIdsAndItsMapLeadsBack() {
        var counter = 0
        let (copy, ids) = SandboxIDMap.fork(parentAtFork()) {
            counter += 1
            return "s\(counter)"
        }
        let parentIDs = Set(parentAtFork().entityIDs)
        #expect(Set(copy.entityIDs).isDisjoint(with: parentIDs))
        #expect(copy.triggers[0].cronCursorJobID == copy.jobs[0].id)
        #expect(copy.edges[1].sourceJobID == copy.jobs[0].id && copy.edges[1].targetJobID == copy.jobs[1].id)
        #expect(Set(copy.positions.keys) == [copy.jobs[0].id, copy.triggers[0].id])
        #expect(ids.toParent(copy) == parentAtFork())
    }

    @Test func aWorkflowTheSandboxLeftAloneIsUnchangedWhateverTheParentDid() {
        let parent = changed(parentAtFork()) { $0.jobs[0].body = "parent's\n" }
        let outcome = SandboxMerge.merge(
            base: parentAtFork(), sandbox: parentAtFork(), parent: parent, force: false)
        #expect(outcome.change == .unchanged && outcome.merged == nil)
    }

    /// The parent did not move: the sandbox's value is taken whole, at the parent's version.
    @Test func whenOnlyTheSandboxChangedItsValueIsTaken() {
        let sandbox = changed(parentAtFork()) {
            $0.jobs[1].body = "post('/elsewhere');\n"
            $0.jobs.append(Job(id: "new", name: "new job"))
        }
        var parent = parentAtFork()
        parent.lockVersion = 4
        let outcome = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: false)
        #expect(outcome.change == .updated && !outcome.parentMoved && outcome.conflicts.isEmpty)
        #expect(outcome.merged == changed(sandbox) { $0.lockVersion = 4 })
    }

    /// Both moved on different things: three-way, both kept, no conflict.
    @Test func whenBothChangedDifferentThingsBothAreKept() {
        let sandbox = changed(parentAtFork()) { $0.jobs[1].body = "post('/elsewhere');\n" }
        let parent = changed(parentAtFork()) {
            $0.jobs[0].name = "fetch patients"
            $0.lockVersion = 6
        }
        let outcome = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: false)
        #expect(outcome.parentMoved && outcome.conflicts.isEmpty)
        #expect(outcome.merged?.jobs.map(\.name) == ["fetch patients", "store"])
        #expect(outcome.merged?.jobs[1].body == "post('/elsewhere');\n")
        #expect(outcome.merged?.lockVersion == 6)
    }

    /// Both renamed the same job: a conflict. Without force the parent's side is what the (refused)
    /// merge would hold; with force the sandbox's side wins and the parent's other change stays.
    @Test func aConflictNamesTheFieldAndForceKeepsTheSandboxsSide() {
        let sandbox = changed(parentAtFork()) { $0.jobs[1].name = "store (sandbox)" }
        let parent = changed(parentAtFork()) {
            $0.jobs[1].name = "store (parent)"
            $0.jobs[0].body = "get('/v2/patients');\n"
        }
        let refused = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: false)
        #expect(refused.conflicts.count == 1)
        #expect(refused.conflicts.first?.field == "name" && refused.conflicts.first?.id == "store")
        #expect(
            SandboxMerge.describe(refused.conflicts[0], in: [sandbox])
                == "job \"store (sandbox)\": name changed in both the sandbox and the parent")
        let forced = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: true)
        #expect(forced.conflicts.count == 1)
        #expect(forced.merged?.jobs[1].name == "store (sandbox)")
        #expect(forced.merged?.jobs[0].body == "get('/v2/patients');\n")
    }

    /// Deleted in the sandbox: deleted in a parent that left it alone; a conflict if the parent changed it.
    @Test func aDeletionIsMergedOnlyIfTheParentLeftTheWorkflowAlone() {
        let deleted = changed(parentAtFork()) { $0.deletedAt = "2026-01-01T00:00:00Z" }
        let clean = SandboxMerge.merge(
            base: parentAtFork(), sandbox: deleted, parent: parentAtFork(), force: false)
        #expect(clean.change == .deleted && clean.conflicts.isEmpty && clean.merged?.deletedAt != nil)

        let moved = changed(parentAtFork()) { $0.name = "renamed in the parent" }
        let refused = SandboxMerge.merge(base: parentAtFork(), sandbox: deleted, parent: moved, force: false)
        #expect(refused.change == .deleted && refused.conflicts.count == 1)
        #expect(refused.conflicts.first?.kind == .workflow)
    }

    /// Changed in the sandbox, deleted in the parent: a conflict; forced, the workflow comes back.
    @Test func aChangeToAWorkflowTheParentDeletedIsAConflict() {
        let sandbox = changed(parentAtFork()) { $0.jobs[0].body = "changed\n" }
        let parent = changed(parentAtFork()) { $0.deletedAt = "2026-01-01T00:00:00Z" }
        let refused = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: false)
        #expect(refused.conflicts.map(\.reason) == [.editedButDeleted])
        let forced = SandboxMerge.merge(base: parentAtFork(), sandbox: sandbox, parent: parent, force: true)
        #expect(forced.merged?.deletedAt == nil && forced.merged?.jobs[0].body == "changed\n")
    }
}
