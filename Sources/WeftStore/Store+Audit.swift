import Foundation
import GRDB
import YCRDT

extension WeftStore {
    /// Adds a line to the audit trail. Saves and imports write their own lines in their transactions.
    public func audit(actor: String, action: String, subject: String, details: [String: YAny] = [:]) throws {
        try pool.write { db in
            try Self.insertAudit(
                db, time: Date(), actor: actor, action: action, subject: subject, details: details)
        }
    }

    /// The latest `limit` lines of the audit trail, newest first; only those about `subject` when given.
    public func auditTrail(limit: Int = 100, subject: String? = nil) throws -> [AuditEntry] {
        try pool.read { db in
            let filter = subject == nil ? "" : "WHERE subject = ?"
            var arguments: StatementArguments = []
            if let subject { arguments += [subject] }
            arguments += [limit]
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT id, time, actor, action, subject, details FROM audit \(filter) ORDER BY id DESC LIMIT ?",
                arguments: arguments
            ).map { row in
                let id: Int64 = row["id"]
                return AuditEntry(
                    id: id, time: row["time"], actor: row["actor"], action: row["action"],
                    subject: row["subject"],
                    details: try JSONColumns.decode(
                        [String: YAny].self, from: row["details"], table: "audit", key: String(id)))
            }
        }
    }

    static func insertAudit(
        _ db: Database, time: Date, actor: String, action: String, subject: String, details: [String: YAny]
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit (time, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            arguments: [time.storeText, actor, action, subject, try JSONColumns.encode(details)])
    }
}
