import YCRDT

/// Merges two edits of one workflow made from a common base: `ours` (the live document: base plus
/// unsaved edits) and `theirs` (the new saved version). What only one side changed is kept; where both
/// changed the same thing differently, theirs wins and a ``RebaseConflict`` says what of ours gave way.
///
/// The rules:
/// - Jobs, triggers and edges are matched by id (the first of a repeated id counts). Added on one side:
///   kept. Added on both with one id: merged field by field as if the base had no such entity.
///   Deleted on both: gone. Deleted on one side and untouched on the other: gone.
/// - Deleted by theirs, edited by ours: deleted, reported with our edited copy (`editedButDeleted`).
///   Deleted by ours, edited by theirs: theirs comes back, reported (`deletedButEdited`).
/// - Field by field (workflow `name`, `deleted_at`, `concurrency`, `enable_job_logs`; every field of
///   the value types; each `extra` key): changed on one side only → that side; on both, the same →
///   theirs; on both, differently → theirs, reported (`bothChanged`). "Changed" is decided as the
///   unsaved-changes marker decides it: strings trimmed, nil = empty, Lightning's defaults for a cron
///   expression and a webhook reply. An edge's source (`source_job_id` / `source_trigger_id`) is one
///   field, so a merged edge never has two sources.
/// - Job bodies changed on both sides are merged by lines (``LineMerge``); overlapping regions take
///   theirs and the conflict lists them.
/// - Positions, per node id, like fields. A node the merged workflow does not have keeps theirs' entry
///   (usually none; a deploy may leave one), unless we removed it; our move of it is not kept.
/// - An edge whose source or target no longer exists after the merge is dropped and reported
///   (`edgeDropped`), unless theirs itself has that edge so.
/// - The merged workflow has theirs' `id` and `lock_version`.
/// - Order: ours' order of entities (the document's order, which a reconcile keeps), then the entities
///   only theirs has, in theirs' order.
///
/// Linear in the size of the three workflows, plus the line merges of bodies changed on both sides.
public enum ThreeWayMerge {
    public static func merge(
        base: Workflow, ours: Workflow, theirs: Workflow
    ) -> (
        merged: Workflow, conflicts: [RebaseConflict]
    ) {
        Merger(base: base, ours: ours, theirs: theirs).run()
    }
}

/// One merge in progress: the three versions, read only, and the conflicts found so far.
private final class Merger {
    let base: Workflow
    let ours: Workflow
    let theirs: Workflow
    var conflicts: [RebaseConflict] = []

    /// Each job id's name for messages: theirs', else ours', else the base's (trimmed, non-empty).
    let jobNames: [String: String]

    init(base: Workflow, ours: Workflow, theirs: Workflow) {
        self.base = base
        self.ours = ours
        self.theirs = theirs
        var names: [String: String] = [:]
        for workflow in [theirs, ours, base] {
            for job in workflow.jobs where names[job.id] == nil {
                let name = job.name.strippingWhitespace
                if !name.isEmpty { names[job.id] = name }
            }
        }
        jobNames = names
    }

    func run() -> (merged: Workflow, conflicts: [RebaseConflict]) {
        var merged = theirs
        mergeFields(
            MergeFields.workflow, .workflow, id: theirs.id, label: "the workflow", base: base, ours,
            into: &merged)
        merged.extra = mergeExtra(
            .workflow, id: theirs.id, label: "the workflow", base: base.extra, ours: ours.extra,
            theirs: theirs.extra)
        merged.jobs = mergeEntities(
            .job, base: base.jobs, ours: ours.jobs, theirs: theirs.jobs, label: label(of:),
            json: MergeFields.json,
            changed: jobChanged, merge: mergeJob)
        merged.triggers = mergeEntities(
            .trigger, base: base.triggers, ours: ours.triggers, theirs: theirs.triggers, label: label(of:),
            json: MergeFields.json, changed: { self.entityChanged(MergeFields.trigger, $0, $1, \.extra) },
            merge: {
                self.mergeEntity(
                    MergeFields.trigger, .trigger, base: $0, ours: $1, theirs: $2, extra: \.extra)
            })
        merged.edges = mergeEntities(
            .edge, base: base.edges, ours: ours.edges, theirs: theirs.edges, label: label(of:),
            json: MergeFields.json, changed: { self.entityChanged(MergeFields.edge, $0, $1, \.extra) },
            merge: {
                self.mergeEntity(MergeFields.edge, .edge, base: $0, ours: $1, theirs: $2, extra: \.extra)
            })
        dropDanglingEdges(of: &merged)
        merged.positions = mergePositions(nodes: Set(merged.jobs.map(\.id) + merged.triggers.map(\.id)))
        merged.id = theirs.id
        merged.lockVersion = theirs.lockVersion
        return (merged, conflicts)
    }

