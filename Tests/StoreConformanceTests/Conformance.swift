import Foundation
import Testing
import WeftStore
import WorkflowModel
import YCRDT

/// The behaviour every `WorkflowStorage` must have, each check taking the kind of store to run against.
/// SQLiteStoreConformance and PostgresStoreConformance run the same checks, one suite per store.
enum Conformance {
    /// A store with project "p" ("Project") holding `Samples.richWorkflow()` at lock_version 1.
    static func storeWithRichWorkflow(_ database: TestDatabase) async throws -> any WorkflowStorage {
        let store = try await database.open()
        try await store.createProject(id: "p", name: "Project", description: "a project")
        _ = try await store.createWorkflow(
            Samples.richWorkflow(), in: "p", actor: Samples.person, source: .editor)
        return store
    }

    static func everyFieldRoundTrips(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await storeWithRichWorkflow(database)
            #expect(try await store.workflow(id: "wf-rich") == Samples.richWorkflow().with(lockVersion: 1))
            #expect(try await store.workflow(project: "Project", named: "Rich workflow")?.id == "wf-rich")
            #expect(try await store.workflow(project: "p", named: "Rich workflow")?.id == "wf-rich")
            #expect(try await store.workflow(id: "none") == nil)
            #expect(try await store.projectID(ofWorkflow: "wf-rich") == "p")
            #expect(try await store.lockVersion(of: "wf-rich") == 1)
            #expect(try await store.lockVersion(of: "none") == nil)
            let project = try #require(try await store.project(id: "p", includeDeleted: false))
            #expect(project.workflows == [Samples.richWorkflow().with(lockVersion: 1)])
            #expect(try await store.project(named: "Project", includeDeleted: false)?.id == "p")
            #expect(try await store.projects().map(\.name) == ["Project"])
            await #expect(throws: StoreError.projectNameTaken("Project")) {
                try await store.createProject(id: "q", name: "Project", description: nil)
            }
        }
    }

    static func optimisticLock(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await storeWithRichWorkflow(database)
            var bob = Samples.richWorkflow()
            bob.name = "Renamed by Bob"
            bob.lockVersion = 99  // never trusted: the stored row is what the lock compares with
            let saved = try await store.saveWorkflow(
                bob, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            #expect(saved.changed && saved.previousLockVersion == 1 && saved.lockVersion == 2)
            #expect(saved.previous == Samples.richWorkflow().with(lockVersion: 1))

            var ann = Samples.richWorkflow()
            ann.jobs[0].body = "// Ann's edit on the old version\n"
            await #expect(throws: StoreError.stale(current: 2, currentWorkflow: bob.with(lockVersion: 2))) {
                try await store.saveWorkflow(
                    ann, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            }
            #expect(
                try await store.workflow(id: "wf-rich") == bob.with(lockVersion: 2),
                "the refused save wrote nothing")

            let same = try await store.saveWorkflow(
                bob, expectedLockVersion: 2, actor: Samples.person, source: .editor)
            #expect(!same.changed && same.lockVersion == 2, "a save that changes nothing keeps the version")

            await #expect(throws: StoreError.workflowNotFound("none")) {
                try await store.saveWorkflow(
                    Samples.simpleWorkflow(id: "none", name: "None"), expectedLockVersion: 1,
                    actor: Samples.person,
                    source: .editor)
            }
            await #expect(throws: StoreError.workflowExists("wf-rich")) {
                try await store.createWorkflow(
                    Samples.richWorkflow(), in: "p", actor: Samples.person, source: .editor)
            }
            await #expect(throws: StoreError.projectNotFound("nope")) {
                try await store.createWorkflow(
                    Samples.simpleWorkflow(id: "w2", name: "W2"), in: "nope", actor: Samples.person,
                    source: .editor)
            }

            await #expect(throws: StoreError.self) {
                try await store.deleteWorkflow(
                    id: "wf-rich", expectedLockVersion: 1, actor: Samples.person, source: .editor)
            }
            let deleted = try await store.deleteWorkflow(
                id: "wf-rich", expectedLockVersion: 2, actor: Samples.person, source: .editor)
            #expect(deleted.lockVersion == 3 && deleted.workflow.deletedAt != nil)
            #expect(try await store.workflows(in: "p", includeDeleted: false).isEmpty)
            #expect(try await store.workflows(in: "p", includeDeleted: true).map(\.lockVersion) == [3])
            #expect(try await store.project(id: "p", includeDeleted: false)?.workflows.isEmpty == true)
            #expect(try await store.workflow(project: "p", named: "Renamed by Bob") == nil)
        }
    }

    /// Two stores on one database (two relays) save the same version at once: exactly one wins, the
    /// other is told the version moved.
    static func concurrentSavesOneWins(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let first = try await storeWithRichWorkflow(database)
            let second = try await database.open()
            var a = Samples.richWorkflow()
            a.name = "A"
            var b = Samples.richWorkflow()
            b.name = "B"
            async let saveA = Result {
                try await first.saveWorkflow(a, expectedLockVersion: 1, actor: .person("a"), source: .editor)
            }
            async let saveB = Result {
                try await second.saveWorkflow(b, expectedLockVersion: 1, actor: .person("b"), source: .editor)
            }
            let results = await [saveA, saveB]
            let winners = results.compactMap { try? $0.get() }
            #expect(winners.count == 1)
            let refused = results.compactMap { result -> StoreError? in
                guard case .failure(let error) = result else { return nil }
                return error as? StoreError
            }
            guard case .stale(let current, _)? = refused.first else {
                Issue.record("the loser was not refused as stale: \(results)")
                return
            }
            #expect(current == 2)
            #expect(try await first.versions(of: "wf-rich").map(\.lockVersion) == [1, 2])
            #expect(try await second.workflow(id: "wf-rich")?.name == winners.first?.workflow.name)
        }
    }

    static func versionsAreListedWithWhoAndHow(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await storeWithRichWorkflow(database)
            var edited = Samples.richWorkflow()
            edited.jobs[0].body += "// more\n"
            edited.jobs.swapAt(0, 1)
            edited.positions["job-upload"] = Position(x: 9, y: 9)
            _ = try await store.saveWorkflow(
                edited, expectedLockVersion: 1, actor: Samples.deployer, source: .deploy)
            let versions = try await store.versions(of: "wf-rich")
            #expect(versions.map(\.lockVersion) == [1, 2])
            #expect(versions.map(\.source) == [.editor, .deploy])
            #expect(versions.map(\.actor) == [Samples.person, Samples.deployer])
            #expect(versions[1].workflow == edited.with(lockVersion: 2))
            #expect(
                try await store.version(of: "wf-rich", lockVersion: 1)?.workflow
                    == Samples.richWorkflow().with(lockVersion: 1))
            #expect(try await store.version(of: "wf-rich", lockVersion: 3) == nil)
            #expect(try await store.versions(of: "none").isEmpty)
            let trail = try await store.auditTrail(limit: 10, subject: "wf-rich")
            #expect(trail.map(\.action) == ["workflow.saved", "workflow.created"])
            #expect(trail[0].details["to"] == .integer(2))
            #expect(trail[0].id > trail[1].id)
        }
    }

    static func documentLogNumbersAndCompacts(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let seqs = try await store.appendUpdates([
                (docID: "a", update: [1]), (docID: "b", update: [2]), (docID: "a", update: [3]),
                (docID: "a", update: [4]), (docID: "b", update: [5]),
            ])
            #expect(seqs == [1, 1, 2, 3, 2])
            #expect(try await store.appendUpdates([]).isEmpty)
            #expect(try await store.loadDocument("none").isEmpty)
            #expect(try await store.documentsWithLog() == ["a", "b"])

            // A real document: the stored snapshot plus the later updates give the text back.
            let editor = Editor()
            for word in ["fn(", "state", " => ", "state", ")"] {
                try editor.type(word)
                try await store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) })
            }
            #expect(try replay(await store.loadDocument("wf")) == "fn(state => state)")
            let snapshot = editor.doc.encodeStateAsUpdate()
            try editor.type(";\n")
            #expect(
                try await store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) }) == [6])
            try await store.compactDocument("wf", snapshot: snapshot, throughSeq: 5)
            let compacted = try await store.loadDocument("wf")
            #expect(compacted.snapshot == snapshot && compacted.throughSeq == 5)
            #expect(compacted.updates.map(\.seq) == [6])
            #expect(try replay(compacted) == "fn(state => state);\n")
            let stats = try await store.documentLogStats("wf")
            #expect(stats.updates == 1 && stats.snapshotBytes == snapshot.count && stats.lastSeq == 6)
            #expect(stats.bytes == compacted.updates[0].bytes.count)

            await #expect(throws: StoreError.staleCompaction(docID: "wf", current: 5, requested: 4)) {
                try await store.compactDocument("wf", snapshot: [0xBB], throughSeq: 4)
            }
            await #expect(throws: StoreError.compactionBeyondLog(docID: "wf", lastSeq: 6, requested: 7)) {
                try await store.compactDocument("wf", snapshot: [0xBB], throughSeq: 7)
            }

            // Compacting everything empties the log; numbering goes on after the snapshot, never reused.
            try await store.compactDocument("wf", snapshot: editor.doc.encodeStateAsUpdate(), throughSeq: 6)
            #expect(try await store.documentsWithLog() == ["a", "b"])
            #expect(try await store.documentLogStats("wf").lastSeq == 6)
            try editor.type("// end")
            #expect(
                try await store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) }) == [7])
            #expect(try replay(await store.loadDocument("wf")) == "fn(state => state);\n// end")

            // A second store (another relay) continues the same numbering.
            let other = try await database.open()
            #expect(try await other.appendUpdates([(docID: "wf", update: [9])]) == [8])
            #expect(try await store.loadDocument("wf").lastSeq == 8)

            try await store.deleteDocument("a")
            #expect(try await store.loadDocument("a").isEmpty)
            #expect(
                try await store.appendUpdates([(docID: "a", update: [1])]) == [1],
                "a deleted document starts again")
        }
    }

    /// Two stores (two relays) appending to one document at once: every update gets its own number, and
    /// together they are 1…n without a gap — what a relay catching up from its last number relies on.
    static func concurrentAppendsShareNoNumber(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let first = try await database.open()
            let second = try await database.open()
            @Sendable func appendTwenty(_ store: any WorkflowStorage, byte: UInt8) async throws -> [Int64] {
                var seqs: [Int64] = []
                for _ in 0..<20 {
                    seqs += try await store.appendUpdates([
                        (docID: "wf", update: [byte]), (docID: "wf", update: [byte]),
                    ])
                }
                return seqs
            }
            async let fromFirst = appendTwenty(first, byte: 1)
            async let fromSecond = appendTwenty(second, byte: 2)
            let (a, b) = try await (fromFirst, fromSecond)
            #expect(a == a.sorted() && b == b.sorted(), "each store's numbers increase")
            #expect((a + b).sorted() == Array(1...80))
            let loaded = try await first.loadDocument("wf")
            #expect(loaded.updates.map(\.seq) == Array(1...80))
            #expect(loaded.updates.filter { $0.bytes == [1] }.map(\.seq) == a)
        }
    }

    /// One store (a relay) keeps typing into a document while another compacts it again and again from
    /// what it loads: no update is lost, and the stored document always replays to a prefix of the text.
    static func compactionWhileAppendingLosesNothing(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let writer = try await database.open()
            let compactor = try await database.open()
            let words = (0..<40).map { "w\($0) " }
            @Sendable func type() async throws {
                let editor = Editor()
                for word in words {
                    try editor.type(word)
                    try await writer.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) })
                }
            }
            @Sendable func compact() async throws -> Int {
                var compactions = 0
                var rounds = 0
                // Fifteen rounds, and more until one compaction happened (the writer may start late);
                // bounded in case the writer failed.
                while rounds < 15 || (compactions == 0 && rounds < 1000) {
                    rounds += 1
                    if rounds > 15 { try await Task.sleep(for: .milliseconds(5)) }
                    let stored = try await compactor.loadDocument("wf")
                    let text = try replay(stored)
                    #expect(words.joined().hasPrefix(text))
                    guard !stored.updates.isEmpty else { continue }
                    let doc = Doc(clientID: 5)
                    if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
                    for update in stored.updates { try doc.applyUpdate(update.bytes) }
                    try await compactor.compactDocument(
                        "wf", snapshot: doc.encodeStateAsUpdate(), throughSeq: stored.lastSeq)
                    compactions += 1
                }
                return compactions
            }
            async let typing: Void = type()
            async let compacting = compact()
            let (_, compactions) = try await (typing, compacting)
            let final = try await writer.loadDocument("wf")
            #expect(try replay(final) == words.joined())
            #expect(final.lastSeq == Int64(words.count))
            #expect(compactions > 0)
        }
    }

    static func staleImportIsRefusedWhole(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let one = Samples.simpleWorkflow(id: "w1", name: "One")
            let two = Samples.simpleWorkflow(id: "w2", name: "Two")
            let project = Project(
                id: "p", name: "Project", workflows: [one, two],
                credentials: [ProjectCredential(id: "c1", name: "http", owner: "ann@example.com")])
            let first = try await store.importProject(
                project, actor: Samples.deployer, source: .deploy, expectedVersions: [:])
            #expect(first.projectChanged && first.changed.map(\.lockVersion) == [1, 1])
            #expect(
                try await store.project(id: "p", includeDeleted: false)?.credentials == project.credentials)

            // Someone saves w1 in the editor; a deploy whose state still says version 1 is refused whole.
            var edited = one
            edited.jobs[0].body = "// edited\n"
            _ = try await store.saveWorkflow(
                edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            var redeploy = project
            redeploy.workflows[1].name = "Two, renamed"
            await #expect(throws: StoreError.staleDeploy(moved: ["w1": VersionMove(expected: 1, current: 2)]))
            {
                try await store.importProject(
                    redeploy, actor: Samples.deployer, source: .deploy, expectedVersions: ["w1": 1, "w2": 1])
            }
            #expect(
                try await store.workflow(id: "w2")?.name == "Two", "nothing of the refused import was written"
            )

            let fresh = try await store.importProject(
                redeploy, actor: Samples.deployer, source: .deploy, expectedVersions: ["w1": 2, "w2": 1])
            #expect(!fresh.projectChanged)
            #expect(fresh.changed.map(\.workflowID) == ["w1", "w2"])
            #expect(fresh.changed.map(\.lockVersion) == [3, 2])
            #expect(fresh.changed[0].previous == edited.with(lockVersion: 2))
            let again = try await store.importProject(
                redeploy, actor: Samples.deployer, source: .sync, expectedVersions: nil)
            #expect(again.changed.isEmpty && again.unchanged == ["w1", "w2"])

            try await store.createProject(id: "q", name: "Other", description: nil)
            let stolen = Project(id: "q", name: "Other", workflows: [one])
            await #expect(throws: StoreError.workflowInOtherProject(workflow: "w1", project: "p")) {
                try await store.importProject(
                    stolen, actor: Samples.deployer, source: .deploy, expectedVersions: nil)
            }
        }
    }

    static func rolesAndUsers(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await store.createProject(id: "p", name: "Project", description: nil)
            try await store.grant(user: "ann", project: "p", role: .owner)
            try await store.grant(user: "Bob", project: "p", role: .viewer)
            try await store.grant(user: "bob", project: "p", role: .editor)
            try await store.grant(user: "bob", project: "p", role: .admin)
            try await store.addUser("carol")
            #expect(try await store.role(of: "bob", in: "p") == .admin)
            #expect(try await store.role(of: "carol", in: "p") == nil)
            let roles = try await store.roles(in: "p")
            #expect(roles.map(\.user) == ["Bob", "ann", "bob"], "by name, byte order")
            #expect(roles.map(\.role) == [.viewer, .owner, .admin])
            #expect(try await store.users() == ["Bob", "ann", "bob", "carol"])
            #expect(try await store.revoke(user: "bob", project: "p"))
            #expect(try await !store.revoke(user: "bob", project: "p"))
            #expect(try await store.role(of: "bob", in: "p") == nil)
            await #expect(throws: StoreError.projectNotFound("nope")) {
                try await store.grant(user: "ann", project: "nope", role: .editor)
            }
        }
    }

    static func auditTrail(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await store.audit(
                actor: "ann", action: "role.granted", subject: "p", details: ["role": .string("owner")])
            try await store.audit(actor: "ann", action: "role.revoked", subject: "q", details: [:])
            try await store.audit(
                actor: "bob", action: "role.granted", subject: "p", details: ["n": .integer(2)])
            let all = try await store.auditTrail(limit: 2, subject: nil)
            #expect(all.map(\.actor) == ["bob", "ann"])
            #expect(all[0].details == ["n": .integer(2)])
            let aboutP = try await store.auditTrail(limit: 10, subject: "p")
            #expect(aboutP.map(\.action) == ["role.granted", "role.granted"])
            #expect(aboutP[1].details == ["role": .string("owner")])
            #expect(abs(aboutP[0].time.timeIntervalSinceNow) < 60)
        }
    }

    static func deployLockIsExclusive(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let relay = try await database.open()
            let deploy = try await database.open()
            let me = getpid()
            #expect(try await relay.acquireDeployLock(owner: "weft relay", pid: me))
            #expect(
                try await relay.acquireDeployLock(owner: "weft relay", pid: me),
                "the holder may take it again")
            #expect(try await relay.deployLockHolder()?.owner == "weft relay")
            #expect(try await relay.deployLockHolder()?.pid == me)
            // pid 1 is alive on any machine: another live holder.
            #expect(try await !deploy.acquireDeployLock(owner: "weft deploy", pid: 1))
            #expect(try await !relay.acquireDeployLock(owner: "weft deploy", pid: 1))
            #expect(try await deploy.deployLockHolder()?.owner == "weft relay")
            #expect(try await !deploy.releaseDeployLock(pid: 1), "only the holder releases")
            #expect(try await relay.releaseDeployLock(pid: me))
            #expect(try await deploy.deployLockHolder() == nil)
            #expect(try await deploy.acquireDeployLock(owner: "weft deploy", pid: 1))
            #expect(try await !relay.acquireDeployLock(owner: "weft relay", pid: me))
            #expect(try await deploy.releaseDeployLock(pid: 1))
        }
    }

    static func aGoneHolderHoldsNothing(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let crashed = try await database.open()
            let next = try await database.open()
            try await database.takeDeployLockAndDie(crashed)
            #expect(try await next.deployLockHolder() == nil)
            #expect(try await next.acquireDeployLock(owner: "weft deploy", pid: 1))
            #expect(try await next.deployLockHolder()?.owner == "weft deploy")
            #expect(try await next.releaseDeployLock(pid: 1))
        }
    }

    static func draftsAreClaimedOnce(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await storeWithRichWorkflow(database)
            var draft = Samples.richWorkflow()
            draft.jobs[0].body = "// unsaved edits\n"
            let time = Date(timeIntervalSince1970: 1_800_000_000)
            let id = try await store.saveDraft(
                draft, basedOn: 1, displacedBy: 2, people: ["bob", "ann"], at: time)
            let second = try await store.saveDraft(draft, basedOn: 2, displacedBy: 3, people: [], at: time)
            #expect(second > id)
            let kept = try #require(try await store.draft(id: id))
            #expect(
                kept.workflow == draft && kept.people == ["ann", "bob"] && kept.basedOn == 1
                    && kept.displacedBy == 2)
            #expect(kept.createdAt == time && !kept.isRestored)
            #expect(try await store.markDraftRestored(id: id, by: "ann", at: time))
            #expect(
                try await !store.markDraftRestored(id: id, by: "bob", at: time), "a draft is restored once")
            #expect(try await !store.markDraftRestored(id: 999, by: "bob", at: time))
            #expect(try await store.draft(id: id)?.restoredBy == "ann")
            #expect(try await store.drafts(includeRestored: false).map(\.id) == [second])
            #expect(try await store.drafts(includeRestored: true).map(\.id) == [id, second])
            try await store.unmarkDraftRestored(id: id)
            #expect(try await store.drafts(includeRestored: false).map(\.id) == [id, second])
            #expect(
                try await store.auditTrail(limit: 1, subject: "wf-rich").first?.action == "draft.restored")
        }
    }

    /// A document whose every edit is captured as an update, as the relay sees them.
    private final class Editor {
        let doc = Doc(clientID: 7)
        var updates: [[UInt8]] = []
        private var subscription: Subscription?

        init() {
            subscription = doc.observeUpdates { [unowned self] update, _ in updates.append(update) }
        }

        func type(_ text: String) throws {
            let body = doc.text("body")
            try body.insert(text, atUTF16: body.utf16Count)
        }

        func takeUpdates() -> [[UInt8]] {
            defer { updates = [] }
            return updates
        }
    }

    private static func replay(_ stored: StoredDocument) throws -> String {
        let doc = Doc(clientID: 99)
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
        for update in stored.updates { try doc.applyUpdate(update.bytes) }
        return doc.text("body").string
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
