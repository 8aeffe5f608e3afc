/// Checks a workflow the way a save and a deploy need it checked, and says what is wrong per entity and field.
///
/// Errors (a save is refused while there are any):
/// - the workflow has a name; every entity has an id, and no id is used twice anywhere in the workflow
///   (jobs and triggers share the node namespace of edges and positions, so one id may not name two
///   things);
/// - a job has a name, at most 100 characters, unique in the workflow **compared trimmed and
///   case-insensitively** (Lightning trims names and keys project files by a lower-case slug of the name,
///   so "Fetch" and "fetch " would collide there), an adaptor, and not both kinds of credential;
/// - a cron trigger's expression is a valid five-field cron (``CronExpression``) and its cursor job
///   exists; a webhook reply is one OpenFn knows; a Kafka trigger has hosts and topics;
/// - an edge has exactly one source (`source_job_id` or `source_trigger_id`), each end names an
///   entity of the right kind in this workflow, nothing points into a trigger, a job does not lead to
///   itself, a trigger's edge is `always` or `js_expression`, a `js_expression` edge has an expression,
///   and label and expression fit in 255 characters.
///
/// Warnings (advice; a save goes ahead):
/// - a job no trigger reaches (or reaches only through disabled edges), and each edge that closes a cycle;
/// - a cron trigger without an expression (OpenFn runs it at midnight, `0 0 * * *`), a job with a blank
///   body or a name OpenFn would refuse (it allows letters, digits, spaces, `-` and `_`).
///
/// A warning about a job's place in the graph names the field `id`; a cycle is reported on the edge
/// that closes it, field `target_job_id`.
///
/// Issues come in the order workflow, jobs, triggers, edges, then the graph's warnings; within each, in
/// the workflow's order. Pure and linear in the size of the workflow (cycle search included).
public enum WorkflowValidator {
    /// Every issue of `workflow`, errors and warnings.
    public static func validate(_ workflow: Workflow) -> [ValidationIssue] {
        var checker = Checker(workflow: workflow)
        checker.checkWorkflow()
        checker.checkIDs()
        checker.checkJobs()
        checker.checkTriggers()
        checker.checkEdges()
        checker.checkGraph()
        return checker.issues
    }

    /// The errors of `workflow` only.
    public static func errors(in workflow: Workflow) -> [ValidationIssue] {
        validate(workflow).filter { $0.severity == .error }
    }

    /// The longest job name, edge label and edge expression OpenFn stores.
    public static let maximumJobNameLength = 100
    public static let maximumConditionLength = 255
    /// The webhook reply modes OpenFn knows.
    public static let webhookReplies: Set<String> = ["before_start", "after_completion", "custom"]
}

/// The state of one validation: the workflow, look-up tables built once, and the issues so far.
private struct Checker {
    let workflow: Workflow
    var issues: [ValidationIssue] = []
    let jobIDs: Set<String>
    let triggerIDs: Set<String>
    /// Each job id's name (the first job's, for a repeated id), trimmed.
    let jobNames: [String: String]

    init(workflow: Workflow) {
        self.workflow = workflow
        jobIDs = Set(workflow.jobs.map(\.id))
        triggerIDs = Set(workflow.triggers.map(\.id))
        jobNames = Dictionary(
            workflow.jobs.map { ($0.id, $0.name.strippingWhitespace) },
            uniquingKeysWith: { first, _ in first })
    }

    mutating func error(_ kind: ValidationIssue.EntityKind, _ id: String?, _ field: String, _ message: String)
    {
        issues.append(.error(kind, id, field, message))
    }

    mutating func warning(
        _ kind: ValidationIssue.EntityKind, _ id: String?, _ field: String, _ message: String
    ) {
        issues.append(.warning(kind, id, field, message))
    }

    /// `job "Fetch"` when the id names a job with a name, else `job <id>`.
    func describeJob(_ id: String) -> String {
        if let name = jobNames[id], !name.isEmpty { return "job \"\(name)\"" }
        return "job \(id)"
    }

    // MARK: Workflow and ids

