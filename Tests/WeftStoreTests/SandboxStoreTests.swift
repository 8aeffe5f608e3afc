import Foundation
import Testing
import WeftStore
import WorkflowModel

/// Sandboxes and git sync state in the database (issue #8).
@Suite struct SandboxStoreTests {
    /// A project with the rich workflow, Ann as its owner and Bob as a viewer.
    private func parent() throws -> (store: WeftStore, projectID: String) {
        let store = try WeftStore.temporary()
        let project = try store.createProject(id: "p1", name: "acme")
        _ = try store.createWorkflow(
            Samples.richWorkflow(), in: project.id, actor: Samples.person, source: .editor)
        try store.grant(user: "ann", project: project.id, role: .owner)
        try store.grant(user: "bob", project: project.id, role: .viewer)
        return (store, project.id)
    }

    /// The copy has new ids everywhere, version 1, the parent's roles plus its creator as owner, and a
    /// fork point that is the parent's workflow; the map leads back to it exactly.
    @Test func aSandboxIsACopyWithNewIdsAndAKeptMap() throws {
        let (store, parentID) = try parent()
        let sandbox = try store.createSandbox(
            of: parentID, name: "acme-try", createdBy: "cy", actor: .system("sandbox acme-try"))
        #expect(sandbox.parent.name == "acme" && sandbox.project.name == "acme-try" && sandbox.merges == 0)
        #expect(try store.sandbox("acme-try") == sandbox)
        #expect(try store.sandbox("acme") == nil, "a plain project is no sandbox")
        #expect(try store.sandboxes(of: parentID) == [sandbox])

        let original = try #require(try store.workflow(id: "wf-rich"))
        let copies = try #require(try store.project(id: sandbox.project.id)).workflows
        #expect(copies.count == 1)
        let copy = copies[0]
        #expect(copy.lockVersion == 1)
        #expect(Set(copy.entityIDs).isDisjoint(with: Set(original.entityIDs)))
        let links = try store.sandboxLinks(sandbox.project.id)
        #expect(links.count == 1)
        #expect(links.first?.parentWorkflowID == "wf-rich")
        #expect(links.first?.base == original)
        #expect(links.first.map { $0.ids.toParent(copy) } == changedVersion(original, to: 1))
        #expect(try store.role(of: "ann", in: sandbox.project.id) == .owner)
        #expect(try store.role(of: "bob", in: sandbox.project.id) == .viewer)
        #expect(try store.role(of: "cy", in: sandbox.project.id) == .owner)
        #expect(try store.role(of: "cy", in: parentID) == nil)
    }

    /// A merge whose parent moved after it was computed writes nothing: no version, no new fork point.
    @Test func aStaleMergeWritesNothing() throws {
        let (store, parentID) = try parent()
        let sandbox = try store.createSandbox(
            of: parentID, name: "acme-try", createdBy: "ann", actor: .system("s"))
        let link = try #require(try store.sandboxLinks(sandbox.project.id).first)
        var parent = try #require(try store.project(id: parentID))
        parent.workflows[0].name = "merged name"
        var moved = link
        moved.base.name = "merged name"
        #expect(throws: StoreError.self) {
            try store.commitSandboxMerge(
                sandboxID: sandbox.project.id, parent: parent, actor: .system("merge"),
                expectedVersions: ["wf-rich": 7], links: [moved])
        }
        #expect(try store.workflow(id: "wf-rich")?.name == "Rich workflow")
        #expect(try store.sandboxLinks(sandbox.project.id) == [link])
        #expect(try store.sandbox("acme-try")?.merges == 0)

        let result = try store.commitSandboxMerge(
            sandboxID: sandbox.project.id, parent: parent, actor: .system("merge"),
            expectedVersions: ["wf-rich": 1],
            links: [moved])
        #expect(result.changed.map(\.lockVersion) == [2])
        #expect(try store.versions(of: "wf-rich").last?.source == .merge)
        #expect(try store.sandboxLinks(sandbox.project.id) == [moved])
        #expect(try store.sandbox("acme-try")?.merges == 1)
    }

    @Test func syncStateIsKeptPerRepositoryAndProject() throws {
        let store = try WeftStore.temporary()
        #expect(try store.repositorySync(repository: "/src/a", project: "acme") == nil)
        let first = RepositorySync(
            repository: "/src/a", project: "acme", projectID: "p1", file: "project.yaml", state: "{}",
            lastCommit: "c1", syncedAt: Date(timeIntervalSince1970: 1))
        try store.recordRepositorySync(first)
        var second = first
        second.lastCommit = "c2"
        try store.recordRepositorySync(second)
        #expect(try store.repositorySync(repository: "/src/a", project: "acme")?.lastCommit == "c2")
        #expect(try store.repositorySync(repository: "/src/a", project: "other") == nil)
    }

    private func changedVersion(_ workflow: Workflow, to version: Int) -> Workflow {
        var copy = workflow
        copy.lockVersion = version
        return copy
    }
}
