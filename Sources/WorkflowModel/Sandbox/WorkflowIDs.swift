/// Renaming the ids inside a workflow: how a sandbox gets its own copy of a project, and how the
/// copy's changes are read back in the parent's ids.
extension Workflow {
    /// The workflow with every id it holds passed through `rename`: its own id, its jobs', triggers'
    /// and edges' ids, each edge's source and target, a cron trigger's cursor job and the keys of the
    /// positions. Nothing else changes (credential references are the project's and stay).
    public func renamingIDs(_ rename: (String) -> String) -> Workflow {
        var copy = self
        copy.id = rename(id)
        copy.jobs = jobs.map { job in
            var job = job
            job.id = rename(job.id)
            return job
        }
        copy.triggers = triggers.map { trigger in
            var trigger = trigger
            trigger.id = rename(trigger.id)
            trigger.cronCursorJobID = trigger.cronCursorJobID.map(rename)
            return trigger
        }
        copy.edges = edges.map { edge in
            var edge = edge
            edge.id = rename(edge.id)
            edge.sourceJobID = edge.sourceJobID.map(rename)
            edge.sourceTriggerID = edge.sourceTriggerID.map(rename)
            edge.targetJobID = rename(edge.targetJobID)
            return edge
        }
        copy.positions = Dictionary(
            positions.map { (rename($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        return copy
    }

    /// Every id the workflow names: its own, then its jobs', triggers' and edges'.
    public var entityIDs: [String] {
        [id] + jobs.map(\.id) + triggers.map(\.id) + edges.map(\.id)
    }
}

/// A sandbox's ids for one workflow, and the parent's they came from.
///
/// The map goes from the sandbox's id to the parent's, for the workflow and its jobs, triggers and
/// edges. An id it does not hold is the same on both sides: an entity added in the sandbox keeps its
/// (fresh, random) id when it is merged into the parent.
public struct SandboxIDMap: Hashable, Sendable, Codable {
    /// Sandbox id → parent id.
    public var toParent: [String: String]

    public init(toParent: [String: String] = [:]) {
        self.toParent = toParent
    }

    /// Forks `parent`: a copy whose workflow, jobs, triggers and edges have fresh ids from `newID`, and
    /// the map that leads back.
    public static func fork(_ parent: Workflow, newID: () -> String) -> (copy: Workflow, ids: SandboxIDMap) {
        var toSandbox: [String: String] = [:]
        for id in parent.entityIDs where toSandbox[id] == nil { toSandbox[id] = newID() }
        let copy = parent.renamingIDs { toSandbox[$0] ?? $0 }
        var toParent: [String: String] = [:]
        for (parentID, sandboxID) in toSandbox { toParent[sandboxID] = parentID }
        return (copy, SandboxIDMap(toParent: toParent))
    }

    /// The parent's id for a sandbox id.
    public func parentID(of sandboxID: String) -> String { toParent[sandboxID] ?? sandboxID }

    /// The sandbox's workflow in the parent's ids.
    public func toParent(_ sandbox: Workflow) -> Workflow { sandbox.renamingIDs(parentID(of:)) }
}
