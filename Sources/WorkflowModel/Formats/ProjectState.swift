import Foundation
import YCRDT

/// The state file the OpenFn CLI keeps beside a project file (`.state.json`): for every key of the spec,
/// the UUID it was deployed as and the values deployed, so that deploying the same project again updates
/// the same workflows, jobs, triggers and edges instead of making new ones.
///
/// Its shape is `@openfn/deploy`'s `ProjectState`: the project's `id`, `name` and `description`, then
/// `project_credentials`, `collections` and `workflows` as objects keyed like the spec, each workflow's
/// `jobs`, `triggers` and `edges` keyed the same way and holding the provisioning JSON of each entity.
/// An entity marked `{"id": …, "delete": true}` is one the next deploy removes.
public struct ProjectState: Hashable, Sendable {
    public var id: String
    public var name: String
    public var description: String?
    public var credentials: [StateEntry<ProjectCredential>]
    public var collections: [StateEntry<ProjectCollection>]
    public var workflows: [StateEntry<WorkflowState>]
    /// Other project keys (`inserted_at`, …), kept as they came.
    public var otherFields: [String: YAny]

    public init(
        id: String, name: String, description: String? = nil,
        credentials: [StateEntry<ProjectCredential>] = [],
        collections: [StateEntry<ProjectCollection>] = [], workflows: [StateEntry<WorkflowState>] = [],
        otherFields: [String: YAny] = [:]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.credentials = credentials
        self.collections = collections
        self.workflows = workflows
        self.otherFields = otherFields
    }

    public func workflow(_ key: String) -> StateEntry<WorkflowState>? { workflows.first { $0.key == key } }

    /// Every entity marked for deletion, in the order of the state.
    public var deletions: [ProvisioningDeletion] {
        var deletions: [ProvisioningDeletion] = []
        for entry in collections where entry.value == nil {
            deletions.append(ProvisioningDeletion(kind: .collection, id: entry.id))
        }
        for entry in workflows {
            guard let workflow = entry.value else {
                deletions.append(ProvisioningDeletion(kind: .workflow, id: entry.id))
                continue
            }
            deletions += workflow.jobs.filter { $0.value == nil }.map {
                ProvisioningDeletion(kind: .job, id: $0.id, workflowID: entry.id)
            }
            deletions += workflow.triggers.filter { $0.value == nil }.map {
                ProvisioningDeletion(kind: .trigger, id: $0.id, workflowID: entry.id)
            }
            deletions += workflow.edges.filter { $0.value == nil }.map {
                ProvisioningDeletion(kind: .edge, id: $0.id, workflowID: entry.id)
            }
        }
        return deletions
    }

    /// The state once a deploy has gone through: the entries marked for deletion are gone.
    public func withoutDeletions() -> ProjectState {
        var state = self
        state.collections.removeAll { $0.value == nil }
        state.workflows.removeAll { $0.value == nil }
        for index in state.workflows.indices {
            state.workflows[index].value?.jobs.removeAll { $0.value == nil }
            state.workflows[index].value?.triggers.removeAll { $0.value == nil }
            state.workflows[index].value?.edges.removeAll { $0.value == nil }
        }
        return state
    }

    /// The spec path (`workflows.ingest.jobs.fetch`) of the entity with this id, for messages about a
    /// resolved project.
    public func specPath(ofEntity id: String) -> FormatPath? {
        if let credential = credentials.first(where: { $0.id == id }) {
            return .root / "credentials" / credential.key
        }
        for workflow in workflows {
            let path = FormatPath.root / "workflows" / workflow.key
            if workflow.id == id { return path }
            guard let value = workflow.value else { continue }
            if let job = value.jobs.first(where: { $0.id == id }) { return path / "jobs" / job.key }
            if let trigger = value.triggers.first(where: { $0.id == id }) {
                return path / "triggers" / trigger.key
            }
            if let edge = value.edges.first(where: { $0.id == id }) { return path / "edges" / edge.key }
        }
        return nil
    }
}

