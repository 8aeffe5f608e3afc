import Testing

@testable import WorkflowModel
@testable import YCRDT

/// Reconcile and the text diff against random inputs from a seeded generator (a failing seed
/// reproduces: it is in the failure message).
@Suite struct ReconcilePropertyTests {
    static let seeds: [UInt64] = Array(1...300)

    /// For random pairs (A, B): reconcile(doc(A), B) reads back as B, the items of entities equal in A
    /// and B are untouched, a second reconcile writes nothing, and a replica that receives the
    /// reconcile's update reads the same.
    @Test(arguments: seeds) func reconcileReadsBackAsTheTarget(seed: UInt64) throws {
        var generator = WorkflowGenerator(seed: seed)
        let a = generator.workflow()
        let b = generator.variant(of: a)

        let doc = Doc(clientID: 1)
        WorkflowDocument.write(a, into: doc)
        #expect(WorkflowDocument.read(doc) == a, "seed \(seed): write → read")
        let replica = Doc(clientID: 2)
        try replica.applyUpdate(doc.encodeStateAsUpdate())
        let identityBefore = Identities(doc)

        var update: [UInt8] = []
        var updates = 0
        let subscription = doc.observeUpdates { bytes, _ in
            update = bytes
            updates += 1
        }
        let summary = Reconciler.reconcile(doc, to: b, origin: "property")
        subscription.cancel()
        #expect(updates <= 1, "seed \(seed): one transaction")

        // Reads back as B: per the unsaved compare, and field for field (extra keys of A the target
        // does not name are kept, positions stay when B has none).
        let read = WorkflowDocument.read(doc)
        var expected = b
        if b.positions.isEmpty { expected.positions = a.positions }
        #expect(
            !UnsavedChanges.differ(document: read, base: expected),
            "seed \(seed): \(UnsavedChanges.differences(document: read, base: expected))")
        #expect(read.lockVersion == b.lockVersion, "seed \(seed)")
        #expect(read.positions == expected.positions, "seed \(seed)")
        #expect(stripped(read) == stripped(expected), "seed \(seed)")
        for job in b.jobs {
            let extra = read.job(job.id)?.extra ?? [:]
            #expect(job.extra.allSatisfy { extra[$0.key] == $0.value }, "seed \(seed): extras of \(job.id)")
        }
        if generator.keptOrder {
            #expect(read.jobs.map(\.id) == b.jobs.map(\.id), "seed \(seed): order follows the target")
            #expect(read.edges.map(\.id) == b.edges.map(\.id), "seed \(seed)")
        }

