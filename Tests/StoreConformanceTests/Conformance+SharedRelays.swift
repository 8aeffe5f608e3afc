import Foundation
import Synchronization
import Testing
import WeftStore
import WeftStorePostgres
import WorkflowModel
import YCRDT

/// Sandboxes, git sync state, catch-up reads, and what several relays on one database rely on: change
/// notifications, document locks and the deadline.
extension Conformance {
    /// Ids "id-1", "id-2", … in the order a store asks for them.
    final class Counter: Sendable {
        private let next = Locked(0)
        func id() -> String {
            next.withLock {
                $0 += 1
                return "id-\($0)"
            }
        }
    }

    static func sandboxCreateLinkMerge(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await storeWithRichWorkflow(database)
            _ = try await store.createWorkflow(
                Samples.simpleWorkflow(id: "w-simple", name: "A simple one"), in: "p", actor: Samples.person,
                source: .editor)
            try await store.grant(user: "bob", project: "p", role: .editor)
            let parent = try #require(try await store.project(id: "p", includeDeleted: false))
            let ids = Counter()
            let summary = try await store.createSandbox(
                of: "p", name: "Ann's sandbox", createdBy: "ann", actor: Samples.person, newID: ids.id)

            // The sandbox's id is the first id, then each workflow (by name) takes one per entity.
            #expect(
                summary.project
                    == ProjectSummary.stored(id: "id-1", name: "Ann's sandbox", description: "a project"))
            #expect(summary.parent.id == "p" && summary.parent.name == "Project")
            #expect(summary.createdBy == "ann" && summary.merges == 0 && summary.mergedAt == nil)
            #expect(abs(summary.createdAt.timeIntervalSinceNow) < 60)
            #expect(ids.id() == "id-\(1 + parent.workflows.map { Set($0.entityIDs).count }.reduce(0, +) + 1)")
            #expect(try await store.sandbox("Ann's sandbox") == summary)
            #expect(try await store.sandbox("id-1") == summary)
            #expect(try await store.sandbox("p") == nil, "a plain project is no sandbox")
            #expect(try await store.sandboxes(of: "p") == [summary])
            #expect(try await store.sandboxes(of: nil) == [summary])
            #expect(try await store.sandboxes(of: "id-1").isEmpty)