    mutating func checkWorkflow() {
        if workflow.id.strippingWhitespace.isEmpty {
            error(.workflow, nil, "id", "the workflow has no id")
        }
        if workflow.name.strippingWhitespace.isEmpty {
            error(.workflow, nil, "name", "the workflow needs a name")
        }
    }

    mutating func checkIDs() {
        var firstUse: [String: String] = [:]
        let entities: [(ValidationIssue.EntityKind, String)] =
            workflow.jobs.map { (.job, $0.id) } + workflow.triggers.map { (.trigger, $0.id) }
            + workflow.edges.map { (.edge, $0.id) }
        for (kind, id) in entities {
            if id.strippingWhitespace.isEmpty {
                error(kind, id, "id", "every \(kind.rawValue) needs an id")
                continue
            }
            if let first = firstUse[id] {
                error(kind, id, "id", "the id \(id) is used twice: it already names \(first)")
            } else {
                firstUse[id] = kind == .job ? describeJob(id) : kind == .edge ? "an edge" : "a trigger"
            }
        }
    }

    // MARK: Jobs

    mutating func checkJobs() {
        var jobsByName: [String: [String]] = [:]
        for job in workflow.jobs {
            let key = job.name.strippingWhitespace.lowercased()
            if !key.isEmpty { jobsByName[key, default: []].append(job.id) }
        }
        for job in workflow.jobs {
            let name = job.name.strippingWhitespace
            if name.isEmpty {
                error(.job, job.id, "name", "a job needs a name")
            } else {
                if name.count > WorkflowValidator.maximumJobNameLength {
                    error(
                        .job, job.id, "name",
                        "a job name may be at most \(WorkflowValidator.maximumJobNameLength) characters "
                            + "(this one has \(name.count))")
                }
                let sharing = jobsByName[name.lowercased()]?.count ?? 0
                if sharing > 1 {
                    error(
                        .job, job.id, "name",
                        "job names must be unique in a workflow (ignoring case and surrounding spaces): "
                            + "\(sharing) jobs are called \"\(name)\"")
                }
                if !name.unicodeScalars.allSatisfy(Self.isOpenFnNameCharacter) {
                    warning(
                        .job, job.id, "name",
                        "OpenFn accepts only letters, digits, spaces, '-' and '_' in a job name")
                }
            }
            if job.adaptor.strippingWhitespace.isEmpty {
                error(.job, job.id, "adaptor", "a job needs an adaptor, for example \(Job.defaultAdaptor)")
            }
            if !(job.projectCredentialID ?? "").isEmpty, !(job.keychainCredentialID ?? "").isEmpty {
                error(
                    .job, job.id, "keychain_credential_id",
                    "a job uses a project credential or a keychain credential, not both")
            }
            if job.body.strippingWhitespace.isEmpty {
                warning(.job, job.id, "body", "the job's body is blank; OpenFn refuses to save a blank body")
            }
        }
    }

