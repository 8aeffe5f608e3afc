import WeftStore

/// The text of a change notification, as the writes send it with `pg_notify` and ``ChangeFeed`` reads it:
///
/// - `log <seq> <docID>`: document `docID`'s log holds updates through `seq` (one per document of an
///   append, with its highest number);
/// - `saved <lockVersion> <workflowID>`: workflow `workflowID` was written at `lockVersion`.
///
/// Only ids and numbers, never content. The id comes last, so an id holding spaces reads back whole.
/// Presence travels on the same channel in notifications of its own (``PresenceNotice``).
enum ChangeNotice {
    /// The longest id (in UTF-8 bytes) a notification carries: a payload stays far below PostgreSQL's
    /// 8,000-byte limit. A longer id is written but not announced; other relays find the change on
    /// their periodic check or their next ``StoreChange/resync``.
    static let maximumIDBytes = 1000

    /// The change a payload announces, or nil for a payload this version does not understand.
    static func parse(_ payload: String) -> StoreChange? {
        let parts = payload.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty else { return nil }
        switch parts[0] {
        case "log":
            guard let seq = Int64(parts[1]), seq >= 1 else { return nil }
            return .documentLog(docID: String(parts[2]), seq: seq)
        case "saved":
            guard let version = Int(parts[1]), version >= 1 else { return nil }
            return .workflowSaved(workflowID: String(parts[2]), lockVersion: version)
        default:
            return PresenceNotice.parse(payload)
        }
    }
}

extension PostgresStore {
    /// Announces, with the write's transaction (PostgreSQL delivers it when that commits, and never if it
    /// rolls back), that each of these workflows was written at its lock_version.
    static func announceSaved(_ sql: SQLSession, _ written: [(id: String, lockVersion: Int)]) async throws {
        guard !written.isEmpty else { return }
        let ids = written.map(\.id)
        let versions = written.map { Int64($0.lockVersion) }
        try await sql.run(
            """
            SELECT pg_notify(\(sql.channel), 'saved ' || w.version || ' ' || w.id)
            FROM UNNEST(\(ids)::TEXT[], \(versions)::BIGINT[]) AS w(id, version)
            WHERE octet_length(w.id) <= \(ChangeNotice.maximumIDBytes)
            """)
    }
}
