import Foundation
import YCRDT

/// What merging one sandbox workflow into its parent would do.
public struct SandboxMergeOutcome: Hashable, Sendable {
    public enum Change: String, Hashable, Sendable, Codable {
        /// The sandbox did not change the workflow since the fork point: nothing to merge.
        case unchanged
        /// The parent's workflow takes the sandbox's changes.
        case updated
        /// The workflow is new in the sandbox and is created in the parent.
        case created
        /// The sandbox deleted the workflow, and the parent deletes it too.
        case deleted
    }

    public var change: Change
    /// The parent's next value of the workflow (nil when unchanged).
    public var merged: Workflow?
    /// Where the sandbox and the parent changed the same thing differently since the fork point. Without
    /// `force` the merge is refused while there are any; with it, `merged` holds the sandbox's side.
    public var conflicts: [RebaseConflict]
    /// Whether the parent moved since the fork point, so the merge was three-way.
    public var parentMoved: Bool

    public init(
        change: Change, merged: Workflow?, conflicts: [RebaseConflict] = [], parentMoved: Bool = false
    ) {
        self.change = change
        self.merged = merged
        self.conflicts = conflicts
        self.parentMoved = parentMoved
    }
}

/// Merges a sandbox's workflow into its parent's, per workflow, in the parent's ids.
///
/// `base` is the parent's workflow at the fork point (the sandbox's copy of it when it was created or
/// last merged), `sandbox` the sandbox's workflow now (mapped back to the parent's ids), `parent` the
/// parent's workflow now. The rules:
/// - The sandbox did not change it since the fork point: unchanged, whatever the parent did.
/// - The parent did not change it: the sandbox's value is taken as it is.
/// - Both changed it: ``ThreeWayMerge`` with the sandbox as ours and the parent as theirs. What only one
///   side changed is kept. Conflicts refuse the merge; with `force` the merge is run with the sides
///   swapped, so the sandbox's side wins each conflict.
/// - Deleted in the sandbox: deleted in the parent if the parent left it alone since the fork point,
///   else a conflict (with `force`, deleted anyway).
/// - Changed in the sandbox but deleted in the parent: a conflict (with `force`, it comes back).
public enum SandboxMerge {
    public static func merge(
        base: Workflow, sandbox: Workflow, parent: Workflow, force: Bool
    ) -> SandboxMergeOutcome {
        guard !same(base, sandbox) else { return SandboxMergeOutcome(change: .unchanged, merged: nil) }
        let parentMoved = !same(base, parent)
        var result: Workflow
        var conflicts: [RebaseConflict] = []
        if sandbox.deletedAt != nil {
            if parent.deletedAt != nil { return SandboxMergeOutcome(change: .unchanged, merged: nil) }
            if parentMoved {
                conflicts.append(
                    RebaseConflict(
                        kind: .workflow, id: parent.id, reason: .deletedButEdited, ours: nil, theirs: nil,
                        message: "the sandbox deleted the workflow, but the parent changed it since the fork")
                )
            }
            result = parent
            result.deletedAt = sandbox.deletedAt
            return SandboxMergeOutcome(
                change: .deleted, merged: result, conflicts: conflicts, parentMoved: parentMoved)
        }
        if parent.deletedAt != nil, base.deletedAt == nil {
            conflicts.append(
                RebaseConflict(
                    kind: .workflow, id: parent.id, reason: .editedButDeleted, ours: nil, theirs: nil,
                    message: "the sandbox changed the workflow, but the parent deleted it since the fork"))
            result = sandbox
        } else if !parentMoved {
            result = sandbox
        } else {
            let check = ThreeWayMerge.merge(base: base, ours: sandbox, theirs: parent)
            conflicts = check.conflicts
            result =
                force && !conflicts.isEmpty
                ? ThreeWayMerge.merge(base: base, ours: parent, theirs: sandbox).merged : check.merged
        }
        result.id = parent.id
        result.lockVersion = parent.lockVersion
        return SandboxMergeOutcome(
            change: .updated, merged: result, conflicts: conflicts, parentMoved: parentMoved)
    }

    /// A workflow added in the sandbox, as the parent creates it under `parentID`.
    public static func created(_ sandbox: Workflow, parentID: String) -> SandboxMergeOutcome {
        var result = sandbox
        result.id = parentID
        result.lockVersion = 0
        return SandboxMergeOutcome(change: .created, merged: result)
    }

    /// Whether two values of a workflow are the same for a merge: every field, the lock_version aside.
    public static func same(_ one: Workflow, _ other: Workflow) -> Bool {
        var one = one
        var other = other
        one.lockVersion = 0
        other.lockVersion = 0
        if one.deletedAt != nil, other.deletedAt != nil { other.deletedAt = one.deletedAt }
        if one == other { return true }
        // A number kept in `extra` may come back from JSON as another representation of itself.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let first = try? encoder.encode(one), let second = try? encoder.encode(other) else {
            return false
        }
        return first == second
    }

    /// A conflict as one line for the person merging: which entity, which field, and what each side did.
    /// Names come from `workflows` (any of the three values).
    public static func describe(_ conflict: RebaseConflict, in workflows: [Workflow]) -> String {
        let entity = conflict.kind.name(of: conflict.id, in: workflows)
        switch conflict.reason {
        case .bothChanged:
            let field = conflict.field.map { " \($0)" } ?? ""
            let lines = conflict.hunks.isEmpty ? "" : " (on the same lines, \(conflict.hunks.count) place(s))"
            return "\(entity):\(field) changed in both the sandbox and the parent\(lines)"
        case .editedButDeleted:
            return conflict.kind == .workflow
                ? conflict.message : "\(entity): changed in the sandbox, deleted in the parent"
        case .deletedButEdited:
            return conflict.kind == .workflow
                ? conflict.message : "\(entity): deleted in the sandbox, changed in the parent"
        case .edgeDropped:
            return "\(entity): one of its ends is gone after the merge"
        }
    }
}
