import Testing

@testable import WorkflowModel
@testable import YCRDT

/// Reconcile: a document brought to a saved workflow with the fewest CRDT operations.
@Suite struct ReconcileTests {
    private func document(_ workflow: Workflow = BindingSamples.rich(), client: ClientID = 1) -> Doc {
        let doc = Doc(clientID: client)
        WorkflowDocument.write(workflow, into: doc)
        return doc
    }

    @Test func summaryListsAddedRemovedAndChanged() throws {
        let doc = document()
        var target = BindingSamples.rich()
        target.name = "Nightly sync"
        target.lockVersion = 8
        target.jobs[0].body = target.jobs[0].body.replacing("items", with: "things")
        target.jobs[1].name = "store all"
        target.jobs[1].projectCredentialID = "cred-2"
        target.jobs.remove(at: 2)
        target.jobs.append(Job(id: "job-4", name: "archive", body: "archive($.data);\n"))
        target.triggers[2].kafkaConfiguration?.topicsString = "a,b,c"
        target.edges.remove(at: 2)
        target.edges.append(Edge(id: "edge-4", sourceJobID: "job-2", targetJobID: "job-4"))
        target.positions["job-4"] = Position(x: 300, y: 80)
        target.positions["job-2"] = Position(x: 140, y: 80)
        target.positions["tr-1"] = nil

        var updates = 0
        let subscription = doc.observeUpdates { _, transaction in
            updates += 1
            #expect(transaction.origin == AnyHashable("deploy"))
        }
        let summary = Reconciler.reconcile(doc, to: target, origin: "deploy")
        subscription.cancel()
        #expect(updates == 1, "one transaction")

        typealias Change = ReconcileSummary.EntityChange
        #expect(
            summary.added == [
                Change(kind: .job, id: "job-4"), Change(kind: .edge, id: "edge-4"),
                Change(kind: .position, id: "job-4"),
            ])
        #expect(
            summary.removed == [
                Change(kind: .job, id: "job-3"), Change(kind: .edge, id: "edge-3"),
                Change(kind: .position, id: "tr-1"),
            ])
        #expect(
            summary.changed == [
                Change(kind: .workflow, id: "wf-1", fields: ["name"]),
                Change(kind: .job, id: "job-1", fields: ["body"]),
                Change(kind: .job, id: "job-2", fields: ["name", "project_credential_id"]),
                Change(kind: .trigger, id: "tr-3", fields: ["kafka_configuration"]),
                Change(kind: .position, id: "job-2", fields: ["x"]),
            ])
        #expect(summary.lockVersionChange == .init(from: 7, to: 8))
        #expect(WorkflowDocument.read(doc) == target)
    }

    @Test func reconcilingToWhatTheDocumentHoldsWritesNothing() {
        let doc = document()
        let before = doc.stateVector
        var updates = 0
        let subscription = doc.observeUpdates { _, _ in updates += 1 }
        let summary = Reconciler.reconcile(doc, to: BindingSamples.rich())
        subscription.cancel()
        #expect(summary.isEmpty)
        #expect(summary.lockVersionChange == nil)
        #expect(doc.stateVector == before)
        #expect(updates == 0)
    }

    /// A document a pycrdt peer wrote holds floats for integers; equal values are not rewritten.
    @Test func floatsFromPeersAreNotRewritten() throws {
        let target = BindingSamples.rich()
        let doc = Doc(clientID: 5)
        try doc.transact { tx in
            let root = doc.map("workflow")
            for (key, value) in DocumentFields.workflow(target) {
                root.set(key, .value(value.integerValue.map { .double(Double($0)) } ?? value), in: tx)
            }
            root.set("state", "draft", in: tx)
            try doc.array("jobs").insert(target.jobs.map(DocumentInput.job), at: 0, in: tx)
            try doc.array("triggers").insert(target.triggers.map(DocumentInput.trigger), at: 0, in: tx)
            try doc.array("edges").insert(target.edges.map(DocumentInput.edge), at: 0, in: tx)
            let kafka = try #require(doc.array("triggers")[2]?.mapValue?["kafka_configuration"]?.mapValue)
            kafka.set("connect_timeout", 30.0, in: tx)
            for (key, position) in target.positions {
                doc.map("positions").set(
                    key, .value(["x": .integer(Int64(position.x)), "y": .double(position.y)]), in: tx)
            }
        }
        #expect(doc.map("workflow")["lock_version"]?.anyValue == .double(7))
        let before = doc.stateVector
        let summary = Reconciler.reconcile(doc, to: target)
        #expect(summary.isEmpty && summary.lockVersionChange == nil, "\(summary)")
        #expect(doc.stateVector == before)
        // But a lock_version that really moved is written as an integer.
        var next = target
        next.lockVersion = 8
        #expect(Reconciler.reconcile(doc, to: next).lockVersionChange == .init(from: 7, to: 8))
        #expect(doc.map("workflow")["lock_version"]?.anyValue == .integer(8))
    }

    /// The changed body is edited in place: the unchanged characters keep their CRDT items, and a
    /// cursor another replica holds on one of them stays on it.
    @Test func bodyEditKeepsUnchangedCharactersAndCursors() throws {
        var workflow = BindingSamples.rich()
        workflow.jobs[1].body = "const a = 1;\nconst b = 2; // ✓\nlog(a + b);\n"
        let doc = document(workflow)
        let replica = Doc(clientID: 2)
        try replica.applyUpdate(doc.encodeStateAsUpdate())

        let text = try #require(doc.array("jobs")[1]?.mapValue?["body"]?.textValue)
        let replicaText = try #require(replica.array("jobs")[1]?.mapValue?["body"]?.textValue)
        let before = ItemIdentity.units(text)
        let old = workflow.jobs[1].body
        // Cursors on "b" of the second line, on "l" of "log", and at the very end.
        let onB = replicaText.relativePosition(atUTF16: utf16Offset(of: "b = 2", in: old))
        let onLog = replicaText.relativePosition(atUTF16: utf16Offset(of: "log", in: old))
        let atEnd = replicaText.relativePosition(atUTF16: old.utf16.count, association: .after)

        var target = workflow
        target.jobs[1].body = "const a = 1;\nconst b = 20; // ✓ 😀\n// sum\nlog(a + b);\n"
        var update: [UInt8] = []
        let subscription = doc.observeUpdates { bytes, _ in update = bytes }
        let summary = Reconciler.reconcile(doc, to: target)
        subscription.cancel()
        #expect(summary.changed == [.init(kind: .job, id: "job-2", fields: ["body"])])
        #expect(text.string == target.jobs[1].body)

        let after = ItemIdentity.units(text)
        let kept = Set(before).intersection(after)
        #expect(kept.count == old.utf16.count, "every old character is still there: the edit only inserts")
        #expect(after.count - kept.count == target.jobs[1].body.utf16.count - old.utf16.count)
        // The items in order: the old ones keep their relative order.
        #expect(after.filter(kept.contains) == before)

        try replica.applyUpdate(update)
        let new = target.jobs[1].body
        #expect(replicaText.string == new)
        #expect(replicaText.utf16Offset(of: onB) == utf16Offset(of: "b = 20", in: new))
        #expect(replicaText.utf16Offset(of: onLog) == utf16Offset(of: "log", in: new))
        #expect(replicaText.utf16Offset(of: atEnd) == new.utf16.count)
    }

    /// A replacement inside a line keeps the line's other characters.
    @Test func bodyReplacementInsideALineIsCharacterLevel() throws {
        var workflow = BindingSamples.rich()
        workflow.jobs[0].body = "alpha\nbeta gamma delta\nepsilon\n"
        let doc = document(workflow)
        let text = try #require(doc.array("jobs")[0]?.mapValue?["body"]?.textValue)
        let before = ItemIdentity.units(text)
        var target = workflow
        target.jobs[0].body = "alpha\nbeta GAMMA delta\nepsilon\n"
        Reconciler.reconcile(doc, to: target)
        let after = ItemIdentity.units(text)
        #expect(Set(before).subtracting(after).count == 5, "only 'gamma' was deleted")
        #expect(Set(after).subtracting(before).count == 5, "only 'GAMMA' was inserted")
    }

    @Test func plainStringBodyBecomesAText() throws {
        let doc = document()
        let job = try #require(doc.array("jobs")[1]?.mapValue)
        try job.set("body", "upsert('items', $.data);\n")  // as Lightning's first reconciler left it
        let summary = Reconciler.reconcile(doc, to: BindingSamples.rich())
        #expect(summary.isEmpty, "the text did not change")
        #expect(job["body"]?.textValue?.string == "upsert('items', $.data);\n")
    }

    /// Ids that are not there, duplicates, maps without an id and elements that are not maps: all
    /// cleaned up, nothing crashes.
    @Test func strayAndDuplicateEntitiesAreCleanedUp() throws {
        let doc = document()
        let jobs = doc.array("jobs")
        try jobs.append([
            DocumentInput.job(Job(id: "job-1", name: "duplicate")),
            .map([("name", "no id")]),
            .value("junk"),
            .map([("id", 17)]),
        ])
        // A peer already deleted a job the target removes too.
        try jobs.delete(at: 2)
        var target = BindingSamples.rich()
        target.jobs.remove(at: 2)
        target.jobs.append(target.jobs[0])  // a duplicate in the target is ignored
        let summary = Reconciler.reconcile(doc, to: target)
        #expect(summary.removed.isEmpty, "job-3 was gone already: nothing to report, nothing to crash on")
        var expected = BindingSamples.rich()
        expected.jobs.remove(at: 2)
        #expect(WorkflowDocument.read(doc).jobs == expected.jobs)
        #expect(jobs.count == 2)
    }

    @Test func positionsAreLeftAloneUnlessTheTargetHasThem() {
        let doc = document()
        var target = BindingSamples.rich()
        target.positions = [:]
        target.name = "renamed"
        Reconciler.reconcile(doc, to: target)
        #expect(WorkflowDocument.read(doc).positions == BindingSamples.rich().positions)

        target.positions = ["job-1": Position(x: 1, y: 2)]
        let summary = Reconciler.reconcile(doc, to: target)
        #expect(WorkflowDocument.read(doc).positions == target.positions)
        #expect(summary.removed.map(\.id) == ["job-2", "tr-1"])
        #expect(summary.changed == [.init(kind: .position, id: "job-1", fields: ["x", "y"])])
    }

    @Test func errorsAreNeverTouched() {
        let doc = document()
        let errors: YAny = ["jobs": ["job-1": ["name": ["can't be blank"]]]]
        WorkflowDocument.writeErrors(errors, into: doc)
        var target = BindingSamples.rich()
        target.jobs[0].name = ""
        target.jobs.removeLast()
        Reconciler.reconcile(doc, to: target)
        #expect(WorkflowDocument.readErrors(doc) == errors)
    }

    /// Keys the target does not know about stay (another client owns them); keys it names are set.
    @Test func unknownKeysAreKeptAndTargetExtrasWritten() throws {
        let doc = document()
        let trigger = try #require(doc.array("triggers")[0]?.mapValue)
        try trigger.set("has_auth_method", true)
        var target = BindingSamples.rich()
        target.jobs[0].extra = ["x_weft_note": "changed"]
        target.extra = [:]
        let summary = Reconciler.reconcile(doc, to: target)
        #expect(summary.changed == [.init(kind: .job, id: "job-1", fields: ["x_weft_note"])])
        let read = WorkflowDocument.read(doc)
        #expect(read.triggers[0].extra == ["has_auth_method": true])
        #expect(read.jobs[0].extra == ["x_weft_note": "changed"])
        #expect(read.extra == ["state": "draft"])
    }

    /// New entities go after their predecessor in the target; existing ones never move.
    @Test func newEntitiesFollowTheTargetOrder() throws {
        let doc = document()
        var target = BindingSamples.rich()
        target.jobs.insert(Job(id: "job-0", name: "first"), at: 0)
        target.jobs.insert(Job(id: "job-1b", name: "between"), at: 2)
        target.jobs.insert(Job(id: "job-1c", name: "between too"), at: 3)
        target.jobs.append(Job(id: "job-9", name: "last"))
        let holders = try (0..<3).map { try #require(doc.array("jobs")[$0]?.mapValue?.branch.item?.id) }
        Reconciler.reconcile(doc, to: target)
        #expect(WorkflowDocument.read(doc).jobs.map(\.id) == target.jobs.map(\.id))
        let after = WorkflowDocument.read(doc).jobs.map(\.id)
        let kept = try [1, 4, 5].map { try #require(doc.array("jobs")[$0]?.mapValue?.branch.item?.id) }
        #expect(kept == holders, "\(after)")

        // A target in another order adds without moving what exists: job-10 follows job-0, its
        // predecessor in the reversed target.
        var shuffled = target
        shuffled.jobs.reverse()
        shuffled.jobs.append(Job(id: "job-10", name: "newest"))
        Reconciler.reconcile(doc, to: shuffled)
        var expected = target.jobs.map(\.id)
        expected.insert("job-10", at: 1)
        #expect(WorkflowDocument.read(doc).jobs.map(\.id) == expected)
        #expect(!UnsavedChanges.differ(document: WorkflowDocument.read(doc), base: shuffled))
    }

    /// Reconcile inside a caller's transaction (a rebase adds its own edits to it).
    @Test func reconcileJoinsACallersTransaction() throws {
        let doc = document()
        var target = BindingSamples.rich()
        target.name = "joined"
        var updates = 0
        let subscription = doc.observeUpdates { _, _ in updates += 1 }
        try doc.transact(origin: "rebase") { transaction in
            Reconciler.reconcile(doc, to: target, in: transaction)
            try doc.map("positions").set("job-3", .value(["x": 1, "y": 1]))
        }
        subscription.cancel()
        #expect(updates == 1)
        #expect(WorkflowDocument.read(doc).name == "joined")
    }

    private func utf16Offset(of needle: String, in haystack: String) -> Int {
        let range = haystack.firstRange(of: needle)!
        return haystack.utf16.distance(from: haystack.startIndex, to: range.lowerBound)
    }
}

/// CRDT identity of document content, through YCRDT's internals: the id of every visible unit.
enum ItemIdentity {
    /// The ids of the text's visible UTF-16 units, in order.
    static func units(_ text: YText) -> [ID] { units(of: text.branch) }

    /// The ids of everything an entity map holds: its own holding item, each key's current item, and
    /// (recursively) nested types' content.
    static func entity(_ map: YMap) -> [ID] {
        (map.branch.item.map { [$0.id] } ?? []) + contents(of: map.branch)
    }

    static func contents(of branch: Branch) -> [ID] {
        var ids: [ID] = []
        for key in branch.map.keys.sorted() {
            guard let item = branch.map[key], !item.isDeleted else { continue }
            ids.append(item.id)
            if case .type(let nested) = item.content { ids += contents(of: nested) }
        }
        ids += units(of: branch)
        return ids
    }

    static func units(of branch: Branch) -> [ID] {
        var ids: [ID] = []
        var item = branch.start
        while let current = item {
            if current.isVisible {
                for offset in 0..<current.length {
                    ids.append(ID(client: current.id.client, clock: current.id.clock + offset))
                }
                if case .type(let nested) = current.content { ids += contents(of: nested) }
            }
            item = current.right
        }
        return ids
    }
}