/// One key of a state file: its UUID and, unless it is marked for deletion, the value last deployed.
public struct StateEntry<Value: Hashable & Sendable>: Hashable, Sendable {
    public var key: String
    public var id: String
    /// Nil when the entry is marked `"delete": true`.
    public var value: Value?

    public init(key: String, id: String, value: Value?) {
        self.key = key
        self.id = id
        self.value = value
    }
}

/// A workflow's entry in a state file.
public struct WorkflowState: Hashable, Sendable {
    public var name: String
    public var jobs: [StateEntry<Job>]
    public var triggers: [StateEntry<Trigger>]
    public var edges: [StateEntry<Edge>]
    /// Other keys (`lock_version`, `project_id`, `inserted_at`, …), kept as they came.
    public var otherFields: [String: YAny]

    public init(
        name: String, jobs: [StateEntry<Job>] = [], triggers: [StateEntry<Trigger>] = [],
        edges: [StateEntry<Edge>] = [],
        otherFields: [String: YAny] = [:]
    ) {
        self.name = name
        self.jobs = jobs
        self.triggers = triggers
        self.edges = edges
        self.otherFields = otherFields
    }
}

// MARK: - Resolving a spec

extension ProjectState {
    /// Turns a spec into a project with ids, and the state to keep for next time.
    ///
    /// A key the state knows keeps its UUID; a new key gets the UUID the spec pins (`id:`), or else one
    /// from `makeID`. A key the state has and the spec no longer does is kept in the returned state
    /// marked for deletion (see ``deletions``), so the deploy removes it; credentials are references and
    /// are simply forgotten. Fields the spec leaves out fall back to the state's last deployed value and
    /// then to OpenFn's default (`enabled: true`), as the OpenFn CLI does.
    ///
    /// The spec is expected to have read without problems (its references all resolve); a body given
    /// only as a `path` nobody read deploys as empty (see ``ProjectSpec/unresolvedBodies``).
    public static func resolve(
        spec: ProjectSpec, state: ProjectState?, makeID: () -> String
    ) -> (Project, ProjectState) {
        var next = ProjectState(
            id: state?.id ?? makeID(), name: spec.name, description: spec.description ?? state?.description,
            otherFields: state?.otherFields ?? [:])

        var credentialIDs: [String: String] = [:]
        for credential in spec.credentials {
            let id = state?.credentials.first { $0.key == credential.key }?.id ?? makeID()
            credentialIDs[credential.key] = id
            next.credentials.append(
                StateEntry(
                    key: credential.key, id: id,
                    value: ProjectCredential(id: id, name: credential.name, owner: credential.owner)))
        }
        next.collections = merge(
            keys: spec.collections.map(\.key), old: state?.collections ?? [], pinned: { _ in nil },
            makeID: makeID
        ) { key, id, _ in
            ProjectCollection(id: id, name: spec.collections.first { $0.key == key }?.name ?? "")
        }

        var workflows: [Workflow] = []
        for workflowSpec in spec.workflows {
            let oldEntry = state?.workflow(workflowSpec.key)
            let old = oldEntry?.value
            let workflowID = oldEntry?.id ?? workflowSpec.id ?? makeID()

            let jobs = merge(
                keys: workflowSpec.jobs.map(\.key), old: old?.jobs ?? [],
                pinned: { workflowSpec.job($0)?.id }, makeID: makeID
            ) { key, id, _ in
                let job = workflowSpec.job(key)!
                let credential = job.credential.flatMap { spec.credential(named: $0) }.flatMap {
                    credentialIDs[$0.key]
                }
                return Job(
                    id: id, name: job.name, body: job.bodyText ?? "", adaptor: job.adaptor,
                    projectCredentialID: credential)
            }
            let jobIDs = Dictionary(jobs.map { ($0.key, $0.id) }, uniquingKeysWith: { first, _ in first })

            let triggers = merge(
                keys: workflowSpec.triggers.map(\.key), old: old?.triggers ?? [], pinned: { _ in nil },
                makeID: makeID
            ) { key, id, previous in
                trigger(workflowSpec.trigger(key)!, id: id, previous: previous, jobIDs: jobIDs)
            }
            let triggerIDs = Dictionary(
                triggers.map { ($0.key, $0.id) }, uniquingKeysWith: { first, _ in first })

            let edges = merge(
                keys: workflowSpec.edges.map(\.key), old: old?.edges ?? [], pinned: { _ in nil },
                makeID: makeID
            ) { key, id, previous in
                let edge = workflowSpec.edge(key)!
                return Edge(
                    id: id, sourceJobID: edge.sourceJob.flatMap { jobIDs[$0] },
                    sourceTriggerID: edge.sourceTrigger.flatMap { triggerIDs[$0] },
                    targetJobID: jobIDs[edge.targetJob] ?? "", conditionType: edge.conditionType,
                    conditionExpression: edge.conditionExpression, conditionLabel: edge.conditionLabel,
                    enabled: edge.enabled ?? previous?.enabled ?? true)
            }

            let otherFields = old?.otherFields ?? [:]
            let workflow = Workflow(
                id: workflowID, name: workflowSpec.name,
                lockVersion: Int(otherFields["lock_version"]?.integerValue ?? 0),
                jobs: jobs.compactMap(\.value), triggers: triggers.compactMap(\.value),
                edges: edges.compactMap(\.value))
            workflows.append(workflow)
            next.workflows.append(
                StateEntry(
                    key: workflowSpec.key, id: workflowID,
                    value: WorkflowState(
                        name: workflowSpec.name, jobs: jobs, triggers: triggers, edges: edges,
                        otherFields: otherFields)))
        }
        let specWorkflowKeys = Set(spec.workflows.map(\.key))
        for entry in state?.workflows ?? [] where !specWorkflowKeys.contains(entry.key) {
            next.workflows.append(StateEntry(key: entry.key, id: entry.id, value: nil))
        }

        let project = Project(
            id: next.id, name: spec.name, description: next.description, workflows: workflows,
            credentials: next.credentials.compactMap(\.value))
        return (project, next)
    }