    // MARK: Labels for messages

    func jobName(_ id: String) -> String? { jobNames[id] }

    func label(of job: Job) -> String {
        let name = job.name.strippingWhitespace
        return name.isEmpty ? "job \(job.id)" : "job \"\(name)\""
    }

    func label(of trigger: Trigger) -> String { "the \(trigger.type.rawValue) trigger \(trigger.id)" }

    func label(of edge: Edge) -> String {
        let source = edge.sourceJobID.map { jobName($0).map { "\"\($0)\"" } ?? $0 } ?? "a trigger"
        let target = jobName(edge.targetJobID).map { "\"\($0)\"" } ?? edge.targetJobID
        return "the edge from \(source) to \(target)"
    }

    func label(ofNode id: String) -> String {
        if let name = jobName(id) { return "job \"\(name)\"" }
        if let trigger = theirs.trigger(id) ?? ours.trigger(id) ?? base.trigger(id) {
            return label(of: trigger)
        }
        return "node \(id)"
    }

    // MARK: Fields

    /// Merges `fields` of `ours` into `result` (which starts as theirs), reporting both-changed fields.
    func mergeFields<Entity>(
        _ fields: [MergeField<Entity>], _ kind: ReconcileSummary.EntityKind, id: String,
        label: @autoclosure () -> String,
        base: Entity?, _ ours: Entity, into result: inout Entity
    ) {
        let theirs = result
        for field in fields {
            let oursChanged = base.map { !field.same($0, ours) } ?? true
            guard oursChanged else { continue }
            let theirsChanged = base.map { !field.same($0, theirs) } ?? true
            if !theirsChanged {
                field.copy(ours, &result)
            } else if !field.same(ours, theirs) {
                conflicts.append(
                    RebaseConflict(
                        kind: kind, id: id, field: field.conflictKey(for: theirs), reason: .bothChanged,
                        ours: field.json(ours), theirs: field.json(theirs),
                        message:
                            "\(label()): \(field.conflictKey(for: theirs)) was changed here to \(describe(field.json(ours))) and "
                            + "by the new version to \(describe(field.json(theirs))); the new version's is kept"
                    ))
            }
        }
    }

    /// The merged `extra` keys.
    func mergeExtra(
        _ kind: ReconcileSummary.EntityKind, id: String, label: @autoclosure () -> String,
        base: [String: YAny]?,
        ours: [String: YAny],
        theirs: [String: YAny]
    ) -> [String: YAny] {
        var result = theirs
        for key in Set(ours.keys).union(theirs.keys).union(base?.keys ?? [:].keys).sorted() {
            let baseValue = base?[key]
            let oursChanged = base == nil ? ours[key] != nil : !MergeNormalization.same(baseValue, ours[key])
            guard oursChanged else { continue }
            let theirsChanged =
                base == nil ? theirs[key] != nil : !MergeNormalization.same(baseValue, theirs[key])
            if !theirsChanged {
                result[key] = ours[key]
            } else if !MergeNormalization.same(ours[key], theirs[key]) {
                conflicts.append(
                    RebaseConflict(
                        kind: kind, id: id, field: key, reason: .bothChanged, ours: ours[key] ?? .null,
                        theirs: theirs[key] ?? .null,
                        message:
                            "\(label()): \(key) was changed here and by the new version; the new version's is kept"
                    ))
            }
        }
        return result
    }