        // Untouched: entities equal in A and B keep every item.
        let identityAfter = Identities(doc)
        for job in a.jobs where b.job(job.id) == job {
            #expect(
                identityBefore.jobs[job.id] == identityAfter.jobs[job.id],
                "seed \(seed): job \(job.id) touched")
        }
        for trigger in a.triggers where b.trigger(trigger.id) == trigger {
            #expect(
                identityBefore.triggers[trigger.id] == identityAfter.triggers[trigger.id],
                "seed \(seed): trigger \(trigger.id) touched")
        }
        for edge in a.edges where b.edge(edge.id) == edge {
            #expect(
                identityBefore.edges[edge.id] == identityAfter.edges[edge.id],
                "seed \(seed): edge \(edge.id) touched")
        }
        for (key, position) in a.positions where b.positions.isEmpty || b.positions[key] == position {
            #expect(
                identityBefore.positions[key] == identityAfter.positions[key],
                "seed \(seed): position \(key) touched")
        }
        for (key, value) in DocumentFields.workflow(a)
        where DocumentFields.workflow(b).contains(where: { $0.0 == key && $0.1 == value }) {
            #expect(
                identityBefore.workflow[key] == identityAfter.workflow[key],
                "seed \(seed): workflow.\(key) touched")
        }
        // Changed bodies keep the items of the characters they still share.
        for job in a.jobs {
            guard let other = b.job(job.id), other.body != job.body,
                let before = identityBefore.bodies[job.id],
                let after = identityAfter.bodies[job.id]
            else { continue }
            let kept = Set(before).intersection(after).count
            let shared = TextDiff.edits(from: job.body, to: other.body).reduce(job.body.utf16.count) {
                $0 - $1.deleteCount
            }
            #expect(kept == shared, "seed \(seed): body of \(job.id) kept \(kept) of \(shared) shared units")
        }

        // Summary agrees with what happened.
        #expect(
            Set(summary.added.filter { $0.kind == .job }.map(\.id))
                == Set(b.jobs.map(\.id)).subtracting(a.jobs.map(\.id)), "seed \(seed)")
        #expect(
            Set(summary.removed.filter { $0.kind == .job }.map(\.id))
                == Set(a.jobs.map(\.id)).subtracting(b.jobs.map(\.id)), "seed \(seed)")
        // A job changes when B differs from it, extra keys B does not name aside (those are kept).
        func changes(_ job: Job) -> Bool {
            guard var other = b.job(job.id) else { return false }
            other.extra = job.extra.merging(other.extra) { $1 }
            return other != job
        }
        let changedJobs = Set(summary.changed.filter { $0.kind == .job }.map(\.id))
        #expect(changedJobs == Set(a.jobs.filter(changes).map(\.id)), "seed \(seed)")

        // Idempotent: a second reconcile to B writes nothing.
        let settled = doc.stateVector
        let again = Reconciler.reconcile(doc, to: b)
        #expect(again.isEmpty && again.lockVersionChange == nil, "seed \(seed): \(again)")
        #expect(doc.stateVector == settled, "seed \(seed)")

        // A replica converges from the one update.
        // (Through the wire an integral double arrives as an integer, as in Yjs: extras compare by value.)
        if updates == 1 { try replica.applyUpdate(update) }
        let replicated = WorkflowDocument.read(replica)
        #expect(stripped(replicated) == stripped(read), "seed \(seed): replica")
        #expect(DocumentCompare.same(extras(replicated), extras(read)), "seed \(seed): replica extras")
    }

    /// Reconciling into an empty document writes the same workflow as `write`.
    @Test(arguments: seeds.prefix(50)) func reconcileIntoAnEmptyDocumentIsAWrite(seed: UInt64) {
        var generator = WorkflowGenerator(seed: seed)
        let workflow = generator.workflow()
        let doc = Doc(clientID: 1)
        let summary = Reconciler.reconcile(doc, to: workflow)
        #expect(WorkflowDocument.read(doc) == workflow, "seed \(seed)")
        #expect(summary.added.filter { $0.kind == .job }.count == workflow.jobs.count)
    }

    /// The edits of a diff turn the old text into the new one, on text and on a Y.Text alike.
    @Test(arguments: seeds) func textDiffTurnsOldIntoNew(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let old = WorkflowGenerator.randomText(&random)
        let new = WorkflowGenerator.edited(old, &random)
        let edits = TextDiff.edits(from: old, to: new)
        #expect(TextDiff.apply(edits, to: old) == new, "seed \(seed)")
        for (earlier, later) in zip(edits, edits.dropFirst()) {
            #expect(earlier.offset + earlier.deleteCount <= later.offset, "seed \(seed): edits ascend")
        }

        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        try text.insert(old, atUTF16: 0)
        doc.transact { tx in TextDiff.update(text, to: new, in: tx) }
        #expect(text.string == new, "seed \(seed)")
    }

    @Test func textDiffIsMinimalOnSimpleEdits() {
        #expect(TextDiff.edits(from: "abc", to: "abc").isEmpty)
        #expect(TextDiff.edits(from: "", to: "x") == [.init(offset: 0, deleteCount: 0, insert: "x")])
        #expect(TextDiff.edits(from: "x", to: "") == [.init(offset: 0, deleteCount: 1, insert: "")])
        let lines = "one\ntwo\nthree\nfour\n"
        #expect(
            TextDiff.edits(from: lines, to: "one\ntwo\nextra\nthree\nfour\n")
                == [.init(offset: 8, deleteCount: 0, insert: "extra\n")])
        #expect(
            TextDiff.edits(from: lines, to: "one\nthree\nfour\n") == [
                .init(offset: 4, deleteCount: 4, insert: "")
            ])
        // Two separate changes stay two small edits.
        #expect(
            TextDiff.edits(from: lines, to: "One\ntwo\nthree\nfour!\n")
                == [
                    .init(offset: 0, deleteCount: 1, insert: "O"),
                    .init(offset: 18, deleteCount: 0, insert: "!"),
                ])
        // Never half a surrogate pair: 😀 (D83D DE00) → 😁 (D83D DE01) replaces both units.
        #expect(TextDiff.edits(from: "a😀b", to: "a😁b") == [.init(offset: 1, deleteCount: 2, insert: "😁")])
        #expect(TextDiff.edits(from: "é😀", to: "é😀😀") == [.init(offset: 3, deleteCount: 0, insert: "😀")])
        // Canonically equivalent is not the same text: a precomposed é becomes e + combining accent.
        let accent = TextDiff.edits(from: "caf\u{E9}", to: "cafe\u{301}")
        #expect(accent.map(\.offset) == [3] && accent.map(\.deleteCount) == [1])
        #expect(accent.first.map { Array($0.insert.unicodeScalars) } == ["e", "\u{301}"])
    }

    @Test func hunksOfTokens() {
        #expect(TextDiff.hunks(["a", "b", "c"], ["a", "x", "c"]) == [.init(old: 1..<2, new: 1..<2)])
        #expect(TextDiff.hunks([1, 2, 3], [1, 2, 3, 4]) == [.init(old: 3..<3, new: 3..<4)])
        #expect(TextDiff.hunks([Int](), []) == [])
    }

    /// A large rewrite stays fast: the cost bound turns a hopeless character diff into a replace.
    @Test func largeUnrelatedTextsDiffQuickly() {
        var random = SeededRandom(seed: 99)
        let old = String((0..<40_000).map { _ in Character(Unicode.Scalar(UInt8(97 + random.below(26)))) })
        let new = String((0..<40_000).map { _ in Character(Unicode.Scalar(UInt8(97 + random.below(26)))) })
        let clock = ContinuousClock()
        var edits: [TextDiff.Edit] = []
        let elapsed = clock.measure { edits = TextDiff.edits(from: old, to: new) }
        #expect(TextDiff.apply(edits, to: old) == new)
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    /// Every extra key of a workflow and its entities, as one object.
    private func extras(_ workflow: Workflow) -> YAny {
        var all: [(key: String, value: YAny)] = [
            ("workflow", .object(YObject(workflow.extra.map { ($0.key, $0.value) })))
        ]
        for job in workflow.jobs {
            all.append(("job \(job.id)", .object(YObject(job.extra.map { ($0.key, $0.value) }))))
        }
        for trigger in workflow.triggers {
            all.append(("trigger \(trigger.id)", .object(YObject(trigger.extra.map { ($0.key, $0.value) }))))
        }
        for edge in workflow.edges {
            all.append(("edge \(edge.id)", .object(YObject(edge.extra.map { ($0.key, $0.value) }))))
        }
        return .object(YObject(all))
    }

    private func stripped(_ workflow: Workflow) -> Workflow {
        var copy = workflow
        copy.extra = [:]
        copy.jobs = copy.jobs.map { job in
            var job = job
            job.extra = [:]
            return job
        }
        copy.triggers = copy.triggers.map { trigger in
            var trigger = trigger
            trigger.extra = [:]
            return trigger
        }
        copy.edges = copy.edges.map { edge in
            var edge = edge
            edge.extra = [:]
            return edge
        }
        copy.jobs.sort { $0.id < $1.id }
        copy.triggers.sort { $0.id < $1.id }
        copy.edges.sort { $0.id < $1.id }
        return copy
    }
}

