import Foundation
import PostgresNIO
import WeftStore
import YCRDT

extension PostgresStore {
    public func audit(actor: String, action: String, subject: String, details: [String: YAny]) async throws {
        try await writeSession { sql in
            try await Self.insertAudit(
                sql, time: Date(), actor: actor, action: action, subject: subject, details: details)
        }
    }

    public func auditTrail(limit: Int, subject: String?) async throws -> [AuditEntry] {
        try await readSession { sql in
            let rows: [PostgresRow]
            if let subject {
                rows = try await sql.rows(
                    """
                    SELECT id, "time", actor, action, subject, details FROM audit WHERE subject = \(subject)
                    ORDER BY id DESC LIMIT \(limit)
                    """)
            } else {
                rows = try await sql.rows(
                    """
                    SELECT id, "time", actor, action, subject, details FROM audit ORDER BY id DESC LIMIT \(limit)
                    """)
            }
            return try rows.map { row in
                let (id, time, actor, action, subject, details) = try row.decode(
                    (Int64, Date, String, String, String, String).self)
                return AuditEntry.stored(
                    id: id, time: time, actor: actor, action: action, subject: subject,
                    details: try StoredJSON.decode(
                        [String: YAny].self, from: details, table: "audit", key: String(id)))
            }
        }
    }

    static func insertAudit(
        _ sql: SQLSession, time: Date, actor: String, action: String, subject: String, details: [String: YAny]
    ) async throws {
        let text = try StoredJSON.encode(details)
        try await sql.run(
            """
            INSERT INTO audit ("time", actor, action, subject, details)
            VALUES (\(time), \(actor), \(action), \(subject), \(text))
            """)
    }
}
