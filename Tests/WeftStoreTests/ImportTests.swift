import Foundation
import Testing
import WeftStore
import WorkflowModel
import YCRDT

@Suite struct ImportTests {
    private func project(_ workflows: [Workflow]) -> Project {
        Project(
            id: "proj", name: "Deployed", description: "from a file", workflows: workflows,
            credentials: [ProjectCredential(id: "cred-http", name: "HTTP", owner: "ann@example.org")])
    }

    @Test func aFirstImportCreatesEveryWorkflowAtVersionOne() throws {
        let store = try WeftStore.temporary()
        let result = try store.importProject(
            project([Samples.richWorkflow(), Samples.simpleWorkflow(id: "wf-b", name: "B")]),
            actor: Samples.deployer, source: .deploy, expectedVersions: [:])
        #expect(result.projectChanged)
        #expect(result.changed.map(\.workflowID) == ["wf-rich", "wf-b"])
        #expect(
            result.changed.allSatisfy {
                $0.previousLockVersion == nil && $0.lockVersion == 1 && $0.previous == nil
            })
        #expect(result.unchanged.isEmpty)
        let stored = try #require(try store.project(id: "proj"))
        #expect(stored.description == "from a file")
        #expect(
            stored.credentials == [ProjectCredential(id: "cred-http", name: "HTTP", owner: "ann@example.org")]
        )
        #expect(try store.workflow(id: "wf-rich") == Samples.richWorkflow().with(lockVersion: 1))
    }

    @Test func onlyChangedWorkflowsAreWrittenAndVersioned() throws {
        let store = try WeftStore.temporary()
        let b = Samples.simpleWorkflow(id: "wf-b", name: "B")
        let c = Samples.simpleWorkflow(id: "wf-c", name: "C")
        _ = try store.importProject(
            project([Samples.richWorkflow(), b, c]), actor: Samples.deployer, source: .deploy,
            expectedVersions: nil)

        var changedB = b
        changedB.jobs[0].body = "fn(state => state);  \n"  // whitespace only: still a change to store
        var unchangedC = c
        unchangedC.lockVersion = 99  // the caller's lock_version never counts
        let result = try store.importProject(
            project([Samples.richWorkflow(), changedB, unchangedC]), actor: .system("sandbox-merge"),
            source: .merge,
            expectedVersions: ["wf-rich": 1, "wf-b": 1, "wf-c": 1])

        #expect(!result.projectChanged)
        #expect(result.changed.map(\.workflowID) == ["wf-b"])
        #expect(result.changed.first?.previousLockVersion == 1)
        #expect(result.changed.first?.lockVersion == 2)
        #expect(result.changed.first?.previous == b.with(lockVersion: 1))
        #expect(result.changed.first?.workflow == changedB.with(lockVersion: 2))
        #expect(result.unchanged == ["wf-rich", "wf-c"])
        #expect(try store.lockVersion(of: "wf-rich") == 1)
        #expect(try store.lockVersion(of: "wf-c") == 1)
        let versions = try store.versions(of: "wf-b")
        #expect(versions.map(\.lockVersion) == [1, 2])
        #expect(versions[0].actor == Samples.deployer && versions[0].source == .deploy)
        #expect(versions[1].actor == .system("sandbox-merge") && versions[1].source == .merge)
        #expect(try store.versions(of: "wf-c").count == 1)
    }

    @Test func workflowsMissingFromTheImportStay() throws {
        let store = try WeftStore.temporary()
        _ = try store.importProject(
            project([
                Samples.simpleWorkflow(id: "wf-b", name: "B"), Samples.simpleWorkflow(id: "wf-c", name: "C"),
            ]),
            actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        let result = try store.importProject(
            project([Samples.simpleWorkflow(id: "wf-b", name: "B")]), actor: Samples.deployer,
            source: .deploy,
            expectedVersions: nil)
        #expect(result.changed.isEmpty)
        #expect(try store.workflows(in: "proj").map(\.id) == ["wf-b", "wf-c"])
    }

    @Test func aStaleDeployIsRefusedNamingWhatMoved() throws {
        let store = try WeftStore.temporary()
        let b = Samples.simpleWorkflow(id: "wf-b", name: "B")
        let c = Samples.simpleWorkflow(id: "wf-c", name: "C")
        _ = try store.importProject(
            project([b, c]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        // Someone saves B in the editor after the deploy's state file was written.
        var edited = b
        edited.name = "B, edited"
        _ = try store.saveWorkflow(edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)

        var deployedC = c
        deployedC.name = "C, deployed"
        let newWorkflow = Samples.simpleWorkflow(id: "wf-new", name: "New")
        do {
            // B unchanged in the file: writing it would still undo the editor's save.
            _ = try store.importProject(
                project([b, deployedC, newWorkflow]), actor: Samples.deployer, source: .deploy,
                expectedVersions: ["wf-b": 1, "wf-c": 1])
            Issue.record("a stale deploy must be refused")
        } catch StoreError.staleDeploy(let moved) {
            #expect(moved == ["wf-b": VersionMove(expected: 1, current: 2)])
        }
        // Nothing of the refused import was written.
        #expect(try store.workflow(id: "wf-c")?.name == "C")
        #expect(try store.workflow(id: "wf-new") == nil)
        #expect(try store.workflow(id: "wf-b")?.name == "B, edited")

        // Allowed stale: it proceeds and overwrites.
        let forced = try store.importProject(
            project([b, deployedC]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        #expect(forced.changed.map(\.workflowID) == ["wf-b", "wf-c"])
        #expect(try store.workflow(id: "wf-b") == b.with(lockVersion: 3))
    }

    @Test func aWorkflowOfAnotherProjectIsRefused() throws {
        let store = try WeftStore.temporary()
        try store.createProject(id: "other", name: "Other")
        _ = try store.createWorkflow(
            Samples.simpleWorkflow(id: "wf-x", name: "X"), in: "other", actor: Samples.person, source: .editor
        )
        #expect(throws: StoreError.workflowInOtherProject(workflow: "wf-x", project: "other")) {
            _ = try store.importProject(
                project([Samples.simpleWorkflow(id: "wf-x", name: "X")]), actor: Samples.deployer,
                source: .deploy,
                expectedVersions: nil)
        }
    }

    /// DESIGN.md behaviour 5: two imports at once serialize, and the database ends equal to the one that
    /// committed last — the one whose version is higher.
    @Test func concurrentImportsEndWithTheLastCommit() async throws {
        let store = try WeftStore.temporary()
        let base = Samples.richWorkflow()
        _ = try await store.importProject(
            project([base]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        for round in 0..<25 {
            func variant(_ label: String) -> Project {
                var workflow = base
                workflow.name = "\(label) \(round)"
                workflow.jobs[0].body = "// \(label) \(round)\n" + base.jobs[0].body
                workflow.jobs.append(Job(id: "job-\(label)", name: label))
                return project([workflow])
            }
            let first = variant("first")
            let second = variant("second")
            async let a = Task.detached {
                try store.importProject(
                    first, actor: .system("deploy-a"), source: .deploy, expectedVersions: nil)
            }.value
            async let b = Task.detached {
                try store.importProject(
                    second, actor: .system("deploy-b"), source: .sync, expectedVersions: nil)
            }.value
            let (resultA, resultB) = try await (a, b)
            let versionA = try #require(resultA.changed.first?.lockVersion)
            let versionB = try #require(resultB.changed.first?.lockVersion)
            #expect(abs(versionA - versionB) == 1, "the two imports must not both build on one version")
            let last = versionA > versionB ? first : second
            let stored = try #require(try store.workflow(id: base.id))
            #expect(stored == last.workflows[0].with(lockVersion: max(versionA, versionB)))
            // The later one's recorded "previous" is the earlier one's value: it read the row inside its
            // transaction, after the first committed.
            let later = versionA > versionB ? resultA : resultB
            let earlier = versionA > versionB ? second : first
            #expect(
                later.changed.first?.previous
                    == earlier.workflows[0].with(lockVersion: min(versionA, versionB)))
        }
        #expect(try await store.versions(of: Samples.richWorkflow().id).count == 51)
    }

    /// Lightning's real project payload, stored and read back field for field, then imported again as a
    /// no-op; and the rich sample (every field the model has) likewise.
    @Test func aRealProjectRoundTripsThroughImport() throws {
        let store = try WeftStore.temporary()
        var fixture = try Samples.fixtureProject()
        fixture.workflows.append(Samples.richWorkflow())
        #expect(fixture.workflows.count == 3)
        let first = try store.importProject(
            fixture, actor: Samples.deployer, source: .deploy, expectedVersions: [:])
        #expect(first.changed.count == 3)

        let stored = try #require(try store.project(id: fixture.id))
        #expect(stored.name == fixture.name)
        #expect(stored.credentials == fixture.credentials)
        for workflow in fixture.workflows {
            #expect(try store.workflow(id: workflow.id) == workflow.with(lockVersion: 1))
            #expect(stored.workflow(workflow.id) == workflow.with(lockVersion: 1))
            #expect(
                try store.version(of: workflow.id, lockVersion: 1)?.workflow == workflow.with(lockVersion: 1))
        }
        let again = try store.importProject(
            stored, actor: Samples.deployer, source: .deploy,
            expectedVersions: Dictionary(
                uniqueKeysWithValues: stored.workflows.map { ($0.id, $0.lockVersion) }))
        #expect(again.changed.isEmpty)
        #expect(Set(again.unchanged) == Set(fixture.workflows.map(\.id)))
    }

    /// A number in `extra` that only changes representation through JSON (5.0 written, 5 read back) is
    /// not a change; a real change of an extra key is.
    @Test func extraKeysCompareAsStored() throws {
        let store = try WeftStore.temporary()
        var workflow = Samples.simpleWorkflow(id: "wf-x", name: "X")
        workflow.extra = ["weight": .double(5)]
        _ = try store.importProject(
            project([workflow]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        #expect(try store.workflow(id: "wf-x")?.extra == ["weight": .integer(5)])
        let same = try store.importProject(
            project([workflow]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        #expect(same.changed.isEmpty)
        workflow.extra = ["weight": .double(5.5)]
        let different = try store.importProject(
            project([workflow]), actor: Samples.deployer, source: .deploy, expectedVersions: nil)
        #expect(different.changed.map(\.workflowID) == ["wf-x"])
    }
}