    func describe(_ value: YAny) -> String {
        switch value {
        case .null, .undefined: "nothing"
        case .string(let text): text.strippingWhitespace.isEmpty ? "nothing" : "\"\(text)\""
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .double(let number): String(number)
        default: "another value"
        }
    }

    func entityChanged<Entity>(
        _ fields: [MergeField<Entity>], _ base: Entity, _ other: Entity,
        _ extra: KeyPath<Entity, [String: YAny]>
    ) -> Bool {
        if fields.contains(where: { !$0.same(base, other) }) { return true }
        let keys = Set(base[keyPath: extra].keys).union(other[keyPath: extra].keys)
        return keys.contains { !MergeNormalization.same(base[keyPath: extra][$0], other[keyPath: extra][$0]) }
    }

    func jobChanged(_ base: Job, _ other: Job) -> Bool {
        !MergeNormalization.same(base.body, other.body)
            || entityChanged(MergeFields.job, base, other, \.extra)
    }

    // MARK: Entities

    func mergeEntity<Entity: Identifiable>(
        _ fields: [MergeField<Entity>], _ kind: ReconcileSummary.EntityKind, base: Entity?, ours: Entity,
        theirs: Entity, extra: WritableKeyPath<Entity, [String: YAny]>
    ) -> Entity where Entity.ID == String {
        var result = theirs
        mergeFields(
            fields, kind, id: theirs.id, label: self.entityLabel(theirs), base: base, ours, into: &result)
        result[keyPath: extra] = mergeExtra(
            kind, id: theirs.id, label: self.entityLabel(theirs), base: base?[keyPath: extra],
            ours: ours[keyPath: extra],
            theirs: theirs[keyPath: extra])
        return result
    }

    func entityLabel<Entity>(_ entity: Entity) -> String {
        switch entity {
        case let job as Job: label(of: job)
        case let trigger as Trigger: label(of: trigger)
        case let edge as Edge: label(of: edge)
        default: "an entity"
        }
    }

    func mergeJob(base: Job?, ours: Job, theirs: Job) -> Job {
        var result = mergeEntity(
            MergeFields.job, .job, base: base, ours: ours, theirs: theirs, extra: \.extra)
        let baseBody = base?.body ?? ""
        if MergeNormalization.same(ours.body, baseBody) || MergeNormalization.same(ours.body, theirs.body) {
            result.body = theirs.body
        } else if MergeNormalization.same(theirs.body, baseBody) {
            result.body = ours.body
        } else {
            let lineMerge = LineMerge.merge(base: baseBody, ours: ours.body, theirs: theirs.body)
            result.body = lineMerge.merged
            if !lineMerge.isClean {
                let count = lineMerge.conflicts.count
                let places = count == 1 ? "1 place" : "\(count) places"
                conflicts.append(
                    RebaseConflict(
                        kind: .job, id: theirs.id, field: "body", reason: .bothChanged,
                        ours: .string(ours.body),
                        theirs: .string(theirs.body), hunks: lineMerge.conflicts,
                        message:
                            "\(label(of: theirs)): the body was changed here and by the new version on the "
                            + "same lines in \(places); the new version's lines are kept there, yours are in "
                            + "this conflict"))
            }
        }
        return result
    }

