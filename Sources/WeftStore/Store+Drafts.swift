import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Keeps unsaved edits a reset discarded; returns the new draft's id.
    ///
    /// `workflow` is the document as it was; `basedOn` the version it was edited on; `displacedBy` the
    /// version that replaced it.
    @discardableResult
    public func saveDraft(
        _ workflow: Workflow, basedOn: Int, displacedBy: Int, people: [String], at time: Date = Date()
    ) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO drafts (workflow_id, based_on, displaced_by, draft, people, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workflow.id, basedOn, displacedBy, try JSONColumns.encode(workflow),
                    try JSONColumns.encode(people.sorted()), time.storeText,
                ])
            let id = Int(db.lastInsertedRowID)
            try Self.insertAudit(
                db, time: time, actor: "relay", action: "draft.kept", subject: workflow.id,
                details: ["draft": .integer(Int64(id)), "displaced_by": .integer(Int64(displacedBy))])
            return id
        }
    }

    /// Every kept draft, oldest first; those not yet restored only, unless `includeRestored`.
    public func drafts(includeRestored: Bool = true) throws -> [WorkflowDraft] {
        try pool.read { db in
            let filter = includeRestored ? "" : "WHERE restored_at IS NULL"
            return try Row.fetchAll(db, sql: "SELECT * FROM drafts \(filter) ORDER BY id").map(
                Self.draft(from:))
        }
    }

    /// The draft numbered `id`, restored or not.
    public func draft(id: Int) throws -> WorkflowDraft? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM drafts WHERE id = ?", arguments: [id]).map(
                Self.draft(from:))
        }
    }

    /// Marks a draft restored by `actor`. False when it already was (or does not exist): two restores
    /// of one draft cannot both claim it.
    public func markDraftRestored(id: Int, by actor: String, at time: Date = Date()) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql:
                    "UPDATE drafts SET restored_at = ?, restored_by = ? WHERE id = ? AND restored_at IS NULL",
                arguments: [time.storeText, actor, id])
            guard db.changesCount == 1 else { return false }
            let workflowID = try String.fetchOne(
                db, sql: "SELECT workflow_id FROM drafts WHERE id = ?", arguments: [id])
            try Self.insertAudit(
                db, time: time, actor: actor, action: "draft.restored", subject: workflowID ?? "",
                details: ["draft": .integer(Int64(id))])
            return true
        }
    }

    /// Takes back a claim made by ``markDraftRestored(id:by:at:)`` when the restore itself failed.
    public func unmarkDraftRestored(id: Int) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE drafts SET restored_at = NULL, restored_by = NULL WHERE id = ?", arguments: [id])
        }
    }

    private static func draft(from row: Row) throws -> WorkflowDraft {
        let id: Int = row["id"]
        let key = String(id)
        return WorkflowDraft(
            id: id, workflowID: row["workflow_id"], basedOn: row["based_on"],
            displacedBy: row["displaced_by"],
            workflow: try JSONColumns.decode(Workflow.self, from: row["draft"], table: "drafts", key: key),
            people: try JSONColumns.decode([String].self, from: row["people"], table: "drafts", key: key),
            createdAt: row["created_at"], restoredAt: row["restored_at"], restoredBy: row["restored_by"])
    }
}
