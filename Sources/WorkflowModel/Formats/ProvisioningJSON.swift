import Foundation
import YCRDT

/// A project in the JSON Lightning's provisioning API takes (`POST /api/provision`) and returns: arrays
/// of entities with UUIDs, every existing entity listed, and `{"id": …, "delete": true}` for each one to
/// remove.
public struct ProvisioningDocument: Hashable, Sendable {
    /// The project with its live workflows, jobs, triggers, edges and credentials.
    public var project: Project
    /// The project's collections; nil when the document has no `collections` key, which is then left
    /// out when written (an empty list would tell Lightning to drop every collection it has).
    public var collections: [ProjectCollection]?
    /// The entities marked `"delete": true`, in the order of the file.
    public var deletions: [ProvisioningDeletion]
    /// Project keys Lightning returns that Weft does not model (`inserted_at`, `requires_mfa`, …), kept
    /// as they came so that writing the document back loses nothing.
    public var serverFields: [String: YAny]
    /// The same per workflow id: `inserted_at`, `updated_at`, `project_id`, `version_history`.
    public var workflowServerFields: [String: [String: YAny]]

    public init(
        project: Project, collections: [ProjectCollection]? = nil, deletions: [ProvisioningDeletion] = [],
        serverFields: [String: YAny] = [:], workflowServerFields: [String: [String: YAny]] = [:]
    ) {
        self.project = project
        self.collections = collections
        self.deletions = deletions
        self.serverFields = serverFields
        self.workflowServerFields = workflowServerFields
    }
}

/// One entity a provisioning document deletes.
public struct ProvisioningDeletion: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case workflow, job, trigger, edge, collection
    }

    public var kind: Kind
    public var id: String
    /// The workflow a job, trigger or edge belongs to; nil for workflows and collections.
    public var workflowID: String?

    public init(kind: Kind, id: String, workflowID: String? = nil) {
        self.kind = kind
        self.id = id
        self.workflowID = workflowID
    }
}

public enum ProvisioningJSON {
    /// Project keys Lightning's `ProvisioningJSON.as_json` returns besides the ones Weft models.
    static let projectServerKeys = [
        "inserted_at", "updated_at", "scheduled_deletion", "requires_mfa", "retention_policy",
        "history_retention_period", "dataclip_retention_period", "allow_support_access", "concurrency", "env",
        "color",
        "parent_id", "channels",
    ]
    static let projectKeys =
        ["id", "name", "description", "project_credentials", "collections", "workflows"] + projectServerKeys
    /// Workflow keys Lightning returns that Weft keeps verbatim.
    static let workflowServerKeys = ["inserted_at", "updated_at", "project_id", "version_history"]
    static let workflowKeys =
        [
            "id", "name", "delete", "deleted_at", "lock_version", "concurrency", "enable_job_logs", "jobs",
            "triggers", "edges",
        ]
        + workflowServerKeys

    /// Reads a provisioning document.
    ///
    /// - Throws: ``FormatError`` with every problem: syntax, unknown keys, ids that are not UUIDs or are
    ///   used twice, references to jobs, triggers or credentials the document does not have, deletions
    ///   that also change something.
    public static func parse(_ text: String, file: String) throws(FormatError) -> ProvisioningDocument {
        try parseLocated(text, file: file).document
    }

