import Foundation
import WorkflowModel
import YCRDT

/// Reads the JSON values control messages carry (workflows, summaries, conflicts) into
/// WorkflowModel's types.
enum WireValues {
    /// A workflow as `joined`, `saved` and `workflow_saved` carry it.
    static func workflow(from json: YAny) throws -> Workflow {
        try JSONDecoder().decode(Workflow.self, from: Data(JSON.stringify(json).utf8))
    }

    /// A `workflow_saved` summary (`{added, removed, changed: [{kind, id, fields}]}`), read
    /// tolerantly: a missing list is empty, entries of an unknown kind or without an id are skipped.
    static func summary(from json: YAny) -> ReconcileSummary {
        var summary = ReconcileSummary()
        guard case .object(let object) = json else { return summary }
        summary.added = changes(object["added"])
        summary.removed = changes(object["removed"])
        summary.changed = changes(object["changed"])
        if case .object(let lock)? = object["lockVersionChange"] ?? object["lock_version_change"],
            let to = lock["to"]?.integerValue
        {
            summary.lockVersionChange = .init(from: lock["from"]?.integerValue.map { Int($0) }, to: Int(to))
        }
        return summary
    }

    private static func changes(_ json: YAny?) -> [ReconcileSummary.EntityChange] {
        (json?.arrayValue ?? []).compactMap { entry in
            guard case .object(let object) = entry, let id = object["id"]?.stringValue,
                let kind = object["kind"]?.stringValue.flatMap(ReconcileSummary.EntityKind.init(rawValue:))
            else { return nil }
            let fields = (object["fields"]?.arrayValue ?? []).compactMap(\.stringValue)
            return .init(kind: kind, id: id, fields: fields)
        }
    }

    /// The conflicts of a `workflow_saved`. An entry with less than a whole conflict (a third-party
    /// relay may send only `kind`, `id` and `field`) is completed with "both changed" and a generic
    /// sentence; entries without a known kind and an id are skipped.
    static func conflicts(from json: [YAny]) -> [RebaseConflict] {
        json.compactMap { entry in
            if let conflict = try? JSONDecoder().decode(
                RebaseConflict.self, from: Data(JSON.stringify(entry).utf8))
            {
                return conflict
            }
            guard case .object(let object) = entry, let id = object["id"]?.stringValue,
                let kind = object["kind"]?.stringValue.flatMap(ReconcileSummary.EntityKind.init(rawValue:))
            else { return nil }
            let field = object["field"]?.stringValue
            let reason =
                object["reason"]?.stringValue.flatMap(RebaseConflict.Reason.init(rawValue:)) ?? .bothChanged
            let message =
                object["message"]?.stringValue
                ?? "the new version replaced an unsaved edit of \(kind.rawValue) \(id)\(field.map { " (\($0))" } ?? "")"
            return RebaseConflict(
                kind: kind, id: id, field: field, reason: reason, ours: object["ours"],
                theirs: object["theirs"],
                message: message)
        }
    }
}