    /// Entries for `keys` in order, reusing the old entry's id per key, then the old keys that are gone,
    /// marked for deletion.
    private static func merge<Value>(
        keys: [String], old: [StateEntry<Value>], pinned: (String) -> String?, makeID: () -> String,
        make: (_ key: String, _ id: String, _ previous: Value?) -> Value
    ) -> [StateEntry<Value>] {
        var entries: [StateEntry<Value>] = []
        for key in keys {
            let previous = old.first { $0.key == key }
            let id = previous?.id ?? pinned(key) ?? makeID()
            entries.append(StateEntry(key: key, id: id, value: make(key, id, previous?.value)))
        }
        let kept = Set(keys)
        for entry in old where !kept.contains(entry.key) {
            entries.append(StateEntry(key: entry.key, id: entry.id, value: nil))
        }
        return entries
    }

    private static func trigger(
        _ spec: TriggerSpec, id: String, previous: Trigger?, jobIDs: [String: String]
    ) -> Trigger {
        var trigger = Trigger(id: id, type: spec.type, enabled: spec.enabled ?? previous?.enabled ?? true)
        switch spec.type {
        case .cron:
            trigger.cronExpression = spec.cronExpression
            trigger.cronCursorJobID = spec.cronCursorJob.flatMap { jobIDs[$0] }
        case .webhook:
            trigger.webhookReply = spec.webhookReply
            if let config = spec.webhookResponseConfig {
                var object = YObject()
                if let code = config.successCode { object["success_code"] = .integer(Int64(code)) }
                if let code = config.errorCode { object["error_code"] = .integer(Int64(code)) }
                trigger.extra["webhook_response_config"] = .object(object)
            }
        case .kafka:
            if let config = spec.kafkaConfiguration {
                var kafka = previous?.kafkaConfiguration ?? KafkaConfiguration()
                kafka.hostsString = config.hosts?.joined(separator: ", ")
                kafka.topicsString = config.topics?.joined(separator: ", ")
                kafka.initialOffsetResetPolicy = config.initialOffsetResetPolicy
                kafka.connectTimeout = config.connectTimeout
                trigger.kafkaConfiguration = kafka
            }
        }
        return trigger
    }
}

