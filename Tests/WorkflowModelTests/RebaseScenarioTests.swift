import Testing
import YCRDT

@testable import WorkflowModel

/// The scenarios of Lightning's bug reports (#4535, #4562, #5168, #5182), on real documents: a live
/// document with unsaved edits receives a new saved version from a deploy or a sandbox merge.
@Suite struct RebaseScenarioTests {
    /// Version 1 of the workflow, as saved: webhook → fetch → store.
    private func version1() -> Workflow {
        Workflow(
            id: "wf-1", name: "patients", lockVersion: 1,
            jobs: [
                Job(id: "fetch", name: "fetch", body: "get('/patients');\nfn(state => state);\n"),
                Job(id: "store", name: "store", body: "post('/store', state.data);\n"),
            ],
            triggers: [Trigger(id: "hook", type: .webhook)],
            edges: [
                Edge(id: "e1", sourceTriggerID: "hook", targetJobID: "fetch", conditionType: .always),
                Edge(id: "e2", sourceJobID: "fetch", targetJobID: "store", conditionType: .onJobSuccess),
            ],
            positions: [
                "hook": Position(x: 0, y: 0), "fetch": Position(x: 0, y: 100),
                "store": Position(x: 0, y: 200),
            ])
    }

    /// A live document holding `workflow`, as the relay loads it.
    private func liveDocument(_ workflow: Workflow, client: ClientID = 1) -> Doc {
        let doc = Doc(clientID: client)
        WorkflowDocument.write(workflow, into: doc, origin: "load")
        return doc
    }

    /// An editor's unsaved change, made through the document as a client makes it.
    private func edit(_ doc: Doc, _ change: (inout Workflow) -> Void) {
        var workflow = WorkflowDocument.read(doc)
        change(&workflow)
        Reconciler.reconcile(doc, to: workflow, origin: "editor")
    }

    /// The job's body text in the document.
    private func body(_ doc: Doc, job id: String) -> YText? {
        for value in doc.array("jobs").values {
            if let map = value.mapValue, map["id"]?.anyValue?.stringValue == id {
                return map["body"]?.textValue
            }
        }
        return nil
    }

    /// A sandbox merge that adds a job after `store`, saved as the next version.
    private func mergeAddingJob(onto base: Workflow, id: String, name: String) -> Workflow {
        var next = base
        next.jobs.append(Job(id: id, name: name, body: "\(name)();\n"))
        next.edges.append(Edge(id: "edge-\(id)", sourceJobID: "store", targetJobID: id))
        next.positions[id] = Position(x: 0, y: 300)
        next.lockVersion += 1
        return next
    }

    // MARK: #4535 / #4562: unsaved job + merge

