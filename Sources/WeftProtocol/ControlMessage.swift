import YCRDT

/// A Weft control message: one JSON object with a string `"type"` field, sent as message type 16.
///
/// Field names on the wire are snake_case (`lock_version`); the cases use Swift names for the same
/// fields. Workflows, projects and summaries travel as JSON (``YAny``): their shape belongs to
/// WorkflowModel and the relay, not to the wire.
///
/// Encoding is deterministic: `"type"` first, then the fields in the order the cases list them, no
/// whitespace (``JSON/stringify(_:)``); an optional field that is nil is left out, never written as
/// `null`. Decoding is tolerant where that costs nothing: fields it does not know are ignored, an
/// optional field may be `null`, integral numbers may be written as floats (`3.0`), and a type it does
/// not know becomes ``unknown(type:body:)`` so that a newer peer's messages do not break an older one.
public enum ControlMessage: Sendable, Hashable {
    // MARK: Client to relay

    /// Join one workflow: `workflow` is its id or `project/workflow` (names or ids); `as` is the
    /// display name to use in local mode (the relay ignores it in shared mode).
    /// Answered by ``joined(workflow:lockVersion:role:clientID:)`` or an error.
    case join(workflow: String, as: String? = nil)
    /// Leave the joined workflow; the relay clears the connection's awareness. No answer. The
    /// connection may join again (with a fresh document).
    case leave
    /// Save the document as the next version of the workflow, if the saved version is still
    /// `lockVersion` (the optimistic lock). Answered by ``saved(lockVersion:workflow:)`` or
    /// ``saveFailed(reason:message:errors:currentLockVersion:moved:)``.
    case save(lockVersion: Int)
    /// Import a project: `project` is provisioning JSON, or `{"yaml": text}` for a project.yaml;
    /// `state` the deploy state file, if any. Without `allowStale` a deploy whose state is older than
    /// the database is refused. Answered by ``deployed(project:workflows:state:)`` or
    /// ``deployFailed(reason:message:errors:moved:)``.
    case deploy(project: YAny, allowStale: Bool = false, state: YAny? = nil)
    /// Are you there? Answered by ``pong(id:)`` with the same `id`.
    case ping(id: YAny? = nil)
    /// Ask for the relay's status. Answered by ``statusReply(status:)``.
    case status
    /// Ask for the projects and their workflows. Answered by ``listReply(projects:)``.
    case list
    /// History, export and drafts requests (ControlMessage+History.swift; docs/protocol.md).
    case history(workflow: String)
    case showVersion(workflow: String, lockVersion: Int)
    case restore(workflow: String, lockVersion: Int)
    case export(project: String, format: String, state: YAny? = nil)
    case drafts
    case restoreDraft(id: Int)
    /// Copy project `project` (name or id) into a new sandbox project named `name`. Answered by
    /// ``sandboxCreated(sandbox:)`` or ``sandboxFailed(reason:message:conflicts:)``.
    case sandboxCreate(project: String, name: String)
    /// List the sandboxes (of one parent project, if named). Answered by ``sandboxListReply(sandboxes:)``.
    case sandboxList(project: String? = nil)
    /// What merging sandbox `sandbox` would change in its parent. Answered by ``sandboxDiffReply(diff:)``.
    case sandboxDiff(sandbox: String)
    /// Merge sandbox `sandbox` into its parent; with `force` the sandbox's side wins conflicts. Answered
    /// by ``sandboxMerged(merge:)`` or ``sandboxFailed(reason:message:conflicts:)``.
    case sandboxMerge(sandbox: String, force: Bool = false)
    /// Deploy the project file `yaml` read at `commit` of the git repository `repository` (its `file`),
    /// as the system actor "repository connection" with source `sync`; `project` overrides the name in
    /// the file. Answered by ``synced(sync:)`` or ``syncFailed(reason:message:errors:)``.
    case sync(repository: String, commit: String, file: String, yaml: String, project: String? = nil)

    // MARK: Relay to client

