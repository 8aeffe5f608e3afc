import WorkflowModel
import YCRDT

/// WorkflowModel's benchmarks: reconcile a live document to an external version, and the
/// unsaved-changes compare a client runs after every change.
///
/// The workload: a 500-job workflow (10 triggers, 500 edges, positions for every node, bodies of 20
/// lines) and a version of it with 10% changed — bodies edited, jobs renamed, removed and added, edges
/// rewired, nodes moved, the lock_version bumped.
enum WorkflowBenchmarks {
    static func run(into report: inout Report, runs: Int = 3) {
        let repeats = max(runs * 5, 10)
        let base = workflow(jobs: 500)
        let target = changed(base)

        progress("workflow: reconcile a 500-job document to a version with 10% changed × \(repeats)")
        let seed = Doc(clientID: 1)
        WorkflowDocument.write(base, into: seed)
        let state = seed.encodeStateAsUpdate()
        // Each run needs a document still at `base`: make them before the clock starts.
        var documents: [Doc] = (0..<repeats).map { index in
            let doc = Doc(clientID: ClientID(100 + index))
            try! doc.applyUpdate(state)
            return doc
        }
        var finished: [Doc] = []  // freed after the clock stops
        var summary = ReconcileSummary()
        let reconcile = best(of: repeats) {
            let doc = documents.removeLast()
            summary = Reconciler.reconcile(doc, to: target, origin: "benchmark")
            finished.append(doc)
        }
        finished.removeAll()
        precondition(!summary.isEmpty, "the reconcile changed nothing")
        report.add("workflow reconcile, 500 jobs, 10% changed", milliseconds: reconcile, target: "≤ 5 ms")

        let reconciled = Doc(clientID: 2)
        try! reconciled.applyUpdate(state)
        Reconciler.reconcile(reconciled, to: target)
        var read = Workflow(id: "", name: "")
        let readTime = best(of: repeats) { read = WorkflowDocument.read(reconciled) }
        precondition(
            !UnsavedChanges.differ(document: read, base: target), "the reconcile did not reach the target")
        report.add("workflow read of a 500-job document", milliseconds: readTime, target: "-")

        progress("workflow: unsaved-changes compare of 500 jobs × \(repeats * 10)")
        // The document's strings come from the CRDT, the base's from elsewhere: no shared storage.
        var differ = true
        let equal = best(of: repeats * 10) { differ = UnsavedChanges.differ(document: read, base: target) }
        precondition(!differ)
        report.add("unsaved compare, 500 jobs, equal (full walk)", milliseconds: equal, target: "≤ 1 ms")
        let before = WorkflowDocument.read(seed)
        var differences: [UnsavedChanges.Difference] = []
        let list = best(of: repeats * 10) {
            differences = UnsavedChanges.differences(document: before, base: target)
        }
        precondition(!differences.isEmpty)
        report.add("unsaved differences, 500 jobs, 10% changed", milliseconds: list, target: "≤ 1 ms")
        report.notes.append(
            "workflow: the reconcile added \(summary.added.count), removed \(summary.removed.count) and changed "
                + "\(summary.changed.count) entities; the compare listed \(differences.count) differences")
    }

    static func workflow(jobs count: Int) -> Workflow {
        var generator = SplitMix64(seed: 2026)
        var jobs: [Job] = []
        var triggers: [Trigger] = []
        var edges: [Edge] = []
        var positions: [String: Position] = [:]
        for index in 0..<count {
            let id = uuid(&generator)
            let lines = (0..<20).map { line in
                "fn(state => { state.data.step\(index)_\(line) = \(generator.next() % 1000); return state; });"
            }
            jobs.append(
                Job(
                    id: id, name: "step \(index)", body: lines.joined(separator: "\n") + "\n",
                    adaptor: index % 3 == 0 ? "@openfn/language-http@latest" : Job.defaultAdaptor,
                    projectCredentialID: index % 7 == 0 ? uuid(&generator) : nil))
            positions[id] = Position(x: Double(index % 20) * 160, y: Double(index / 20) * 120)
            if index % 50 == 0 {
                let trigger = Trigger(
                    id: uuid(&generator), type: index % 100 == 0 ? .webhook : .cron,
                    cronExpression: index % 100 == 0 ? nil : "0 */\(1 + index % 12) * * *")
                triggers.append(trigger)
                positions[trigger.id] = Position(x: -200, y: Double(index) * 10)
                edges.append(
                    Edge(
                        id: uuid(&generator), sourceTriggerID: trigger.id, targetJobID: id,
                        conditionType: .always))
            } else {
                edges.append(
                    Edge(
                        id: uuid(&generator), sourceJobID: jobs[index - 1].id, targetJobID: id,
                        conditionType: index % 9 == 0 ? .jsExpression : .onJobSuccess,
                        conditionExpression: index % 9 == 0 ? "state.data.ok" : nil))
            }
        }
        return Workflow(
            id: uuid(&generator), name: "Benchmark", lockVersion: 41, concurrency: 4, jobs: jobs,
            triggers: triggers,
            edges: edges, positions: positions)
    }

    /// 10% of the workflow changed: 25 bodies edited, 10 jobs renamed, 5 removed and 5 added, 5 edges
    /// rewired, 10 nodes moved, lock_version bumped.
    static func changed(_ base: Workflow) -> Workflow {
        var generator = SplitMix64(seed: 7)
        var next = base
        next.lockVersion += 1
        for index in stride(from: 3, to: 500, by: 20) {
            var lines = next.jobs[index].body.split(separator: "\n", omittingEmptySubsequences: false).map(
                String.init)
            lines[5] = lines[5].replacingFirst("return state", "return { ...state, touched: true }")
            lines.insert("console.log('step \(index)');", at: 12)
            next.jobs[index].body = lines.joined(separator: "\n")
        }
        for index in stride(from: 7, to: 500, by: 50) { next.jobs[index].name += " (v2)" }
        for index in stride(from: 11, to: 500, by: 50) { next.positions[next.jobs[index].id]?.x += 40 }
        for index in stride(from: 13, to: 500, by: 100) { next.edges[index].conditionType = .onJobFailure }
        let removed = Set(stride(from: 49, to: 500, by: 100).map { next.jobs[$0].id })
        next.jobs.removeAll { removed.contains($0.id) }
        next.edges.removeAll { removed.contains($0.targetJobID) || removed.contains($0.sourceJobID ?? "") }
        for id in removed { next.positions[id] = nil }
        for index in 0..<5 {
            let job = Job(id: uuid(&generator), name: "added \(index)", body: "fn(state => state);\n")
            next.jobs.insert(job, at: 100 * index + 10)
            next.edges.append(
                Edge(id: uuid(&generator), sourceJobID: next.jobs[100 * index].id, targetJobID: job.id))
            next.positions[job.id] = Position(x: 3200, y: Double(index) * 120)
        }
        return next
    }

    static func uuid(_ generator: inout SplitMix64) -> String {
        let high = generator.next()
        let low = generator.next()
        let hex =
            String(high, radix: 16, uppercase: false).leftPadded(16) + String(low, radix: 16).leftPadded(16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(
            separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    fileprivate func replacingFirst(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