            let links = try await store.sandboxLinks("id-1")
            let copies = try #require(try await store.project(id: "id-1", includeDeleted: false)).workflows
            #expect(links.map(\.workflowID) == copies.map(\.id).sorted())
            #expect(Set(links.map(\.parentWorkflowID)) == ["wf-rich", "w-simple"])
            for link in links {
                let copy = try #require(copies.first { $0.id == link.workflowID })
                let original = try #require(parent.workflows.first { $0.id == link.parentWorkflowID })
                #expect(link.base == original, "the fork point is the parent's workflow as it was")
                #expect(link.ids.toParent(copy) == original.with(lockVersion: 1), "the map leads back")
                #expect(Set(copy.entityIDs).isDisjoint(with: original.entityIDs), "every id is new")
                #expect(try await store.versions(of: copy.id).map(\.source) == [.deploy])
            }
            #expect(try await store.role(of: "bob", in: "id-1") == .editor, "roles are copied")
            #expect(try await store.role(of: "ann", in: "id-1") == .owner, "the creator owns it")
            #expect(
                try await store.project(id: "id-1", includeDeleted: false)?.credentials == parent.credentials)

            await #expect(throws: StoreError.projectNotFound("nope")) {
                try await store.createSandbox(
                    of: "nope", name: "x", createdBy: "ann", actor: Samples.person, newID: ids.id)
            }
            await #expect(throws: StoreError.projectNameTaken("Ann's sandbox")) {
                try await store.createSandbox(
                    of: "p", name: "Ann's sandbox", createdBy: "ann", actor: Samples.person, newID: ids.id)
            }
            #expect(try await store.sandboxes(of: nil).count == 1, "a refused creation writes nothing")

            // Merge the sandbox's edit of the simple workflow back.
            var link = try #require(links.first { $0.parentWorkflowID == "w-simple" })
            var merged = try #require(parent.workflows.first { $0.id == "w-simple" })
            merged.jobs[0].body = "// merged from the sandbox\n"
            var mergedParent = parent
            mergedParent.workflows = [merged]
            link.base = merged
            await #expect(
                throws: StoreError.staleDeploy(moved: ["w-simple": VersionMove(expected: 7, current: 1)])
            ) {
                try await store.commitSandboxMerge(
                    sandboxID: "id-1", parent: mergedParent, actor: Samples.person,
                    expectedVersions: ["w-simple": 7], links: [link])
            }
            #expect(try await store.sandbox("id-1")?.merges == 0, "a stale merge writes nothing")
            #expect(try await store.sandboxLinks("id-1") == links)

            let result = try await store.commitSandboxMerge(
                sandboxID: "id-1", parent: mergedParent, actor: Samples.person,
                expectedVersions: ["w-simple": 1],
                links: [link])
            #expect(result.changed.map(\.workflowID) == ["w-simple"] && result.changed[0].lockVersion == 2)
            #expect(try await store.versions(of: "w-simple").map(\.source) == [.editor, .merge])
            #expect(try await store.workflow(id: "w-simple") == merged.with(lockVersion: 2))
            #expect(try await store.workflow(id: "wf-rich")?.lockVersion == 1, "the others are left alone")
            let after = try #require(try await store.sandbox("id-1"))
            #expect(after.merges == 1 && after.mergedAt != nil)
            #expect(
                try await store.sandboxLinks("id-1").first { $0.workflowID == link.workflowID }?.base
                    == merged)
            #expect(
                try await store.auditTrail(limit: 1, subject: "id-1").first?.details["changed"]
                    == .array([.string("w-simple")]))
        }
    }

    static func repositorySyncIsUpserted(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            #expect(try await store.repositorySync(repository: "/src/repo", project: "Project") == nil)
            let time = Date(timeIntervalSince1970: 1_800_000_000)
            var sync = RepositorySync(
                repository: "/src/repo", project: "Project", projectID: nil, file: "project.yaml",
                state: "{}", lastCommit: "abc", syncedAt: time)
            try await store.recordRepositorySync(sync)
            #expect(try await store.repositorySync(repository: "/src/repo", project: "Project") == sync)
            sync.projectID = "p"
            sync.state = #"{"workflows":{"w":"w1"}}"#
            sync.lastCommit = "def"
            sync.syncedAt = time.addingTimeInterval(60)
            try await store.recordRepositorySync(sync)
            #expect(try await store.repositorySync(repository: "/src/repo", project: "Project") == sync)
            #expect(try await store.repositorySync(repository: "/src/repo", project: "Other") == nil)
        }
    }

    /// What a relay holding a document through some number reads to catch up, before and after a
    /// compaction dropped part of what it lacks.
    static func catchUpReadsWhatARelayLacks(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let doc = Doc(clientID: 3)
            var updates: [[UInt8]] = []
            let subscription = doc.observeUpdates { update, _ in updates.append(update) }
            for word in ["a", "b", "c", "d", "e"] {
                try doc.text("body").insert(word, atUTF16: doc.text("body").utf16Count)
            }
            _ = subscription
            try await store.appendUpdates(updates.map { (docID: "wf", update: $0) })

            let lacking = try await store.loadDocument("wf", after: 2)
            #expect(lacking.snapshot == nil && lacking.throughSeq == 2)
            #expect(lacking.updates.map(\.seq) == [3, 4, 5] && lacking.updates[0].bytes == updates[2])
            #expect(try await store.loadDocument("wf", after: 5).updates.isEmpty)
            #expect(try await store.loadDocument("none", after: 0).isEmpty)

            // A snapshot through 4 drops 3 and 4 from the log: a relay at 2 gets the snapshot, one at 4 not.
            let snapshotDoc = Doc(clientID: 4)
            for update in updates.prefix(4) { try snapshotDoc.applyUpdate(update) }
            let snapshot = snapshotDoc.encodeStateAsUpdate()
            try await store.compactDocument("wf", snapshot: snapshot, throughSeq: 4)
            let behind = try await store.loadDocument("wf", after: 2)
            #expect(behind.snapshot == snapshot && behind.throughSeq == 4 && behind.updates.map(\.seq) == [5])
            let relay = Doc(clientID: 5)
            for update in updates.prefix(2) { try relay.applyUpdate(update) }
            try relay.applyUpdate(try #require(behind.snapshot))
            for update in behind.updates { try relay.applyUpdate(update.bytes) }
            #expect(relay.text("body").string == "abcde")
            let current = try await store.loadDocument("wf", after: 4)
            #expect(current.snapshot == nil && current.throughSeq == 4 && current.updates.map(\.seq) == [5])
            #expect(
                try await store.loadDocument("wf", after: 5)
                    == StoredDocument(snapshot: nil, throughSeq: 5, updates: []))
        }
    }

    /// The same sandbox steps on SQLite and on PostgreSQL leave the same values behind.
    static func sandboxesMatchBetweenStores() async throws {
        struct Outcome: Equatable {
            var sandbox: [String]
            var links: [SandboxLink]
            var copies: [Workflow]
            var merged: ImportResult
            var parent: Project?
            var versions: [[String]]
            var roles: [String]
            var audit: [[String: YAny]]
        }
        func run(_ kind: StoreKind) async throws -> Outcome {
            var outcome: Outcome?
            try await withDatabase(kind) { database in
                let store = try await storeWithRichWorkflow(database)
                _ = try await store.createWorkflow(
                    Samples.simpleWorkflow(id: "w-simple", name: "A simple one"), in: "p",
                    actor: Samples.person,
                    source: .editor)
                try await store.grant(user: "bob", project: "p", role: .viewer)
                let summary = try await store.createSandbox(
                    of: "p", name: "Sandbox", createdBy: "carol", actor: Samples.person, newID: Counter().id)
                let links = try await store.sandboxLinks(summary.project.id)
                let copies = try #require(
                    try await store.project(id: summary.project.id, includeDeleted: false))
                var merged = try #require(try await store.workflow(id: "wf-rich"))
                merged.jobs[1].body = "// from the sandbox\n"
                var newLinks = links
                newLinks[0].base = merged
                let result = try await store.commitSandboxMerge(
                    sandboxID: summary.project.id,
                    parent: Project(id: "p", name: "Project", description: "a project", workflows: [merged]),
                    actor: Samples.person, expectedVersions: ["wf-rich": 1], links: newLinks)
                let after = try #require(try await store.sandbox("Sandbox"))
                var versions: [[String]] = []
                for workflow in copies.workflows + [merged] {
                    versions.append(
                        try await store.versions(of: workflow.id).map {
                            "\($0.lockVersion) \($0.source) \($0.actor)"
                        })
                }
                outcome = Outcome(
                    sandbox: [
                        after.project.id, after.project.name, after.project.description ?? "",
                        after.parent.id,
                        after.createdBy, "\(after.merges)", "\(after.mergedAt != nil)",
                    ],
                    links: try await store.sandboxLinks(summary.project.id), copies: copies.workflows,
                    merged: result, parent: try await store.project(id: "p", includeDeleted: false),
                    versions: versions,
                    roles: try await store.roles(in: summary.project.id).map { "\($0.user) \($0.role)" },
                    audit: try await store.auditTrail(limit: 10, subject: summary.project.id).map(\.details))
            }
            return try #require(outcome)
        }
        let sqlite = try await run(.sqlite)
        let postgres = try await run(.postgres)
        #expect(sqlite == postgres)
        #expect(sqlite.merged.changed.map(\.lockVersion) == [2] && sqlite.sandbox[5] == "1")
    }

    /// SQLite: nobody else writes the database; there is nothing to announce or to lock against.
    static func aSQLiteStoreIsNotShared() async throws {
        try await withDatabase(.sqlite) { database in
            let store = try await database.open()
            #expect(!store.isShared)
            var received: [StoreChange] = []
            for await change in try await store.changes() { received.append(change) }
            #expect(received.isEmpty, "the stream finished at once")
            #expect(try await store.withDocumentLock("wf") { 42 } == 42)
        }
    }

    // MARK: PostgreSQL: several stores on one database

    /// Collects what a stream of changes yields, for a test to wait on.
    final class Inbox: Sendable {
        private let received: Locked<[StoreChange]>
        private let task: Task<Void, Never>

        init(_ stream: AsyncStream<StoreChange>) {
            let received = Locked<[StoreChange]>([])
            self.received = received
            task = Task {
                for await change in stream { received.withLock { $0.append(change) } }
            }
        }

        var changes: [StoreChange] { received.withLock { $0 } }

        /// Whether `change` arrives within `seconds`.
        func waitFor(_ change: StoreChange, seconds: Double = 10) async -> Bool {
            let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            while ContinuousClock.now < until {
                if changes.contains(change) { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return changes.contains(change)
        }

        func stop() { task.cancel() }
    }

    static func postgresStore(_ database: TestDatabase) async throws -> PostgresStore {
        try #require(try await database.open() as? PostgresStore)
    }

    /// A second store on the same database (another relay) hears of every write made through the first,
    /// with the numbers it needs to catch up; so does the writer itself.
    static func changesReachAnotherStore() async throws {
        try await withDatabase(.postgres) { database in
            let writer = try await postgresStore(database)
            let other = try await postgresStore(database)
            #expect(other.isShared)
            let theirs = Inbox(try await other.changes())
            let mine = Inbox(try await writer.changes())
            defer {
                theirs.stop()
                mine.stop()
            }

            try await writer.appendUpdates([
                (docID: "a", update: [1]), (docID: "b", update: [2]), (docID: "a", update: [3]),
            ])
            #expect(await theirs.waitFor(.documentLog(docID: "a", seq: 2)))
            #expect(await theirs.waitFor(.documentLog(docID: "b", seq: 1)))
            #expect(
                await mine.waitFor(.documentLog(docID: "a", seq: 2)), "the writer's own store hears it too")
            #expect(
                !theirs.changes.contains(.documentLog(docID: "a", seq: 1)), "one per document: its highest")

            try await writer.createProject(id: "p", name: "Project", description: nil)
            _ = try await writer.createWorkflow(
                Samples.simpleWorkflow(id: "w1", name: "One"), in: "p", actor: Samples.person, source: .editor
            )
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w1", lockVersion: 1)))
            var edited = Samples.simpleWorkflow(id: "w1", name: "One, renamed")
            _ = try await writer.saveWorkflow(
                edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w1", lockVersion: 2)))
            edited.name = "One, deployed"
            _ = try await writer.importProject(
                Project(
                    id: "p", name: "Project",
                    workflows: [edited, Samples.simpleWorkflow(id: "w2", name: "Two")]),
                actor: Samples.deployer, source: .deploy, expectedVersions: nil)
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w1", lockVersion: 3)))
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w2", lockVersion: 1)))
            _ = try await writer.deleteWorkflow(
                id: "w2", expectedLockVersion: 1, actor: Samples.person, source: .editor)
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w2", lockVersion: 2)))

            // A refused save announces nothing; the next write still arrives, after it.
            await #expect(throws: StoreError.self) {
                try await writer.saveWorkflow(
                    edited, expectedLockVersion: 1, actor: Samples.person, source: .editor)
            }
            try await writer.appendUpdates([(docID: "a", update: [4])])
            #expect(await theirs.waitFor(.documentLog(docID: "a", seq: 3)))
            #expect(!theirs.changes.contains(.workflowSaved(workflowID: "w1", lockVersion: 4)))
            #expect(!theirs.changes.contains(.resync))

            // An id too long to announce is written all the same.
            let longID = String(repeating: "x", count: 5000)
            #expect(
                try await writer.appendUpdates([(docID: longID, update: [1]), (docID: "b", update: [9])]) == [
                    1, 2,
                ])
            #expect(await theirs.waitFor(.documentLog(docID: "b", seq: 2)))
            #expect(try await other.loadDocument(longID).lastSeq == 1)

            // A sandbox's copies and a merge into the parent are announced like any other write.
            let sandbox = try await writer.createSandbox(
                of: "p", name: "Sandbox", createdBy: "ann", actor: Samples.person, newID: Counter().id)
            let copy = try #require(try await writer.sandboxLinks(sandbox.project.id).first)
            #expect(await theirs.waitFor(.workflowSaved(workflowID: copy.workflowID, lockVersion: 1)))
            edited.name = "One, merged"
            _ = try await writer.commitSandboxMerge(
                sandboxID: sandbox.project.id, parent: Project(id: "p", name: "Project", workflows: [edited]),
                actor: Samples.person, expectedVersions: ["w1": 3], links: [])
            #expect(await theirs.waitFor(.workflowSaved(workflowID: "w1", lockVersion: 4)))

            // Payloads this version does not understand are ignored; the stream goes on.
            let channel = writer.settings.notificationChannel
            for payload in [
                "hello", "log x a", "log 0 a", "saved 1", "saved -2 w", "log 5 ", "", "resync 1 a",
                "awareness o not*base64 w", "awareness o AAA=", "awareness-query o",
            ] {
                try await writer.execute(unsafeSQL: "SELECT pg_notify('\(channel)', '\(payload)')")
            }
            try await writer.appendUpdates([(docID: "after garbage", update: [1])])
            #expect(await theirs.waitFor(.documentLog(docID: "after garbage", seq: 1)))
            #expect(!theirs.changes.contains(.resync))
            #expect(
                theirs.changes.allSatisfy { change in
                    switch change {
                    case .documentLog(let docID, let seq):
                        ["a", "b", "after garbage"].contains(docID) && seq >= 1
                    case .workflowSaved(let id, _): ["w1", "w2"].contains(id) || id.hasPrefix("id-")
                    case .resync, .presence: false
                    }
                }, "\(theirs.changes)")
        }
    }

    /// The server probes an idle session within seconds, so the locks of a relay whose machine vanished
    /// (no FIN, no RST) are released in about 25 s, not after the system's two hours.
    static func sessionsAreProbedForADeadPeer() async throws {
        try await withDatabase(.postgres) { database in
            let store = try await postgresStore(database)
            #expect(try await store.setting("tcp_keepalives_idle") == "10")
            #expect(try await store.setting("tcp_keepalives_interval") == "5")
            #expect(try await store.setting("tcp_keepalives_count") == "3")
        }
    }

    /// When the listening connection drops, the store listens again and tells every stream to re-read.
    static func aLostListenerResyncs() async throws {
        try await withDatabase(.postgres) { database in
            let writer = try await postgresStore(database)
            let other = try await postgresStore(database)
            let first = Inbox(try await other.changes())
            let second = Inbox(try await other.changes())
            defer {
                first.stop()
                second.stop()
            }
            #expect(try await other.terminateListenerSession())
            #expect(await first.waitFor(.resync))
            #expect(await second.waitFor(.resync))
            #expect(first.changes.filter { $0 == .resync }.count == 1, "once per stream")
            try await writer.appendUpdates([(docID: "a", update: [1])])
            #expect(await first.waitFor(.documentLog(docID: "a", seq: 1)), "listening again")
            #expect(await second.waitFor(.documentLog(docID: "a", seq: 1)))
        }
    }

    /// `close()` finishes every stream.
    static func closingFinishesTheStreams() async throws {
        try await withDatabase(.postgres) { database in
            let store = try await postgresStore(database)
            let stream = try await store.changes()
            await store.close()
            var received: [StoreChange] = []
            for await change in stream { received.append(change) }
            #expect(received.isEmpty)
        }
    }

    /// Two stores (two relays) never hold one document's lock at once; a holder whose session dies
    /// holds nothing.
    static func documentLocksExcludeOtherStores() async throws {
        try await withDatabase(.postgres) { database in
            let first = try await postgresStore(database)
            let second = try await postgresStore(database)
            let events = Locked<[String]>([])
            let entered = Gate()
            let leave = Gate()
            async let holding: Int = first.withDocumentLock("wf") {
                events.withLock { $0.append("first in") }
                await entered.open()
                await leave.wait()
                events.withLock { $0.append("first out") }
                return 1
            }
            await entered.wait()
            #expect(try await first.documentLockHolders("wf").count == 1)
            async let waiting: Int = second.withDocumentLock("wf") {
                events.withLock { $0.append("second in") }
                return 2
            }
            #expect(try await second.withDocumentLock("other") { 3 } == 3, "another document is free")
            // Release only once the second store is seen waiting on the server, so the order below
            // shows exclusion and not a slow start.
            let deadline = ContinuousClock.now + .seconds(10)
            while try await first.documentLockWaiters("wf").isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await first.documentLockWaiters("wf").count == 1, "the second store waits for the lock")
            await leave.open()
            let (held, waited) = try await (holding, waiting)
            #expect(held == 1 && waited == 2)
            #expect(events.withLock { $0 } == ["first in", "first out", "second in"])
            #expect(try await first.documentLockHolders("wf").isEmpty, "released after the body")

            // A throwing body releases the lock too.
            await #expect(throws: StoreError.workflowNotFound("x")) {
                try await first.withDocumentLock("wf") { () async throws -> Int in
                    throw StoreError.workflowNotFound("x")
                }
            }
            #expect(try await second.withDocumentLock("wf") { 4 } == 4)

            // The holder's session dies (its relay crashed): the lock is free for the others at once.
            let crashedIn = Gate()
            let crashedLeave = Gate()
            async let crashed: Int = first.withDocumentLock("wf") {
                await crashedIn.open()
                await crashedLeave.wait()
                return 5
            }
            await crashedIn.wait()
            try await second.terminateDocumentLockHolders("wf")
            let start = ContinuousClock.now
            #expect(try await second.withDocumentLock("wf") { 6 } == 6)
            #expect(ContinuousClock.now - start < .seconds(5))
            await crashedLeave.open()
            #expect(try await crashed == 5, "the body finished; its lock was gone")
        }
    }

    /// A call that gets no answer fails after the URL's deadline, naming the URL, instead of waiting on.
    static func aCallWithoutAnswerFailsAtTheDeadline() async throws {
        try await withDatabase(.postgres) { database in
            let holder = try await postgresStore(database)
            let impatient = try await database.openPostgres(timeout: 1)
            let entered = Gate()
            let leave = Gate()
            async let holding: Void = holder.withDocumentLock("wf") {
                await entered.open()
                await leave.wait()
            }
            await entered.wait()
            let start = ContinuousClock.now
            let error = await #expect(throws: PostgresStoreError.self) {
                try await impatient.withDocumentLock("wf") { 1 }
            }
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(900) && waited < .seconds(5))
            guard case .timedOut(let url, let seconds, let what)? = error else {
                Issue.record("expected timedOut, got \(String(describing: error))")
                await leave.open()
                try await holding
                return
            }
            #expect(url == impatient.settings.displayURL && url.contains("timeout=1") && seconds == 1)
            #expect(what.contains("wf"))
            #expect(String(describing: error!).contains("?timeout=SECONDS"))
            await leave.open()
            try await holding
            #expect(try await impatient.withDocumentLock("wf") { 2 } == 2, "the store works on")
            #expect(try await impatient.appendUpdates([(docID: "wf", update: [1])]) == [1])
        }
    }

    /// A store whose pool cannot get a connection (the server refuses every new one) fails at the
    /// deadline, naming the URL, instead of waiting out postgres-nio's retries; it works again once the
    /// server lets it in.
    static func aPoolWithoutConnectionsFailsAtTheDeadline() async throws {
        try await withDatabase(.postgres) { database in
            let admin = try await postgresStore(database)
            let name =
                "weft_deadline_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await admin.execute(unsafeSQL: "CREATE DATABASE \(name)")
            let store = try await database.openPostgres(timeout: 1, database: name)
            #expect(try await store.users().isEmpty)

            try await admin.execute(unsafeSQL: "ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
            try await admin.execute(
                unsafeSQL:
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '\(name)'")
            // A call may still be handed a pooled connection the server just closed (and fail at once
            // saying so); the next one waits for a new connection, which the server refuses.
            var error: PostgresStoreError?
            for _ in 0..<3 where error == nil {
                let start = ContinuousClock.now
                do {
                    _ = try await store.users()
                    Issue.record("a call succeeded while the database refuses connections")
                    break
                } catch let failure as PostgresStoreError {
                    let waited = ContinuousClock.now - start
                    #expect(waited < .seconds(5), "\(waited)")
                    if case .server = failure { continue }
                    error = failure
                }
            }
            switch error {
            case .timedOut(let url, let seconds, let what)?:
                #expect(url == store.settings.displayURL && seconds == 1 && what == "a connection")
            case .unreachable(let url, _)?:
                #expect(url == store.settings.displayURL)
            default:
                Issue.record("expected a timeout, got \(String(describing: error))")
            }

            try await admin.execute(unsafeSQL: "ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
            var back = false
            let until = ContinuousClock.now + .seconds(15)
            while !back && ContinuousClock.now < until {
                back = (try? await store.users()) != nil
                if !back { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(back, "the store works again once the server lets it in")
            await store.close()
            try await admin.execute(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}

/// A value behind a lock, shared by reference.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// A one-way gate for the tests: ``wait()`` returns once ``open()`` was called.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

extension SQLiteStoreConformance {
    @Test func sandboxCreateLinkMerge() async throws { try await Conformance.sandboxCreateLinkMerge(.sqlite) }
    @Test func repositorySyncIsUpserted() async throws {
        try await Conformance.repositorySyncIsUpserted(.sqlite)
    }
    @Test func catchUpReadsWhatARelayLacks() async throws {
        try await Conformance.catchUpReadsWhatARelayLacks(.sqlite)
    }
    @Test func aSQLiteStoreIsNotShared() async throws { try await Conformance.aSQLiteStoreIsNotShared() }
}

extension PostgresStoreConformance {
    @Test func sandboxCreateLinkMerge() async throws {
        try await Conformance.sandboxCreateLinkMerge(.postgres)
    }
    @Test func repositorySyncIsUpserted() async throws {
        try await Conformance.repositorySyncIsUpserted(.postgres)
    }
    @Test func catchUpReadsWhatARelayLacks() async throws {
        try await Conformance.catchUpReadsWhatARelayLacks(.postgres)
    }
    @Test func sandboxesMatchBetweenStores() async throws {
        try await Conformance.sandboxesMatchBetweenStores()
    }
    @Test func changesReachAnotherStore() async throws { try await Conformance.changesReachAnotherStore() }
    @Test func aLostListenerResyncs() async throws { try await Conformance.aLostListenerResyncs() }
    @Test func sessionsAreProbedForADeadPeer() async throws { try await Conformance.sessionsAreProbedForADeadPeer() }
    @Test func closingFinishesTheStreams() async throws { try await Conformance.closingFinishesTheStreams() }
    @Test func documentLocksExcludeOtherStores() async throws {
        try await Conformance.documentLocksExcludeOtherStores()
    }
    @Test func aCallWithoutAnswerFailsAtTheDeadline() async throws {
        try await Conformance.aCallWithoutAnswerFailsAtTheDeadline()
    }
    @Test func aPoolWithoutConnectionsFailsAtTheDeadline() async throws {
        try await Conformance.aPoolWithoutConnectionsFailsAtTheDeadline()
    }
}
