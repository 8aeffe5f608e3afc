import YCRDT

// The history, export and drafts messages (docs/protocol.md, "History, export and drafts"): what
// `weft history`, `show`, `restore`, `export` and `drafts` send, and the relay's answers.
//
// Requests: `history {workflow}` → `history_reply`; `show_version {workflow, lock_version}` →
// `version_reply`; `restore {workflow, lock_version}` → `restored`; `export {project, format, state?}` →
// `exported`; `drafts` → `drafts_reply`; `restore_draft {id}` → `draft_restored`. Any of them may be
// answered by `error` instead (`workflow_not_found`, `version_not_found`, `project_not_found`,
// `draft_not_found`, `draft_already_restored`, `forbidden`, …).
extension ControlMessage {
    /// The `"type"` values of the history, export and drafts messages, requests first.
    public static let historyTypes = [
        "history", "show_version", "restore", "export", "drafts", "restore_draft", "history_reply",
        "version_reply", "restored", "exported", "drafts_reply", "draft_restored",
    ]

    var historyType: String {
        switch self {
        case .history: "history"
        case .showVersion: "show_version"
        case .restore: "restore"
        case .export: "export"
        case .drafts: "drafts"
        case .restoreDraft: "restore_draft"
        case .historyReply: "history_reply"
        case .versionReply: "version_reply"
        case .restored: "restored"
        case .exported: "exported"
        case .draftsReply: "drafts_reply"
        case .draftRestored: "draft_restored"
        default: type
        }
    }

    /// The fields after `"type"`, in the documented order.
    var historyFields: [(key: String, value: YAny)] {
        func count(_ value: Int) -> YAny { .integer(Int64(value)) }
        switch self {
        case .history(let workflow):
            return [("workflow", .string(workflow))]
        case .showVersion(let workflow, let lockVersion), .restore(let workflow, let lockVersion):
            return [("workflow", .string(workflow)), ("lock_version", count(lockVersion))]
        case .export(let project, let format, let state):
            var fields: [(key: String, value: YAny)] = [
                ("project", .string(project)), ("format", .string(format)),
            ]
            if let state { fields.append(("state", state)) }
            return fields
        case .drafts:
            return []
        case .restoreDraft(let id):
            return [("id", count(id))]
        case .historyReply(let workflow, let versions):
            return [("workflow", workflow), ("versions", .array(versions))]
        case .versionReply(let version):
            return [("version", version)]
        case .restored(let workflow, let lockVersion, let restoredFrom, let changed, let conflicts):
            return [
                ("workflow", workflow), ("lock_version", count(lockVersion)),
                ("restored_from", count(restoredFrom)),
                ("changed", .bool(changed)), ("conflicts", .array(conflicts)),
            ]
        case .exported(let project, let format, let text, let state):
            var fields: [(key: String, value: YAny)] = [
                ("project", project), ("format", .string(format)), ("text", .string(text)),
            ]
            if let state { fields.append(("state", state)) }
            return fields
        case .draftsReply(let drafts):
            return [("drafts", .array(drafts))]
        case .draftRestored(let id, let workflow, let summary, let conflicts):
            return [
                ("id", count(id)), ("workflow", workflow), ("summary", summary),
                ("conflicts", .array(conflicts)),
            ]
        default:
            return []
        }
    }

    /// Reads a history, export or drafts message; nil for any other type.
    static func historyMessage(_ type: String, _ fields: Fields) throws(ProtocolError) -> ControlMessage? {
        switch type {
        case "history": return .history(workflow: try fields.string("workflow"))
        case "show_version":
            return .showVersion(
                workflow: try fields.string("workflow"), lockVersion: try fields.count("lock_version"))
        case "restore":
            return .restore(
                workflow: try fields.string("workflow"), lockVersion: try fields.count("lock_version"))
        case "export":
            return .export(
                project: try fields.string("project"), format: try fields.optionalString("format") ?? "yaml",
                state: fields.optionalAny("state"))
        case "drafts": return .drafts
        case "restore_draft": return .restoreDraft(id: try fields.count("id"))
        case "history_reply":
            return .historyReply(
                workflow: try fields.object("workflow"), versions: try fields.array("versions", default: []))
        case "version_reply": return .versionReply(version: try fields.object("version"))
        case "restored":
            return .restored(
                workflow: try fields.object("workflow"), lockVersion: try fields.count("lock_version"),
                restoredFrom: try fields.count("restored_from"),
                changed: try fields.bool("changed", default: true),
                conflicts: try fields.array("conflicts", default: []))
        case "exported":
            return .exported(
                project: try fields.object("project"), format: try fields.string("format"),
                text: try fields.string("text"), state: fields.optionalAny("state"))
        case "drafts_reply": return .draftsReply(drafts: try fields.array("drafts", default: []))
        case "draft_restored":
            return .draftRestored(
                id: try fields.count("id"), workflow: try fields.object("workflow"),
                summary: fields.optionalAny("summary") ?? .null,
                conflicts: try fields.array("conflicts", default: []))
        default: return nil
        }
    }
}