    /// The join succeeded: `workflow` is the base (the saved workflow, as WorkflowModel's JSON),
    /// `lockVersion` its version, `role` what the connection may do, `clientID` the connection's id
    /// at the relay (as status replies and logs show it), when the relay gives one. Sync starts after
    /// this.
    case joined(workflow: YAny, lockVersion: Int, role: Role, clientID: UInt64? = nil)
    /// This connection's save succeeded: the new version and the workflow as saved (the new base).
    case saved(lockVersion: Int, workflow: YAny)
    /// This connection's save was refused. `errors`: validation messages (for `invalid`);
    /// `currentLockVersion`: the version now saved (for `stale`); `moved`: what changed since the
    /// client's version (for `stale`).
    case saveFailed(
        reason: SaveFailureReason, message: String? = nil, errors: YAny? = nil,
        currentLockVersion: Int? = nil,
        moved: YAny? = nil)
    /// Someone else made a new version (a save on another connection, a deploy, merge, sync or
    /// restore): the new base and version, who did it and how, a summary of what changed and the
    /// conflicts met when unsaved edits were rebased onto it.
    case workflowSaved(
        lockVersion: Int, workflow: YAny, actor: Actor, source: ChangeSource, summary: YAny, conflicts: [YAny]
    )
    /// The first `updates` sync step 2 and update messages this connection sent since its `join` are
    /// settled: committed to the store, or refused with an error sent before this ack.
    case ack(updates: Int)
    /// This connection's deploy was committed: the project (`{"id", "name"}`), one entry per
    /// workflow it changed, and the new state file for the deployer to keep.
    case deployed(project: YAny, workflows: [YAny], state: YAny? = nil)
    /// This connection's deploy was refused (`stale`, `invalid`, `forbidden`, …): nothing of it was
    /// committed. `moved` names the workflows that changed since the state file (for `stale`).
    case deployFailed(reason: String, message: String? = nil, errors: YAny? = nil, moved: YAny? = nil)
    /// The answer to ``status``: rooms, clients, queues, store size, uptime.
    case statusReply(status: YAny)
    /// The answer to ``list``: the projects, each with its workflows.
    case listReply(projects: YAny)
    /// A sandbox was created: `{"id", "name", "parent": {"id", "name"}, "workflows": [...]}`.
    case sandboxCreated(sandbox: YAny)
    /// The answer to ``sandboxList(project:)``: one object per sandbox.
    case sandboxListReply(sandboxes: YAny)
    /// The answer to ``sandboxDiff(sandbox:)``: per workflow, what a merge would change and its conflicts.
    case sandboxDiffReply(diff: YAny)
    /// The merge was committed: per workflow, what it changed, with the new versions.
    case sandboxMerged(merge: YAny)
    /// A sandbox request was refused (`not_found`, `forbidden`, `conflicts`, `stale`, `invalid`, …);
    /// nothing was written. `conflicts` lists them for `conflicts`.
    case sandboxFailed(reason: String, message: String, conflicts: [YAny]? = nil)
    /// A sync was committed: the project, the commit and one entry per workflow it changed.
    case synced(sync: YAny)
    /// A sync was refused (`invalid`, `stale`, …); nothing was committed.
    case syncFailed(reason: String, message: String, errors: YAny? = nil)
    /// Something went wrong; `code` is an ``ErrorCode`` raw value (or a newer one), `message` says it
    /// for people.
    case error(code: String, message: String)
    /// The answer to ``ping(id:)``.
    case pong(id: YAny? = nil)
    /// Answers to the history, export and drafts requests (ControlMessage+History.swift).
    case historyReply(workflow: YAny, versions: [YAny])
    case versionReply(version: YAny)
    case restored(workflow: YAny, lockVersion: Int, restoredFrom: Int, changed: Bool, conflicts: [YAny])
    case exported(project: YAny, format: String, text: String, state: YAny? = nil)
    case draftsReply(drafts: [YAny])
    case draftRestored(id: Int, workflow: YAny, summary: YAny, conflicts: [YAny])

    // MARK: Any direction