// MARK: - Provisioning from a state

extension ProvisioningDocument {
    /// The document that deploys `project` and removes what `state` marks for deletion.
    public init(project: Project, state: ProjectState) {
        let collections = state.collections.compactMap(\.value)
        self.init(
            project: project, collections: state.collections.isEmpty ? nil : collections,
            deletions: state.deletions,
            serverFields: [:])
    }
}

// MARK: - Reading and writing the file

extension ProjectState {
    static let projectKeys =
        ["id", "name", "description", "project_credentials", "collections", "workflows"]
        + ProvisioningJSON.projectServerKeys
    static let workflowKeys = ProvisioningJSON.workflowKeys

    /// Reads a state file (`.state.json`).
    public static func parse(_ text: String, file: String) throws(FormatError) -> ProjectState {
        let tree: FormatNode
        switch FormatNode.parseJSON(text, file: file) {
        case .success(let node): tree = node
        case .failure(let error): throw error
        }
        var reader = FormatReader(file: file)
        let state = read(tree, reader: &reader)
        if let error = reader.error() { throw error }
        guard let state else { throw FormatError(problems: reader.problems) }
        return state
    }

    public static func parse(_ data: Data, file: String) throws(FormatError) -> ProjectState {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FormatError(problems: [
                FormatProblem(file: file, path: "", kind: .syntax, message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, file: file)
    }

    /// The state file's text: indented JSON in the shape the OpenFn CLI writes.
    public func write() -> String {
        FormatWriter.json(tree())
    }

    private static func read(_ root: FormatNode, reader: inout FormatReader) -> ProjectState? {
        guard
            let fields = reader.fields(
                root, at: .root, allowed: projectKeys, required: ["id"], what: "the state")
        else {
            return nil
        }
        var state = ProjectState(
            id: reader.string(fields, "id", required: true, nonEmpty: true) ?? "",
            name: reader.string(fields, "name") ?? "",
            description: reader.string(fields, "description"))
        for key in ProvisioningJSON.projectServerKeys {
            if let value = fields[key] { state.otherFields[key] = value.anyValue }
        }
        var ids = IDRegistry()
        let credentialsPath = FormatPath.root / "project_credentials"
        for entry in reader.keyedEntries(
            fields["project_credentials"], at: credentialsPath, what: "project_credentials")
        {
            let path = credentialsPath / entry.key
            if let credential = EntityJSON.readCredential(entry.value, at: path, reader: &reader) {
                ids.claim(credential.id, path, entry.value, reader: &reader)
                state.credentials.append(StateEntry(key: entry.key, id: credential.id, value: credential))
            }
        }
        let collectionsPath = FormatPath.root / "collections"
        for entry in reader.keyedEntries(fields["collections"], at: collectionsPath, what: "collections") {
            let path = collectionsPath / entry.key
            if let read = EntityJSON.readCollection(entry.value, at: path, reader: &reader) {
                state.collections.append(
                    stateEntry(entry.key, read, path, entry.value, ids: &ids, reader: &reader))
            }
        }
        let workflowsPath = FormatPath.root / "workflows"
        for entry in reader.keyedEntries(fields["workflows"], at: workflowsPath, what: "workflows") {
            if let workflow = readWorkflow(entry, at: workflowsPath / entry.key, ids: &ids, reader: &reader) {
                state.workflows.append(workflow)
            }
        }
        return state
    }

    private static func stateEntry<Value: Identifiable>(
        _ key: String, _ read: EntityRead<Value>, _ path: FormatPath, _ node: FormatNode,
        ids: inout IDRegistry,
        reader: inout FormatReader
    ) -> StateEntry<Value> where Value.ID == String {
        switch read {
        case .live(let value):
            ids.claim(value.id, path, node, reader: &reader)
            return StateEntry(key: key, id: value.id, value: value)
        case .deleted(let id):
            ids.claim(id, path, node, reader: &reader)
            return StateEntry(key: key, id: id, value: nil)
        }
    }

    private static func readWorkflow(
        _ entry: FormatNode.Member, at path: FormatPath, ids: inout IDRegistry, reader: inout FormatReader
    ) -> StateEntry<WorkflowState>? {
        guard
            let fields = reader.fields(
                entry.value, at: path, allowed: workflowKeys, required: ["id"], what: "a workflow")
        else { return nil }
        guard let identity = EntityJSON.identity(fields, what: "a workflow", reader: &reader) else {
            return nil
        }
        ids.claim(identity.id, path, entry.value, reader: &reader)
        if identity.deleted { return StateEntry(key: entry.key, id: identity.id, value: nil) }
        var workflow = WorkflowState(name: reader.string(fields, "name") ?? "")
        for key in workflowKeys where !["id", "name", "delete", "jobs", "triggers", "edges"].contains(key) {
            if let value = fields[key] { workflow.otherFields[key] = value.anyValue }
        }
        for job in reader.keyedEntries(fields["jobs"], at: path / "jobs", what: "jobs") {
            let jobPath = path / "jobs" / job.key
            if let read = EntityJSON.readJob(job.value, at: jobPath, reader: &reader) {
                workflow.jobs.append(
                    stateEntry(job.key, read, jobPath, job.value, ids: &ids, reader: &reader))
            }
        }
        for trigger in reader.keyedEntries(fields["triggers"], at: path / "triggers", what: "triggers") {
            let triggerPath = path / "triggers" / trigger.key
            if let read = EntityJSON.readTrigger(trigger.value, at: triggerPath, reader: &reader) {
                workflow.triggers.append(
                    stateEntry(trigger.key, read, triggerPath, trigger.value, ids: &ids, reader: &reader))
            }
        }
        for edge in reader.keyedEntries(fields["edges"], at: path / "edges", what: "edges") {
            let edgePath = path / "edges" / edge.key
            if let read = EntityJSON.readEdge(edge.value, at: edgePath, reader: &reader) {
                workflow.edges.append(
                    stateEntry(edge.key, read, edgePath, edge.value, ids: &ids, reader: &reader))
            }
        }
        return StateEntry(key: entry.key, id: identity.id, value: workflow)
    }

    private func tree() -> FormatNode {
        var members: [(String, FormatNode)] = [("id", .string(id)), ("name", .string(name))]
        if let description { members.append(("description", .string(description))) }
        members += EntityJSON.verbatim(otherFields, order: ProvisioningJSON.projectServerKeys)
        members.append(
            (
                "project_credentials",
                .mapping(
                    credentials.map {
                        ($0.key, $0.value.map(EntityJSON.credential) ?? EntityJSON.deleted($0.id))
                    })
            ))
        if !collections.isEmpty {
            members.append(
                (
                    "collections",
                    .mapping(
                        collections.map {
                            ($0.key, $0.value.map(EntityJSON.collection) ?? EntityJSON.deleted($0.id))
                        })
                ))
        }
        members.append(
            (
                "workflows",
                .mapping(
                    workflows.map { entry in
                        guard let workflow = entry.value else {
                            return (entry.key, EntityJSON.deleted(entry.id))
                        }
                        var fields: [(String, FormatNode)] = [
                            ("id", .string(entry.id)), ("name", .string(workflow.name)),
                        ]
                        fields += EntityJSON.verbatim(workflow.otherFields, order: ProjectState.workflowKeys)
                        fields.append(
                            (
                                "jobs",
                                .mapping(
                                    workflow.jobs.map {
                                        ($0.key, $0.value.map(EntityJSON.job) ?? EntityJSON.deleted($0.id))
                                    })
                            ))
                        fields.append(
                            (
                                "triggers",
                                .mapping(
                                    workflow.triggers.map {
                                        (
                                            $0.key,
                                            $0.value.map(EntityJSON.trigger) ?? EntityJSON.deleted($0.id)
                                        )
                                    })
                            ))
                        fields.append(
                            (
                                "edges",
                                .mapping(
                                    workflow.edges.map {
                                        ($0.key, $0.value.map(EntityJSON.edge) ?? EntityJSON.deleted($0.id))
                                    })
                            ))
                        return (entry.key, .mapping(fields))
                    })
            ))
        return .mapping(members)
    }
}