    static func isOpenFnNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", " ", "-", "_": true
        default: false
        }
    }

    // MARK: Triggers

    mutating func checkTriggers() {
        for trigger in workflow.triggers {
            switch trigger.type {
            case .cron:
                let expression = (trigger.cronExpression ?? "").strippingWhitespace
                if expression.isEmpty {
                    warning(
                        .trigger, trigger.id, "cron_expression",
                        "the cron trigger has no schedule; OpenFn runs it daily at midnight (0 0 * * *)")
                } else if let problem = CronExpression.problem(in: expression) {
                    error(.trigger, trigger.id, "cron_expression", problem)
                }
                if let cursor = trigger.cronCursorJobID, !cursor.isEmpty, !jobIDs.contains(cursor) {
                    error(
                        .trigger, trigger.id, "cron_cursor_job_id",
                        "the cursor job \(cursor) is not a job of this workflow")
                }
            case .webhook:
                if let reply = trigger.webhookReply, !reply.isEmpty,
                    !WorkflowValidator.webhookReplies.contains(reply)
                {
                    error(
                        .trigger, trigger.id, "webhook_reply",
                        "\"\(reply)\" is not a webhook reply; use "
                            + WorkflowValidator.webhookReplies.sorted().joined(separator: ", "))
                }
            case .kafka:
                let configuration = trigger.kafkaConfiguration
                let hosts = (configuration?.hostsString ?? "").strippingWhitespace
                let topics = (configuration?.topicsString ?? "").strippingWhitespace
                if hosts.isEmpty || topics.isEmpty {
                    let missing = [hosts.isEmpty ? "hosts" : nil, topics.isEmpty ? "topics" : nil]
                        .compactMap { $0 }.joined(separator: " and ")
                    error(.trigger, trigger.id, "kafka_configuration", "a Kafka trigger needs \(missing)")
                }
            }
        }
    }

    // MARK: Edges

    mutating func checkEdges() {
        for edge in workflow.edges {
            let sourceJob = edge.sourceJobID.flatMap { $0.isEmpty ? nil : $0 }
            let sourceTrigger = edge.sourceTriggerID.flatMap { $0.isEmpty ? nil : $0 }
            switch (sourceJob, sourceTrigger) {
            case (nil, nil):
                error(.edge, edge.id, "source_job_id", "an edge needs a source: a job or a trigger")
            case (.some, .some):
                error(
                    .edge, edge.id, "source_job_id",
                    "an edge has one source: source_job_id or source_trigger_id, not both")
            default:
                break
            }
            if let source = sourceJob, !jobIDs.contains(source) {
                error(
                    .edge, edge.id, "source_job_id",
                    triggerIDs.contains(source)
                        ? "\(source) is a trigger; an edge from a trigger names it in source_trigger_id"
                        : "no job \(source) in this workflow")
            }
            if let source = sourceTrigger, !triggerIDs.contains(source) {
                error(
                    .edge, edge.id, "source_trigger_id",
                    jobIDs.contains(source)
                        ? "\(source) is a job; an edge from a job names it in source_job_id"
                        : "no trigger \(source) in this workflow")
            }
            checkTarget(of: edge, sourceJob: sourceJob)
            checkCondition(of: edge, fromTrigger: sourceTrigger != nil)
        }
    }

    private mutating func checkTarget(of edge: Edge, sourceJob: String?) {
        let target = edge.targetJobID
        if target.isEmpty {
            error(.edge, edge.id, "target_job_id", "an edge needs a target job")
        } else if triggerIDs.contains(target) {
            error(
                .edge, edge.id, "target_job_id",
                "\(target) is a trigger, and nothing may point into a trigger; an edge's target is a job")
        } else if !jobIDs.contains(target) {
            error(.edge, edge.id, "target_job_id", "no job \(target) in this workflow")
        } else if target == sourceJob {
            error(
                .edge, edge.id, "target_job_id", "an edge cannot lead from \(describeJob(target)) to itself")
        }
    }

    private mutating func checkCondition(of edge: Edge, fromTrigger: Bool) {
        if fromTrigger, edge.conditionType != .always, edge.conditionType != .jsExpression {
            error(
                .edge, edge.id, "condition_type",
                "an edge from a trigger runs always or on a js_expression, not \(edge.conditionType.rawValue)"
            )
        }
        let expression = (edge.conditionExpression ?? "").strippingWhitespace
        if edge.conditionType == .jsExpression, expression.isEmpty {
            error(
                .edge, edge.id, "condition_expression", "a js_expression edge needs a JavaScript expression")
        }
        let limit = WorkflowValidator.maximumConditionLength
        if (edge.conditionExpression ?? "").count > limit {
            error(.edge, edge.id, "condition_expression", "the expression may be at most \(limit) characters")
        }
        if (edge.conditionLabel ?? "").count > limit {
            error(.edge, edge.id, "condition_label", "the label may be at most \(limit) characters")
        }
    }
}

extension Checker {
    // MARK: Graph