    /// A control message of a type this version does not know. `body` is the whole object as it came
    /// (its `"type"` included); encoding writes `"type"` first, then `body`'s other fields.
    case unknown(type: String, body: YAny)

    /// An `error` message with a known code.
    public static func error(_ code: ErrorCode, _ message: String) -> ControlMessage {
        .error(code: code.rawValue, message: message)
    }

    /// The code of an `error` message when it is one this version knows.
    public var errorCode: ErrorCode? {
        if case .error(let code, _) = self { ErrorCode(rawValue: code) } else { nil }
    }

    /// The value of the `"type"` field.
    public var type: String {
        switch self {
        case .join: "join"
        case .leave: "leave"
        case .save: "save"
        case .deploy: "deploy"
        case .ping: "ping"
        case .status: "status"
        case .list: "list"
        case .sandboxCreate: "sandbox_create"
        case .sandboxList: "sandbox_list"
        case .sandboxDiff: "sandbox_diff"
        case .sandboxMerge: "sandbox_merge"
        case .sync: "sync"
        case .joined: "joined"
        case .saved: "saved"
        case .saveFailed: "save_failed"
        case .workflowSaved: "workflow_saved"
        case .ack: "ack"
        case .deployed: "deployed"
        case .deployFailed: "deploy_failed"
        case .statusReply: "status_reply"
        case .listReply: "list_reply"
        case .sandboxCreated: "sandbox_created"
        case .sandboxListReply: "sandbox_list_reply"
        case .sandboxDiffReply: "sandbox_diff_reply"
        case .sandboxMerged: "sandbox_merged"
        case .sandboxFailed: "sandbox_failed"
        case .synced: "synced"
        case .syncFailed: "sync_failed"
        case .error: "error"
        case .pong: "pong"
        case .history, .showVersion, .restore, .export, .drafts, .restoreDraft, .historyReply, .versionReply,
            .restored, .exported, .draftsReply, .draftRestored:
            historyType
        case .unknown(let type, _): type
        }
    }

    /// Who sends a message of this type.
    public enum Direction: Sendable, Hashable {
        case clientToRelay
        case relayToClient
        /// An ``unknown(type:body:)`` message: nobody can tell.
        case unknown
    }

    public var direction: Direction {
        switch self {
        case .join, .leave, .save, .deploy, .ping, .status, .list: .clientToRelay
        case .history, .showVersion, .restore, .export, .drafts, .restoreDraft: .clientToRelay
        case .historyReply, .versionReply, .restored, .exported, .draftsReply, .draftRestored: .relayToClient
        case .sandboxCreate, .sandboxList, .sandboxDiff, .sandboxMerge, .sync: .clientToRelay
        case .joined, .saved, .saveFailed, .workflowSaved, .ack, .deployed, .deployFailed, .statusReply,
            .listReply, .error, .pong:
            .relayToClient
        case .sandboxCreated, .sandboxListReply, .sandboxDiffReply, .sandboxMerged, .sandboxFailed, .synced,
            .syncFailed:
            .relayToClient
        case .unknown: .unknown
        }
    }

    /// The `"type"` values this version knows, clients' first.
    public static let knownTypes = [
        "join", "leave", "save", "deploy", "ping", "status", "list", "joined", "saved", "save_failed",
        "workflow_saved", "ack", "deployed", "deploy_failed", "status_reply", "list_reply", "error", "pong",
    ] + historyTypes + sandboxTypes

    /// The `"type"` values of sandboxes and git syncs, clients' first.
    public static let sandboxTypes = [
        "sandbox_create", "sandbox_list", "sandbox_diff", "sandbox_merge", "sync", "sandbox_created",
        "sandbox_list_reply", "sandbox_diff_reply", "sandbox_merged", "sandbox_failed", "synced", "sync_failed",
    ]
}

// MARK: - JSON

