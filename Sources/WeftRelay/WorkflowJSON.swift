import Foundation
import WorkflowModel
import YCRDT

/// Workflows, summaries and conflicts as the JSON control messages carry them.
enum WorkflowJSON {
    static func value<Value: Encodable>(of value: Value) throws -> YAny {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(YAny.self, from: data)
    }

    static func workflow(from json: YAny) throws -> Workflow {
        let data = try JSONEncoder().encode(json)
        return try JSONDecoder().decode(Workflow.self, from: data)
    }

    static func summary(_ summary: ReconcileSummary) -> YAny {
        (try? value(of: summary)) ?? .null
    }

    /// What changed between two saved versions, in the reconcile summary's shape.
    static func summary(from previous: Workflow, to next: Workflow) -> YAny {
        let scratch = Doc()
        WorkflowDocument.write(previous, into: scratch)
        return summary(Reconciler.reconcile(scratch, to: next))
    }

    static func conflict(_ conflict: RebaseConflict) -> YAny {
        (try? value(of: conflict)) ?? .null
    }
}