/// The CRDT ids behind each entity of a workflow document.
struct Identities {
    var workflow: [String: ID] = [:]
    var jobs: [String: [ID]] = [:]
    var bodies: [String: [ID]] = [:]
    var triggers: [String: [ID]] = [:]
    var edges: [String: [ID]] = [:]
    var positions: [String: ID] = [:]

    init(_ doc: Doc) {
        for (key, item) in doc.map("workflow").branch.map where !item.isDeleted { workflow[key] = item.id }
        for (key, item) in doc.map("positions").branch.map where !item.isDeleted { positions[key] = item.id }
        for map in DocumentRead.maps(doc.array("jobs")) {
            let id = DocumentRead.string(map["id"]) ?? ""
            jobs[id] = ItemIdentity.entity(map)
            if let text = map["body"]?.textValue { bodies[id] = ItemIdentity.units(text) }
        }
        for map in DocumentRead.maps(doc.array("triggers")) {
            triggers[DocumentRead.string(map["id"]) ?? ""] = ItemIdentity.entity(map)
        }
        for map in DocumentRead.maps(doc.array("edges")) {
            edges[DocumentRead.string(map["id"]) ?? ""] = ItemIdentity.entity(map)
        }
    }
}

/// Random workflows and variants of them, from a seed.
struct WorkflowGenerator {
    var random: SeededRandom
    private var counter = 0
    /// Whether the last variant kept the order of the entities it shares with its source.
    private(set) var keptOrder = true

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    static let words = [
        "fetch", "store", "notify", "sync", "map", "filter", "  padded ", "é", "données", "😀 emoji", "",
    ]
    static let lines = [
        "fn(state => state);", "get('/items');", "each($.data, upsert('items', $));", "// comment ✓",
        "const x = 1;", "", "  return state;", "log('done') // 😀", "}", "if (state.ok) {",
    ]

    mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)-\(random.below(1000))"
    }

    mutating func word() -> String { Self.words[random.below(Self.words.count)] }

    /// nil, empty or `value`: the three the compare treats alike and the document does not.
    mutating func maybe(_ value: String) -> String? {
        switch random.below(4) {
        case 0: nil
        case 1: ""
        default: value
        }
    }

    mutating func extra() -> [String: YAny] {
        switch random.below(6) {
        case 0: ["x_note": .string(word())]
        case 1: ["has_auth_method": .bool(random.chance(50)), "weight": .double(Double(random.below(9)) / 2)]
        case 2: ["x_meta": ["n": .integer(Int64(random.below(5))), "tags": ["a", "b"]]]
        default: [:]
        }
    }

    static func randomText(_ random: inout SeededRandom) -> String {
        (0..<random.below(12)).map { _ in lines[random.below(lines.count)] }.joined(separator: "\n")
            + (random.chance(50) ? "\n" : "")
    }

    /// `text` with a few line and character edits (sometimes replaced outright).
    static func edited(_ text: String, _ random: inout SeededRandom) -> String {
        if random.chance(10) { return randomText(&random) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + random.below(3)) {
            switch random.below(5) {
            case 0:
                lines.insert(Self.lines[random.below(Self.lines.count)], at: random.below(lines.count + 1))
            case 1 where !lines.isEmpty: lines.remove(at: random.below(lines.count))
            case 2 where !lines.isEmpty:
                let index = random.below(lines.count)
                var scalars = Array(lines[index].unicodeScalars)
                let at = random.below(scalars.count + 1)
                scalars.insert(["x", "é", "😀", " ", "\t"][random.below(5)], at: at)
                if random.chance(50), !scalars.isEmpty { scalars.remove(at: random.below(scalars.count)) }
                lines[index] = String(String.UnicodeScalarView(scalars))
            case 3: lines.append("")
            default:
                if !lines.isEmpty {
                    lines[random.below(lines.count)] = Self.lines[random.below(Self.lines.count)]
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    mutating func job() -> Job {
        Job(
            id: nextID("job"), name: word(), body: Self.randomText(&random),
            adaptor: random.chance(70) ? Job.defaultAdaptor : "@openfn/language-http@\(random.below(5)).0.0",
            projectCredentialID: maybe("cred-\(random.below(3))"),
            keychainCredentialID: random.chance(20) ? "kc-\(random.below(3))" : nil, extra: extra())
    }

    mutating func trigger() -> Trigger {
        let kind = Trigger.Kind.allCases[random.below(3)]
        return Trigger(
            id: nextID("trigger"), type: kind, enabled: random.chance(70),
            cronExpression: kind == .cron ? "\(random.below(60)) * * * *" : maybe("0 0 * * *"),
            cronCursorJobID: random.chance(20) ? "job-x" : nil,
            webhookReply: kind == .webhook ? maybe("after_completion") : nil,
            kafkaConfiguration: kind == .kafka ? kafka() : nil, extra: extra())
    }

    mutating func kafka() -> KafkaConfiguration {
        KafkaConfiguration(
            connectTimeout: random.chance(50) ? random.below(60) : nil, groupID: maybe("group"),
            hostsString: "host:\(random.below(3))", initialOffsetResetPolicy: maybe("earliest"),
            ssl: random.chance(30) ? random.chance(50) : nil, topicsString: maybe("a,b"))
    }

    mutating func edge(jobs: [Job], triggers: [Trigger]) -> Edge {
        let fromTrigger = !triggers.isEmpty && random.chance(30)
        let condition = Edge.Condition.allCases[random.below(4)]
        return Edge(
            id: nextID("edge"),
            sourceJobID: fromTrigger || jobs.isEmpty ? nil : jobs[random.below(jobs.count)].id,
            sourceTriggerID: fromTrigger ? triggers[random.below(triggers.count)].id : nil,
            targetJobID: jobs.isEmpty ? "nowhere" : jobs[random.below(jobs.count)].id,
            conditionType: condition,
            conditionExpression: condition == .jsExpression ? "state.n > \(random.below(9))" : maybe("x"),
            conditionLabel: maybe(word()), enabled: random.chance(80), extra: extra())
    }

    mutating func positions(_ ids: [String]) -> [String: Position] {
        guard random.chance(70) else { return [:] }
        var positions: [String: Position] = [:]
        for id in ids where random.chance(80) {
            positions[id] = Position(
                x: Double(random.below(800)) / (random.chance(50) ? 1 : 4), y: Double(random.below(600)))
        }
        return positions
    }

    mutating func workflow() -> Workflow {
        let jobs = (0..<random.below(9)).map { _ in job() }
        let triggers = (0..<random.below(4)).map { _ in trigger() }
        let edges = (0..<random.below(9)).map { _ in edge(jobs: jobs, triggers: triggers) }
        return Workflow(
            id: "wf-\(random.below(3))", name: word(), lockVersion: random.below(20),
            deletedAt: random.chance(10) ? "2026-0\(1 + random.below(9))-01T00:00:00Z" : nil,
            concurrency: random.chance(50) ? random.below(5) : nil,
            enableJobLogs: random.chance(30) ? nil : random.chance(50), jobs: jobs, triggers: triggers,
            edges: edges,
            positions: positions(jobs.map(\.id) + triggers.map(\.id)), extra: extra())
    }

    /// A later version of `a`: entities removed, added and changed, sometimes reordered, sometimes
    /// a different workflow altogether.
    mutating func variant(of a: Workflow) -> Workflow {
        keptOrder = true
        if random.chance(5) {
            keptOrder = false
            var other = workflow()
            other.id = a.id
            return other
        }
        var b = a
        b.lockVersion = a.lockVersion + (random.chance(90) ? 1 : 0)
        if random.chance(20) { b.name = word() }
        if random.chance(10) { b.concurrency = random.chance(50) ? random.below(5) : nil }
        if random.chance(10) { b.enableJobLogs = random.chance(50) ? nil : random.chance(50) }
        if random.chance(5) { b.deletedAt = "2026-09-01T00:00:00Z" }
        if random.chance(10) { b.extra = extra() }

        b.jobs = mutate(
            a.jobs, make: { $0.job() },
            change: { generator, job in
                var job = job
                switch generator.random.below(6) {
                case 0: job.name = generator.word()
                case 1: job.adaptor = "@openfn/language-common@\(generator.random.below(3)).0.0"
                case 2: job.projectCredentialID = generator.maybe("cred-9")
                case 3: job.extra = generator.extra()
                default: job.body = WorkflowGenerator.edited(job.body, &generator.random)
                }
                return job
            })
        b.triggers = mutate(
            a.triggers, make: { $0.trigger() },
            change: { generator, trigger in
                var trigger = trigger
                switch generator.random.below(5) {
                case 0: trigger.enabled.toggle()
                case 1: trigger.cronExpression = generator.maybe("5 4 * * *")
                case 2: trigger.kafkaConfiguration = generator.random.chance(30) ? nil : generator.kafka()
                case 3: trigger.type = Trigger.Kind.allCases[generator.random.below(3)]
                default: trigger.webhookReply = generator.maybe("before_start")
                }
                return trigger
            })
        let jobs = b.jobs
        let triggers = b.triggers
        b.edges = mutate(
            a.edges, make: { $0.edge(jobs: jobs, triggers: triggers) },
            change: { generator, edge in
                var edge = edge
                switch generator.random.below(5) {
                case 0: edge.conditionType = Edge.Condition.allCases[generator.random.below(4)]
                case 1: edge.conditionExpression = generator.maybe("state.changed")
                case 2: edge.enabled.toggle()
                case 3:
                    edge.targetJobID = jobs.isEmpty ? "nowhere" : jobs[generator.random.below(jobs.count)].id
                default: edge.conditionLabel = generator.maybe(generator.word())
                }
                return edge
            })
        switch random.below(10) {
        case 0, 1: b.positions = [:]
        case 2, 3, 4:
            b.positions = positions(b.jobs.map(\.id) + b.triggers.map(\.id))
        case 5:
            for key in b.positions.keys where random.chance(30) { b.positions[key]?.x += 10 }
        default: break
        }
        return b
    }

    /// Removes, changes, adds and sometimes shuffles entities.
    private mutating func mutate<Entity: Identifiable>(
        _ entities: [Entity], make: (inout WorkflowGenerator) -> Entity,
        change: (inout WorkflowGenerator, Entity) -> Entity
    ) -> [Entity] {
        var result: [Entity] = []
        for entity in entities {
            switch random.below(10) {
            case 0, 1: continue
            case 2, 3, 4: result.append(change(&self, entity))
            default: result.append(entity)
            }
        }
        for _ in 0..<random.below(4) { result.insert(make(&self), at: random.below(result.count + 1)) }
        if random.chance(10), result.count > 1 {
            result.shuffle(using: &random)
            keptOrder = false
        }
        return result
    }
}