extension ControlMessage {
    /// The message as one JSON object (see the type's documentation for the key order).
    public var json: YAny {
        var fields: [(key: String, value: YAny)] = [("type", .string(type))]
        func add(_ key: String, _ value: YAny?) {
            if let value { fields.append((key, value)) }
        }
        switch self {
        case .join(let workflow, let name):
            add("workflow", .string(workflow))
            add("as", name.map(YAny.string))
        case .leave, .status, .list:
            break
        case .save(let lockVersion):
            add("lock_version", .integer(Int64(lockVersion)))
        case .deploy(let project, let allowStale, let state):
            add("project", project)
            add("allow_stale", .bool(allowStale))
            add("state", state)
        case .ping(let id), .pong(let id):
            add("id", id)
        case .joined(let workflow, let lockVersion, let role, let clientID):
            add("workflow", workflow)
            add("lock_version", .integer(Int64(lockVersion)))
            add("role", .string(role.rawValue))
            add("client_id", clientID.map { .integer(Int64(clamping: $0)) })
        case .saved(let lockVersion, let workflow):
            add("lock_version", .integer(Int64(lockVersion)))
            add("workflow", workflow)
        case .saveFailed(let reason, let message, let errors, let currentLockVersion, let moved):
            add("reason", .string(reason.rawValue))
            add("message", message.map(YAny.string))
            add("errors", errors)
            add("current_lock_version", currentLockVersion.map { .integer(Int64($0)) })
            add("moved", moved)
        case .workflowSaved(let lockVersion, let workflow, let actor, let source, let summary, let conflicts):
            add("lock_version", .integer(Int64(lockVersion)))
            add("workflow", workflow)
            add("actor", ["name": .string(actor.name), "kind": .string(actor.kind.rawValue)])
            add("source", .string(source.rawValue))
            add("summary", summary)
            add("conflicts", .array(conflicts))
        case .ack(let updates):
            add("updates", .integer(Int64(updates)))
        case .deployed(let project, let workflows, let state):
            add("project", project)
            add("workflows", .array(workflows))
            add("state", state)
        case .deployFailed(let reason, let message, let errors, let moved):
            add("reason", .string(reason))
            add("message", message.map(YAny.string))
            add("errors", errors)
            add("moved", moved)
        case .statusReply(let status):
            add("status", status)
        case .listReply(let projects):
            add("projects", projects)
        case .sandboxCreate(let project, let name):
            add("project", .string(project))
            add("name", .string(name))
        case .sandboxList(let project):
            add("project", project.map(YAny.string))
        case .sandboxDiff(let sandbox):
            add("sandbox", .string(sandbox))
        case .sandboxMerge(let sandbox, let force):
            add("sandbox", .string(sandbox))
            add("force", .bool(force))
        case .sync(let repository, let commit, let file, let yaml, let project):
            add("repository", .string(repository))
            add("commit", .string(commit))
            add("file", .string(file))
            add("yaml", .string(yaml))
            add("project", project.map(YAny.string))
        case .sandboxCreated(let sandbox):
            add("sandbox", sandbox)
        case .sandboxListReply(let sandboxes):
            add("sandboxes", sandboxes)
        case .sandboxDiffReply(let diff):
            add("diff", diff)
        case .sandboxMerged(let merge):
            add("merge", merge)
        case .sandboxFailed(let reason, let message, let conflicts):
            add("reason", .string(reason))
            add("message", .string(message))
            add("conflicts", conflicts.map(YAny.array))
        case .synced(let sync):
            add("sync", sync)
        case .syncFailed(let reason, let message, let errors):
            add("reason", .string(reason))
            add("message", .string(message))
            add("errors", errors)
        case .error(let code, let message):
            add("code", .string(code))
            add("message", .string(message))
        case .history, .showVersion, .restore, .export, .drafts, .restoreDraft, .historyReply, .versionReply,
            .restored, .exported, .draftsReply, .draftRestored:
            fields += historyFields
        case .unknown(_, let body):
            for (key, value) in body.objectValue ?? YObject() where key != "type" {
                fields.append((key, value))
            }
        }
        return .object(YObject(fields))
    }

    /// The compact JSON text of ``json``: the bytes a control frame carries.
    public func jsonText() -> String {
        JSON.stringify(json)
    }