    public static func parse(_ data: Data, file: String) throws(FormatError) -> ProvisioningDocument {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FormatError(problems: [
                FormatProblem(file: file, path: "", kind: .syntax, message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, file: file)
    }

    /// ``parse(_:file:)``, also returning where each value is (`workflows[0].jobs[1].body`).
    public static func parseLocated(
        _ text: String, file: String
    ) throws(FormatError) -> (document: ProvisioningDocument, locations: FormatLocations) {
        let tree: FormatNode
        switch FormatNode.parseJSON(text, file: file) {
        case .success(let node): tree = node
        case .failure(let error): throw error
        }
        var reader = FormatReader(file: file)
        let document = read(tree, reader: &reader)
        if let error = reader.error() { throw error }
        guard let document else { throw FormatError(problems: reader.problems) }
        return (document, FormatLocations(reader.locations))
    }

    /// The document as indented JSON, in the key order Lightning returns it: live entities first, then
    /// each deletion as `{"id": …, "delete": true}` in the list it belongs to.
    public static func write(_ document: ProvisioningDocument) -> String {
        FormatWriter.json(tree(document))
    }

    // MARK: Reading

    private static func read(_ root: FormatNode, reader: inout FormatReader) -> ProvisioningDocument? {
        guard
            let fields = reader.fields(
                root, at: .root, allowed: projectKeys, required: ["id", "name"], what: "the project")
        else { return nil }
        let id = reader.string(fields, "id", required: true, nonEmpty: true) ?? ""
        if !id.isEmpty, !EntityJSON.isUUID(id) {
            reader.report(
                .invalidValue, .root / "id", at: fields["id"],
                "\"\(id)\" is not a UUID; a project's id is a UUID")
        }
        var document = ProvisioningDocument(
            project: Project(
                id: id, name: reader.string(fields, "name", required: true, nonEmpty: true) ?? "",
                description: reader.string(fields, "description")))
        for key in projectServerKeys {
            if let value = fields[key] { document.serverFields[key] = value.anyValue }
        }
        var ids = IDRegistry()

        for (index, node)
            in (reader.list(fields, "project_credentials", what: "\"project_credentials\"") ?? [])
            .enumerated()
        {
            let path = (FormatPath.root / "project_credentials").appending(index: index)
            if let credential = EntityJSON.readCredential(node, at: path, reader: &reader) {
                ids.claim(credential.id, path, node, reader: &reader)
                document.project.credentials.append(credential)
            }
        }
        if fields.has("collections") { document.collections = [] }
        for (index, node) in (reader.list(fields, "collections", what: "\"collections\"") ?? []).enumerated()
        {
            let path = (FormatPath.root / "collections").appending(index: index)
            switch EntityJSON.readCollection(node, at: path, reader: &reader) {
            case .live(let collection):
                ids.claim(collection.id, path, node, reader: &reader)
                document.collections?.append(collection)
            case .deleted(let id):
                ids.claim(id, path, node, reader: &reader)
                document.deletions.append(ProvisioningDeletion(kind: .collection, id: id))
            case nil: break
            }
        }
        let credentialIDs = Set(document.project.credentials.map(\.id))
        for (index, node) in (reader.list(fields, "workflows", what: "\"workflows\"") ?? []).enumerated() {
            let path = (FormatPath.root / "workflows").appending(index: index)
            readWorkflow(
                node, at: path, credentialIDs: credentialIDs, ids: &ids, into: &document, reader: &reader)
        }
        return document
    }

    private static func readWorkflow(
        _ node: FormatNode, at path: FormatPath, credentialIDs: Set<String>, ids: inout IDRegistry,
        into document: inout ProvisioningDocument, reader: inout FormatReader
    ) {
        guard
            let fields = reader.fields(
                node, at: path, allowed: workflowKeys, required: ["id"], what: "a workflow")
        else {
            return
        }
        guard let identity = EntityJSON.identity(fields, what: "a workflow", reader: &reader) else { return }
        ids.claim(identity.id, path, node, reader: &reader)
        if identity.deleted {
            document.deletions.append(ProvisioningDeletion(kind: .workflow, id: identity.id))
            return
        }
        if !fields.has("name") {
            reader.report(.missingKey, path / "name", at: node, "a workflow has no \"name\"")
        }
        var workflow = Workflow(
            id: identity.id, name: reader.string(fields, "name", required: true) ?? "",
            lockVersion: reader.integer(fields, "lock_version") ?? 0,
            deletedAt: reader.string(fields, "deleted_at"),
            concurrency: reader.integer(fields, "concurrency"),
            enableJobLogs: reader.bool(fields, "enable_job_logs"))
        var serverFields: [String: YAny] = [:]
        for key in workflowServerKeys {
            if let value = fields[key] { serverFields[key] = value.anyValue }
        }
        if !serverFields.isEmpty { document.workflowServerFields[identity.id] = serverFields }

        var deletedJobs: Set<String> = []
        var places: [String: (FormatPath, FormatNode)] = [:]
        for (index, item) in (reader.list(fields, "jobs", what: "\"jobs\"") ?? []).enumerated() {
            let itemPath = (path / "jobs").appending(index: index)
            switch EntityJSON.readJob(item, at: itemPath, reader: &reader) {
            case .live(let job):
                ids.claim(job.id, itemPath, item, reader: &reader)
                places[job.id] = (itemPath, item)
                workflow.jobs.append(job)
            case .deleted(let id):
                ids.claim(id, itemPath, item, reader: &reader)
                deletedJobs.insert(id)
                document.deletions.append(ProvisioningDeletion(kind: .job, id: id, workflowID: identity.id))
            case nil: break
            }
        }
        for (index, item) in (reader.list(fields, "triggers", what: "\"triggers\"") ?? []).enumerated() {
            let itemPath = (path / "triggers").appending(index: index)
            switch EntityJSON.readTrigger(item, at: itemPath, reader: &reader) {
            case .live(let trigger):
                ids.claim(trigger.id, itemPath, item, reader: &reader)
                places[trigger.id] = (itemPath, item)
                workflow.triggers.append(trigger)
            case .deleted(let id):
                ids.claim(id, itemPath, item, reader: &reader)
                document.deletions.append(
                    ProvisioningDeletion(kind: .trigger, id: id, workflowID: identity.id))
            case nil: break
            }
        }
        for (index, item) in (reader.list(fields, "edges", what: "\"edges\"") ?? []).enumerated() {
            let itemPath = (path / "edges").appending(index: index)
            switch EntityJSON.readEdge(item, at: itemPath, reader: &reader) {
            case .live(let edge):
                ids.claim(edge.id, itemPath, item, reader: &reader)
                places[edge.id] = (itemPath, item)
                workflow.edges.append(edge)
            case .deleted(let id):
                ids.claim(id, itemPath, item, reader: &reader)
                document.deletions.append(ProvisioningDeletion(kind: .edge, id: id, workflowID: identity.id))
            case nil: break
            }
        }
        checkReferences(
            workflow, places: places, deletedJobs: deletedJobs, credentialIDs: credentialIDs, reader: &reader)
        document.project.workflows.append(workflow)
    }

    /// Every id a job, trigger or edge names must be in this workflow (Lightning expects every existing
    /// entity to be listed), and every credential in the project.
    private static func checkReferences(
        _ workflow: Workflow, places: [String: (FormatPath, FormatNode)], deletedJobs: Set<String>,
        credentialIDs: Set<String>, reader: inout FormatReader
    ) {
        let jobIDs = Set(workflow.jobs.map(\.id))
        let triggerIDs = Set(workflow.triggers.map(\.id))
        func fieldNode(_ id: String, _ key: String) -> (FormatPath, FormatNode?) {
            guard let (path, node) = places[id].map({ ($0.0, $0.1) }) else { return (.root, nil) }
            if case .mapping(let members) = node.content, let member = members.first(where: { $0.key == key })
            {
                return (path / key, member.value)
            }
            return (path / key, node)
        }
        func jobProblem(_ id: String) -> String {
            if deletedJobs.contains(id) {
                return "job \(id) is deleted in this document; remove or delete this edge too"
            }
            if triggerIDs.contains(id) { return "\(id) is a trigger; an edge cannot lead into a trigger" }
            return "no job \(id) in this workflow"
        }
        for job in workflow.jobs {
            if let credential = job.projectCredentialID, !credentialIDs.contains(credential) {
                let (path, node) = fieldNode(job.id, "project_credential_id")
                reader.report(
                    .brokenReference, path, at: node,
                    "no credential \(credential) in the project's project_credentials")
            }
        }
        for trigger in workflow.triggers {
            if let cursor = trigger.cronCursorJobID, !jobIDs.contains(cursor) {
                let (path, node) = fieldNode(trigger.id, "cron_cursor_job_id")
                reader.report(.brokenReference, path, at: node, jobProblem(cursor))
            }
        }
        for edge in workflow.edges {
            if let source = edge.sourceJobID, !jobIDs.contains(source) {
                let (path, node) = fieldNode(edge.id, "source_job_id")
                reader.report(.brokenReference, path, at: node, jobProblem(source))
            }
            if let source = edge.sourceTriggerID, !triggerIDs.contains(source) {
                let (path, node) = fieldNode(edge.id, "source_trigger_id")
                reader.report(
                    .brokenReference, path, at: node,
                    jobIDs.contains(source)
                        ? "\(source) is a job; use source_job_id" : "no trigger \(source) in this workflow")
            }
            if !edge.targetJobID.isEmpty, !jobIDs.contains(edge.targetJobID) {
                let (path, node) = fieldNode(edge.id, "target_job_id")
                reader.report(.brokenReference, path, at: node, jobProblem(edge.targetJobID))
            }
        }
    }

    // MARK: Writing

    static func tree(_ document: ProvisioningDocument) -> FormatNode {
        let project = document.project
        var members: [(String, FormatNode)] = [
            ("id", .string(project.id)), ("name", .string(project.name)),
            ("description", EntityJSON.optional(project.description)),
        ]
        members += EntityJSON.verbatim(document.serverFields, order: projectServerKeys)
        members.append(("project_credentials", .sequence(project.credentials.map(EntityJSON.credential))))
        let deletedCollections = document.deletions.filter { $0.kind == .collection }.map {
            EntityJSON.deleted($0.id)
        }
        if document.collections != nil || !deletedCollections.isEmpty {
            members.append(
                (
                    "collections",
                    .sequence((document.collections ?? []).map(EntityJSON.collection) + deletedCollections)
                ))
        }
        var workflows = project.workflows.map { workflow($0, document: document) }
        workflows += document.deletions.filter { $0.kind == .workflow }.map { EntityJSON.deleted($0.id) }
        members.append(("workflows", .sequence(workflows)))
        return .mapping(members)
    }

    static func workflow(_ workflow: Workflow, document: ProvisioningDocument) -> FormatNode {
        func deleted(_ kind: ProvisioningDeletion.Kind) -> [FormatNode] {
            document.deletions.filter { $0.kind == kind && $0.workflowID == workflow.id }.map {
                EntityJSON.deleted($0.id)
            }
        }
        var members: [(String, FormatNode)] = [
            ("id", .string(workflow.id)), ("name", .string(workflow.name)),
            ("lock_version", .integer(workflow.lockVersion)),
            ("deleted_at", EntityJSON.optional(workflow.deletedAt)),
            ("concurrency", workflow.concurrency.map(FormatNode.integer) ?? .null),
        ]
        if let logs = workflow.enableJobLogs { members.append(("enable_job_logs", .bool(logs))) }
        members += EntityJSON.verbatim(
            document.workflowServerFields[workflow.id] ?? [:], order: workflowServerKeys)
        members.append(("jobs", .sequence(workflow.jobs.map(EntityJSON.job) + deleted(.job))))
        members.append(("triggers", .sequence(workflow.triggers.map(EntityJSON.trigger) + deleted(.trigger))))
        members.append(("edges", .sequence(workflow.edges.map(EntityJSON.edge) + deleted(.edge))))
        return .mapping(members)
    }
}

/// Which path first used each id, so an id used twice is reported at its second use.
struct IDRegistry {
    private var firstUse: [String: String] = [:]

    mutating func claim(_ id: String, _ path: FormatPath, _ node: FormatNode, reader: inout FormatReader) {
        guard !id.isEmpty else { return }
        if let first = firstUse[id] {
            reader.report(.duplicate, path / "id", at: node, "the id \(id) is already used by \(first)")
        } else {
            firstUse[id] = path.description
        }
    }
}