    /// Reachability from the triggers and cycles among the jobs, as warnings.
    mutating func checkGraph() {
        var jobIndex: [String: Int] = [:]
        for (index, job) in workflow.jobs.enumerated() where jobIndex[job.id] == nil {
            jobIndex[job.id] = index
        }
        // Outgoing edges of each job, in the workflow's edge order: (edge index, target job index).
        var outgoing = [[(edge: Int, target: Int)]](repeating: [], count: workflow.jobs.count)
        var fromTriggers: [(edge: Int, target: Int)] = []
        for (edgeIndex, edge) in workflow.edges.enumerated() {
            guard let target = jobIndex[edge.targetJobID] else { continue }
            if let source = edge.sourceJobID, let sourceIndex = jobIndex[source] {
                outgoing[sourceIndex].append((edgeIndex, target))
            } else if let trigger = edge.sourceTriggerID, triggerIDs.contains(trigger) {
                fromTriggers.append((edgeIndex, target))
            }
        }
        checkReachability(outgoing: outgoing, fromTriggers: fromTriggers)
        checkCycles(outgoing: outgoing)
    }

    private func reachable(
        outgoing: [[(edge: Int, target: Int)]], fromTriggers: [(edge: Int, target: Int)],
        through isUsable: (Int) -> Bool
    ) -> [Bool] {
        var seen = [Bool](repeating: false, count: workflow.jobs.count)
        var stack: [Int] = []
        for start in fromTriggers where isUsable(start.edge) && !seen[start.target] {
            seen[start.target] = true
            stack.append(start.target)
        }
        while let job = stack.popLast() {
            for next in outgoing[job] where isUsable(next.edge) && !seen[next.target] {
                seen[next.target] = true
                stack.append(next.target)
            }
        }
        return seen
    }

    private mutating func checkReachability(
        outgoing: [[(edge: Int, target: Int)]], fromTriggers: [(edge: Int, target: Int)]
    ) {
        let edges = workflow.edges
        let byAnyEdge = reachable(outgoing: outgoing, fromTriggers: fromTriggers) { _ in true }
        let byEnabledEdges = reachable(outgoing: outgoing, fromTriggers: fromTriggers) { edges[$0].enabled }
        for (index, job) in workflow.jobs.enumerated() {
            if !byAnyEdge[index] {
                warning(
                    .job, job.id, "id",
                    "\(describeJob(job.id)) is not reachable from any trigger, so it never runs")
            } else if !byEnabledEdges[index] {
                warning(
                    .job, job.id, "id",
                    "\(describeJob(job.id)) is reachable from a trigger only through disabled edges, "
                        + "so it does not run")
            }
        }
    }

    /// One warning per edge that closes a cycle (a back edge of a depth-first search that starts from
    /// each job in the workflow's order), naming the jobs around the cycle. Iterative, so a long chain
    /// of jobs cannot overflow the stack.
    private mutating func checkCycles(outgoing: [[(edge: Int, target: Int)]]) {
        enum Mark { case unvisited, onPath, done }
        var marks = [Mark](repeating: .unvisited, count: workflow.jobs.count)
        for root in workflow.jobs.indices where marks[root] == .unvisited {
            // The current path: each job with the position of the next outgoing edge to follow.
            var path: [(job: Int, next: Int)] = [(root, 0)]
            marks[root] = .onPath
            while let top = path.last {
                let edges = outgoing[top.job]
                guard top.next < edges.count else {
                    marks[top.job] = .done
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let step = edges[top.next]
                switch marks[step.target] {
                case .unvisited:
                    marks[step.target] = .onPath
                    path.append((step.target, 0))
                case .onPath:
                    guard step.target != top.job else { continue }  // a self-loop is an error already
                    let start = path.lastIndex { $0.job == step.target } ?? 0
                    let names = (path[start...].map(\.job) + [step.target]).map { workflow.jobs[$0].name }
                    let edge = workflow.edges[step.edge]
                    warning(
                        .edge, edge.id, "target_job_id",
                        "this edge closes a cycle: " + names.map { "\"\($0)\"" }.joined(separator: " → "))
                case .done:
                    break
                }
            }
        }
    }
}