    /// Reads a control message from its JSON text.
    ///
    /// - Throws: ``ProtocolError/malformedControlJSON(offset:reason:)`` when the text is not JSON,
    ///   ``ProtocolError/controlNotAnObject(found:)``, ``ProtocolError/controlMissingType``, and for
    ///   a known type ``ProtocolError/missingControlField(messageType:field:)`` or
    ///   ``ProtocolError/invalidControlField(messageType:field:expected:)``.
    public init(jsonText: String) throws(ProtocolError) {
        let value: YAny
        do throws(JSON.ParseError) {
            value = try JSON.parse(jsonText)
        } catch {
            throw .malformedControlJSON(offset: error.offset, reason: error.reason)
        }
        try self.init(json: value)
    }

    /// Reads a control message from a parsed JSON value.
    public init(json: YAny) throws(ProtocolError) {
        guard case .object(let object) = json else {
            throw .controlNotAnObject(found: Self.kindName(of: json))
        }
        guard case .string(let type)? = object["type"] else { throw .controlMissingType }
        let fields = Fields(type: type, object: object)
        switch type {
        case "join":
            self = .join(workflow: try fields.string("workflow"), as: try fields.optionalString("as"))
        case "leave": self = .leave
        case "save": self = .save(lockVersion: try fields.count("lock_version"))
        case "deploy":
            self = .deploy(
                project: try fields.object("project"),
                allowStale: try fields.bool("allow_stale", default: false),
                state: fields.optionalAny("state"))
        case "ping": self = .ping(id: fields.optionalAny("id"))
        case "status": self = .status
        case "list": self = .list
        case "joined":
            self = .joined(
                workflow: try fields.object("workflow"), lockVersion: try fields.count("lock_version"),
                role: Role(rawValue: try fields.string("role")),
                clientID: try fields.optionalClientID("client_id"))
        case "saved":
            self = .saved(
                lockVersion: try fields.count("lock_version"), workflow: try fields.object("workflow"))
        case "save_failed":
            self = .saveFailed(
                reason: SaveFailureReason(rawValue: try fields.string("reason")),
                message: try fields.optionalString("message"), errors: fields.optionalAny("errors"),
                currentLockVersion: try fields.optionalCount("current_lock_version"),
                moved: fields.optionalAny("moved"))
        case "workflow_saved":
            self = .workflowSaved(
                lockVersion: try fields.count("lock_version"), workflow: try fields.object("workflow"),
                actor: try fields.actor("actor"), source: ChangeSource(rawValue: try fields.string("source")),
                summary: fields.optionalAny("summary") ?? .null,
                conflicts: try fields.array("conflicts", default: []))
        case "ack": self = .ack(updates: try fields.count("updates"))
        case "deployed":
            self = .deployed(
                project: try fields.any("project"), workflows: try fields.array("workflows", default: []),
                state: fields.optionalAny("state"))
        case "deploy_failed":
            self = .deployFailed(
                reason: try fields.string("reason"), message: try fields.optionalString("message"),
                errors: fields.optionalAny("errors"), moved: fields.optionalAny("moved"))
        case "status_reply": self = .statusReply(status: try fields.any("status"))
        case "list_reply": self = .listReply(projects: try fields.any("projects"))
        case "error": self = .error(code: try fields.string("code"), message: try fields.string("message"))
        case "pong": self = .pong(id: fields.optionalAny("id"))
        case "sandbox_create":
            self = .sandboxCreate(project: try fields.string("project"), name: try fields.string("name"))
        case "sandbox_list": self = .sandboxList(project: try fields.optionalString("project"))
        case "sandbox_diff": self = .sandboxDiff(sandbox: try fields.string("sandbox"))
        case "sandbox_merge":
            self = .sandboxMerge(sandbox: try fields.string("sandbox"), force: try fields.bool("force", default: false))
        case "sync":
            self = .sync(
                repository: try fields.string("repository"), commit: try fields.string("commit"),
                file: try fields.string("file"), yaml: try fields.string("yaml"),
                project: try fields.optionalString("project"))
        case "sandbox_created": self = .sandboxCreated(sandbox: try fields.object("sandbox"))
        case "sandbox_list_reply": self = .sandboxListReply(sandboxes: try fields.any("sandboxes"))
        case "sandbox_diff_reply": self = .sandboxDiffReply(diff: try fields.object("diff"))
        case "sandbox_merged": self = .sandboxMerged(merge: try fields.object("merge"))
        case "sandbox_failed":
            self = .sandboxFailed(
                reason: try fields.string("reason"), message: try fields.string("message"),
                conflicts: fields.optionalAny("conflicts") == nil ? nil : try fields.array("conflicts", default: []))
        case "synced": self = .synced(sync: try fields.object("sync"))
        case "sync_failed":
            self = .syncFailed(
                reason: try fields.string("reason"), message: try fields.string("message"),
                errors: fields.optionalAny("errors"))
        default: self = try Self.historyMessage(type, fields) ?? .unknown(type: type, body: json)
        }
    }