    @Test func anUnsavedJobSurvivesAMergeThatAddsAnotherJob() throws {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) { $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n")) }

        let merged = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        let outcome = Rebaser.apply(newVersion: merged, oldBase: base, to: doc, origin: "sandbox-merge")

        let after = WorkflowDocument.read(doc)
        #expect(after.jobs.map(\.id) == ["fetch", "store", "mine", "provisioned"])
        #expect(after.edge("edge-provisioned") != nil)
        #expect(after.lockVersion == 2, "the document is on the new version, not stuck on v1")
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.hadUnsavedEdits)
        #expect(outcome.stillDirty, "the unsaved job is still unsaved against the new base")
        #expect(outcome.draft == nil)
        #expect(outcome.summary.added.map(\.id).contains("provisioned"))
        #expect(!outcome.summary.added.map(\.id).contains("mine"))
    }

    @Test func aSaveAfterTheMergeContainsTheMergedJobAndOurs() throws {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) { $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n")) }
        let merged = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        Rebaser.apply(newVersion: merged, oldBase: base, to: doc, origin: "sandbox-merge")

        // What a save writes is what the document holds (#5168: the save must not write the merge away).
        let save = WorkflowDocument.read(doc)
        #expect(save.job("provisioned") != nil)
        #expect(save.job("mine") != nil)
        #expect(save.lockVersion == merged.lockVersion, "the save carries the version it was edited on")
        // And its difference from the new base is exactly our job.
        #expect(
            UnsavedChanges.differences(document: save, base: merged).map(\.id) == ["mine"])
    }

    @Test func twoMergesInARowKeepTheUnsavedEditsAndTheLatestVersion() {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) {
            $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n"))
            $0.jobs[0].name = "fetch patients"
        }
        let second = mergeAddingJob(onto: base, id: "p1", name: "first merge")
        let first = Rebaser.apply(newVersion: second, oldBase: base, to: doc)
        var third = mergeAddingJob(onto: second, id: "p2", name: "second merge")
        third.jobs[1].body = "post('/v3/store', state.data);\n"
        let next = Rebaser.apply(newVersion: third, oldBase: second, to: doc)

        let after = WorkflowDocument.read(doc)
        #expect(after.jobs.map(\.id) == ["fetch", "store", "mine", "p1", "p2"])
        #expect(after.job("fetch")?.name == "fetch patients")
        #expect(after.job("store")?.body == "post('/v3/store', state.data);\n")
        #expect(after.lockVersion == 3)
        #expect(first.conflicts.isEmpty && next.conflicts.isEmpty)
        #expect(first.stillDirty && next.stillDirty)
    }

    // MARK: #5182: a merge of another workflow

    @Test func aMergeOfAnotherWorkflowLeavesThisDocumentUntouched() {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) { $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n")) }
        let before = WorkflowDocument.read(doc)
        let stateBefore = doc.encodeStateVector()

        var transactions = 0
        var updates = 0
        let afterTransaction = doc.observeAfterTransaction { _ in transactions += 1 }
        let updateObserver = doc.observeUpdates { _, _ in updates += 1 }
        var other = mergeAddingJob(onto: base, id: "elsewhere", name: "elsewhere")
        other.id = "wf-2"
        let outcome = Rebaser.apply(newVersion: other, oldBase: base, to: doc, origin: "sandbox-merge")
        afterTransaction.cancel()
        updateObserver.cancel()

        #expect(transactions == 0)
        #expect(updates == 0)
        #expect(WorkflowDocument.read(doc) == before)
        #expect(doc.encodeStateVector() == stateBefore)
        #expect(outcome == RebaseOutcome())
    }

    @Test func applyingTheSameVersionAgainEmitsNoUpdate() {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) { $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n")) }
        let merged = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        Rebaser.apply(newVersion: merged, oldBase: base, to: doc)

        var updates = 0
        let observer = doc.observeUpdates { _, _ in updates += 1 }
        let again = Rebaser.apply(newVersion: merged, oldBase: base, to: doc)
        observer.cancel()
        #expect(updates == 0)
        #expect(again.summary.isEmpty)
        #expect(again.conflicts.isEmpty)
    }

    @Test func withoutUnsavedEditsTheDocumentBecomesTheNewVersion() {
        let base = version1()
        let doc = liveDocument(base)
        var next = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        next.jobs[0].name = "fetch all"
        next.jobs.removeAll { $0.id == "store" }
        next.edges.removeAll { $0.id == "e2" || $0.id == "edge-provisioned" }
        next.positions["store"] = nil
        let outcome = Rebaser.apply(newVersion: next, oldBase: base, to: doc)
        #expect(WorkflowDocument.read(doc) == next)
        #expect(!outcome.hadUnsavedEdits)
        #expect(!outcome.stillDirty)
        #expect(outcome.conflicts.isEmpty)
    }

    // MARK: Bodies

    @Test func bothSidesEditingDifferentLinesOfOneBodyKeepBoth() throws {
        let base = version1()
        let doc = liveDocument(base)
        // The editor types into the Y.Text: a query on the first line.
        let text = try #require(body(doc, job: "fetch"))
        try text.insert("?active=true", atUTF16: "get('/patients".utf16.count)
        #expect(text.string == "get('/patients?active=true');\nfn(state => state);\n")
        // Cursors: one in the first line just after "get(", one at the start of the second line.
        let firstLine = text.relativePosition(atUTF16: 4)
        let secondLine = text.relativePosition(atUTF16: "get('/patients?active=true');\n".utf16.count)

        var next = base
        next.jobs[0].body = "get('/patients');\nfn(state => ({ ...state, count: 1 }));\n"
        next.lockVersion = 2
        let outcome = Rebaser.apply(newVersion: next, oldBase: base, to: doc)

        let merged = try #require(body(doc, job: "fetch"))
        #expect(merged.string == "get('/patients?active=true');\nfn(state => ({ ...state, count: 1 }));\n")
        #expect(merged.isSameType(as: text), "the body is edited in place, not replaced")
        #expect(merged.utf16Offset(of: firstLine) == 4)
        #expect(merged.utf16Offset(of: secondLine) == "get('/patients?active=true');\n".utf16.count)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.stillDirty)
    }

    @Test func bothSidesEditingTheSameLineTakeTheirsAndReportIt() throws {
        let base = version1()
        let doc = liveDocument(base)
        let text = try #require(body(doc, job: "fetch"))
        try text.insert("?mine", atUTF16: "get('/patients".utf16.count)

        var next = base
        next.jobs[0].body = "get('/patients?theirs');\nfn(state => state);\n"
        next.lockVersion = 2
        let outcome = Rebaser.apply(newVersion: next, oldBase: base, to: doc)

        #expect(body(doc, job: "fetch")?.string == "get('/patients?theirs');\nfn(state => state);\n")
        #expect(outcome.conflicts.count == 1)
        let conflict = try #require(outcome.conflicts.first)
        #expect(conflict.kind == .job && conflict.id == "fetch" && conflict.field == "body")
        #expect(conflict.hunks.map(\.ours) == ["get('/patients?mine');\n"])
        #expect(conflict.hunks.map(\.theirs) == ["get('/patients?theirs');\n"])
        #expect(!outcome.stillDirty, "our only edit gave way, so the document equals the new version")
    }

    // MARK: Deletions

    @Test func aJobTheMergeDeletedButWeEditedIsGoneAndOurCopyIsReported() throws {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) { $0.jobs[1].body = "post('/store', state.data, { retry: 3 });\n" }
        var next = base
        next.jobs.removeAll { $0.id == "store" }
        next.edges.removeAll { $0.id == "e2" }
        next.positions["store"] = nil
        next.lockVersion = 2
        let outcome = Rebaser.apply(newVersion: next, oldBase: base, to: doc)

        #expect(WorkflowDocument.read(doc) == next)
        #expect(outcome.conflicts.map(\.reason) == [.editedButDeleted])
        #expect(
            outcome.conflicts.first?.ours?.objectValue?["body"]
                == "post('/store', state.data, { retry: 3 });\n")
        #expect(!outcome.stillDirty)
    }

    // MARK: Reset

    @Test func theResetPolicyReturnsTheDraftAndTheDocumentEqualsTheNewVersion() {
        let base = version1()
        let doc = liveDocument(base)
        edit(doc) {
            $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n"))
            $0.name = "patients (renamed)"
        }
        let draft = WorkflowDocument.read(doc)
        let merged = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        let outcome = Rebaser.apply(newVersion: merged, oldBase: base, to: doc, policy: .reset)

        #expect(WorkflowDocument.read(doc) == merged)
        #expect(outcome.draft == draft)
        #expect(outcome.hadUnsavedEdits)
        #expect(!outcome.stillDirty)
        #expect(outcome.conflicts.isEmpty)
        // Without unsaved edits there is no draft.
        let clean = liveDocument(base)
        #expect(Rebaser.apply(newVersion: merged, oldBase: base, to: clean, policy: .reset).draft == nil)
    }

    // MARK: Replicas

    @Test func aClientReplicaConvergesOnTheRebasedDocument() throws {
        let base = version1()
        let relay = liveDocument(base, client: 1)
        let client = Doc(clientID: 2)
        try client.applyUpdate(relay.encodeStateAsUpdate())
        // The client adds a job; the relay receives it.
        edit(client) { $0.jobs.append(Job(id: "mine", name: "my unsaved job", body: "mine();\n")) }
        try relay.applyUpdate(client.encodeStateAsUpdate(since: relay.stateVector))

        var forwarded: [[UInt8]] = []
        let observer = relay.observeUpdates { update, _ in forwarded.append(update) }
        let merged = mergeAddingJob(onto: base, id: "provisioned", name: "provisioned")
        Rebaser.apply(newVersion: merged, oldBase: base, to: relay, origin: "deploy")
        observer.cancel()

        #expect(forwarded.count == 1, "one transaction, one update to forward")
        for update in forwarded { try client.applyUpdate(update) }
        #expect(WorkflowDocument.read(client) == WorkflowDocument.read(relay))
        #expect(WorkflowDocument.read(client).jobs.map(\.id) == ["fetch", "store", "mine", "provisioned"])
    }
}