    /// Matches the three arrays by id and merges each entity; see ``ThreeWayMerge`` for the rules.
    func mergeEntities<Entity: Identifiable>(
        _ kind: ReconcileSummary.EntityKind, base: [Entity], ours: [Entity], theirs: [Entity],
        label: (Entity) -> String, json: (Entity) -> YAny, changed: (Entity, Entity) -> Bool,
        merge: (Entity?, Entity, Entity) -> Entity
    ) -> [Entity] where Entity.ID == String {
        func id(_ entity: Entity) -> String { entity.id }
        func byID(_ entities: [Entity]) -> [String: Entity] {
            Dictionary(entities.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        }
        let baseByID = byID(base)
        let oursByID = byID(ours)
        let theirsByID = byID(theirs)
        var result: [Entity] = []
        var placed = Set<String>()
        for entity in ours + theirs {
            let key = id(entity)
            guard placed.insert(key).inserted else { continue }
            let baseEntity = baseByID[key]
            switch (oursByID[key], theirsByID[key]) {
            case (let mine?, let new?):
                result.append(merge(baseEntity, mine, new))
            case (let mine?, nil):
                guard let original = baseEntity else {
                    result.append(mine)  // added by us
                    continue
                }
                if changed(original, mine) {
                    conflicts.append(
                        RebaseConflict(
                            kind: kind, id: key, reason: .editedButDeleted, ours: json(mine), theirs: nil,
                            message:
                                "\(label(mine)) was deleted by the new version; your unsaved changes to it "
                                + "are in this conflict"))
                }
            case (nil, let new?):
                guard let original = baseEntity else {
                    result.append(new)  // added by them
                    continue
                }
                if changed(original, new) {
                    result.append(new)
                    conflicts.append(
                        RebaseConflict(
                            kind: kind, id: key, reason: .deletedButEdited, ours: nil, theirs: json(new),
                            message:
                                "\(label(new)), which you deleted, was changed by the new version, so it "
                                + "is back"))
                }
            case (nil, nil):
                break
            }
        }
        return result
    }

    // MARK: Edges and positions after the merge

    func dropDanglingEdges(of merged: inout Workflow) {
        let jobs = Set(merged.jobs.map(\.id))
        let triggers = Set(merged.triggers.map(\.id))
        let theirJobs = Set(theirs.jobs.map(\.id))
        let theirTriggers = Set(theirs.triggers.map(\.id))
        func missingEnd(_ edge: Edge, jobs: Set<String>, triggers: Set<String>) -> String? {
            if let source = edge.sourceJobID, !source.isEmpty, !jobs.contains(source) { return "source job" }
            if let source = edge.sourceTriggerID, !source.isEmpty, !triggers.contains(source) {
                return "source trigger"
            }
            if !jobs.contains(edge.targetJobID) { return "target job" }
            return nil
        }
        merged.edges = merged.edges.filter { edge in
            guard let missing = missingEnd(edge, jobs: jobs, triggers: triggers) else { return true }
            // Theirs has this very edge with the same end missing: it is theirs' to fix, keep it.
            if let their = theirs.edge(edge.id), their == edge,
                missingEnd(their, jobs: theirJobs, triggers: theirTriggers) != nil
            {
                return true
            }
            conflicts.append(
                RebaseConflict(
                    kind: .edge, id: edge.id, reason: .edgeDropped, ours: MergeFields.json(edge),
                    theirs: theirs.edge(edge.id).map(MergeFields.json),
                    message: "\(label(of: edge)) was dropped: its \(missing) is no longer in the workflow"))
            return false
        }
    }

    func mergePositions(nodes: Set<String>) -> [String: Position] {
        var result = theirs.positions
        let keys = Set(base.positions.keys).union(ours.positions.keys).union(theirs.positions.keys)
        for key in keys.sorted() where !nodes.contains(key) {
            // A node the merged workflow does not have: theirs' entry (usually none), unless we removed it.
            if base.positions[key] != nil, ours.positions[key] == nil { result[key] = nil }
        }
        for key in keys.sorted() where nodes.contains(key) {
            let original = base.positions[key]
            let mine = ours.positions[key]
            let new = theirs.positions[key]
            guard mine != original else { continue }
            if new == original {
                result[key] = mine
            } else if mine != new {
                conflicts.append(
                    RebaseConflict(
                        kind: .position, id: key, reason: .bothChanged, ours: mine.map(MergeFields.json),
                        theirs: new.map(MergeFields.json),
                        message:
                            "\(label(ofNode: key)) was moved here and by the new version; the new version's "
                            + "place is kept"))
            }
        }
        return result
    }
}