    static func kindName(of value: YAny) -> String {
        switch value {
        case .undefined: "undefined"
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double, .bigInt: "a number"
        case .string: "a string"
        case .binary: "binary data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Typed reads of a control message's fields, with errors that name the message and the field.
/// `null` counts as absent.
struct Fields {
    let type: String
    let object: YObject

    func value(_ key: String) -> YAny? {
        switch object[key] {
        case nil, .null?, .undefined?: nil
        case let value?: value
        }
    }

    func invalid(_ key: String, _ expected: String) -> ProtocolError {
        .invalidControlField(messageType: type, field: key, expected: expected)
    }

    func missing(_ key: String) -> ProtocolError {
        .missingControlField(messageType: type, field: key)
    }

    func string(_ key: String) throws(ProtocolError) -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        return text
    }

    func optionalString(_ key: String) throws(ProtocolError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw invalid(key, "a string") }
        return text
    }

    /// A version or count: a non-negative integer (an integral float is accepted).
    func count(_ key: String) throws(ProtocolError) -> Int {
        guard let count = try optionalCount(key) else { throw missing(key) }
        return count
    }

    func optionalCount(_ key: String) throws(ProtocolError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let integer = value.integerValue, integer >= 0, let count = Int(exactly: integer) else {
            throw invalid(key, "a non-negative integer")
        }
        return count
    }

    func optionalClientID(_ key: String) throws(ProtocolError) -> UInt64? {
        guard let value = value(key) else { return nil }
        guard let integer = value.integerValue, integer >= 0 else {
            throw invalid(key, "a non-negative integer")
        }
        return UInt64(integer)
    }

    func bool(_ key: String, default defaultValue: Bool) throws(ProtocolError) -> Bool {
        guard let value = value(key) else { return defaultValue }
        guard case .bool(let flag) = value else { throw invalid(key, "true or false") }
        return flag
    }

    func any(_ key: String) throws(ProtocolError) -> YAny {
        guard let value = value(key) else { throw missing(key) }
        return value
    }

    func optionalAny(_ key: String) -> YAny? {
        value(key)
    }

    func object(_ key: String) throws(ProtocolError) -> YAny {
        let value = try any(key)
        guard case .object = value else { throw invalid(key, "an object") }
        return value
    }

    func array(_ key: String, default defaultValue: [YAny]) throws(ProtocolError) -> [YAny] {
        guard let value = value(key) else { return defaultValue }
        guard case .array(let elements) = value else { throw invalid(key, "an array") }
        return elements
    }

    func actor(_ key: String) throws(ProtocolError) -> Actor {
        guard case .object(let actor) = try any(key) else { throw invalid(key, "an object") }
        guard case .string(let name)? = actor["name"], case .string(let kind)? = actor["kind"] else {
            throw invalid(key, "an object with string fields \"name\" and \"kind\"")
        }
        return Actor(name: name, kind: Actor.Kind(rawValue: kind))
    }
}
