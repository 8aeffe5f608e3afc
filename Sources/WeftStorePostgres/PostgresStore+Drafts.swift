import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel

extension PostgresStore {
    @discardableResult
    public func saveDraft(
        _ workflow: Workflow, basedOn: Int, displacedBy: Int, people: [String], at time: Date
    ) async throws -> Int {
        let draft = try StoredJSON.encode(workflow)
        let names = try StoredJSON.encode(people.sorted())
        return try await writeSession { sql in
            let id = try await sql.row(
                """
                INSERT INTO drafts (workflow_id, based_on, displaced_by, draft, people, created_at)
                VALUES (\(workflow.id), \(basedOn), \(displacedBy), \(draft), \(names), \(time))
                RETURNING id
                """
            )!.decode(Int.self)
            try await Self.insertAudit(
                sql, time: time, actor: "relay", action: "draft.kept", subject: workflow.id,
                details: ["draft": .integer(Int64(id)), "displaced_by": .integer(Int64(displacedBy))])
            return id
        }
    }

    public func drafts(includeRestored: Bool) async throws -> [WorkflowDraft] {
        let filter = includeRestored ? "" : "WHERE restored_at IS NULL"
        return try await readSession { sql in
            try await sql.rows(
                "SELECT \(unescaped: Self.draftColumns) FROM drafts \(unescaped: filter) ORDER BY id"
            )
            .map(Self.draft(from:))
        }
    }

    public func draft(id: Int) async throws -> WorkflowDraft? {
        try await readSession { sql in
            try await sql.row("SELECT \(unescaped: Self.draftColumns) FROM drafts WHERE id = \(id)").map(
                Self.draft(from:))
        }
    }

    public func markDraftRestored(id: Int, by actor: String, at time: Date) async throws -> Bool {
        try await writeSession { sql in
            guard
                let row = try await sql.row(
                    """
                    UPDATE drafts SET restored_at = \(time), restored_by = \(actor)
                    WHERE id = \(id) AND restored_at IS NULL RETURNING workflow_id
                    """)
            else { return false }
            try await Self.insertAudit(
                sql, time: time, actor: actor, action: "draft.restored", subject: try row.decode(String.self),
                details: ["draft": .integer(Int64(id))])
            return true
        }
    }

    public func unmarkDraftRestored(id: Int) async throws {
        try await writeSession { sql in
            try await sql.run("UPDATE drafts SET restored_at = NULL, restored_by = NULL WHERE id = \(id)")
        }
    }

    private static let draftColumns =
        "id, workflow_id, based_on, displaced_by, draft, people, created_at, restored_at, restored_by"

    private static func draft(from row: PostgresRow) throws -> WorkflowDraft {
        let (id, workflowID, basedOn, displacedBy, draft, people, createdAt, restoredAt, restoredBy) =
            try row.decode((Int, String, Int, Int, String, String, Date, Date?, String?).self)
        let key = String(id)
        return WorkflowDraft.stored(
            id: id, workflowID: workflowID, basedOn: basedOn, displacedBy: displacedBy,
            workflow: try StoredJSON.decode(Workflow.self, from: draft, table: "drafts", key: key),
            people: try StoredJSON.decode([String].self, from: people, table: "drafts", key: key),
            createdAt: createdAt, restoredAt: restoredAt, restoredBy: restoredBy)
    }
}
