extension ReconcileSummary.EntityKind {
    /// How a sentence for people names the entity `id` of this kind: `job "fetch"`, `the cron
    /// trigger`, `edge e1`, `the place of job "fetch"`. Names are looked up in `workflows` in order
    /// (any of the versions being compared), falling back to the id when none has one.
    public func name(of id: String, in workflows: [Workflow]) -> String {
        switch self {
        case .workflow:
            return "the workflow"
        case .job:
            let name = workflows.lazy.compactMap { $0.job(id)?.name }.first { !$0.isEmpty }
            return name.map { "job \"\($0)\"" } ?? "job \(id)"
        case .trigger:
            let kind = workflows.lazy.compactMap { $0.trigger(id)?.type.rawValue }.first
            return kind.map { "the \($0) trigger" } ?? "trigger \(id)"
        case .edge:
            return "edge \(id)"
        case .position:
            let name = workflows.lazy.compactMap { $0.job(id)?.name }.first { !$0.isEmpty }
            return "the place of " + (name.map { "job \"\($0)\"" } ?? "node \(id)")
        }
    }
}
