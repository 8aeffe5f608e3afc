import Foundation
import GRDB

extension WeftStore {
    /// Appends updates to their documents' logs in one transaction — the relay's group commit: it gathers
    /// the updates many clients sent in the last few milliseconds and acknowledges them all after this
    /// returns, one fsync for the lot.
    ///
    /// Each update gets the next sequence number of its document (1, 2, 3, … without gaps, never reused
    /// after a compaction); the result holds them in the order of `batch`. When this returns the updates
    /// are on disk: a crash, kill -9 or power loss after it loses none of them.
    @discardableResult
    public func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        return try pool.write { db in
            let now = Date().storeText
            var lastSeq: [String: Int64] = [:]
            var seqs: [Int64] = []
            seqs.reserveCapacity(batch.count)
            let insert = try db.cachedStatement(
                sql: #"INSERT INTO document_log (doc_id, seq, "update", created_at) VALUES (?, ?, ?, ?)"#)
            for (docID, update) in batch {
                let seq = try (lastSeq[docID] ?? Self.lastSeq(db, docID: docID)) + 1
                try insert.execute(arguments: [docID, seq, Data(update), now])
                lastSeq[docID] = seq
                seqs.append(seq)
            }
            return seqs
        }
    }

    /// Appends one update; see ``appendUpdates(_:)``.
    @discardableResult
    public func appendUpdate(docID: String, update: [UInt8]) throws -> Int64 {
        try appendUpdates([(docID: docID, update: update)])[0]
    }

    /// The document as stored: its snapshot and every update logged after it, read in one snapshot of the
    /// database (a compaction running at the same time is seen entirely or not at all).
    public func loadDocument(_ docID: String) throws -> StoredDocument {
        try pool.read { db in
            let snapshot = try Row.fetchOne(
                db, sql: "SELECT snapshot, through_seq FROM document_snapshots WHERE doc_id = ?",
                arguments: [docID])
            let throughSeq: Int64 = snapshot?["through_seq"] ?? 0
            let updates = try Row.fetchAll(
                db, sql: #"SELECT seq, "update" FROM document_log WHERE doc_id = ? AND seq > ? ORDER BY seq"#,
                arguments: [docID, throughSeq]
            ).map { row in
                let data: Data = row["update"]
                return LoggedUpdate(seq: row["seq"], bytes: [UInt8](data))
            }
            let snapshotBytes: Data? = snapshot?["snapshot"]
            return StoredDocument(
                snapshot: snapshotBytes.map { [UInt8]($0) }, throughSeq: throughSeq, updates: updates)
        }
    }

    /// The updates logged for `docID` after `seq`, with the snapshot only when it covers some of them
    /// (a compaction dropped them from the log); see ``WorkflowStorage/loadDocument(_:after:)``.
    public func loadDocument(_ docID: String, after seq: Int64) throws -> StoredDocument {
        try pool.read { db in
            let snapshot = try Row.fetchOne(
                db, sql: "SELECT snapshot, through_seq FROM document_snapshots WHERE doc_id = ? AND through_seq > ?",
                arguments: [docID, seq])
            let throughSeq: Int64 = snapshot?["through_seq"] ?? seq
            let updates = try Row.fetchAll(
                db, sql: #"SELECT seq, "update" FROM document_log WHERE doc_id = ? AND seq > ? ORDER BY seq"#,
                arguments: [docID, throughSeq]
            ).map { row in
                let data: Data = row["update"]
                return LoggedUpdate(seq: row["seq"], bytes: [UInt8](data))
            }
            let snapshotBytes: Data? = snapshot?["snapshot"]
            return StoredDocument(
                snapshot: snapshotBytes.map { [UInt8]($0) }, throughSeq: throughSeq, updates: updates)
        }
    }

    /// Replaces the document's snapshot with `snapshot`, the state through update `throughSeq`, and
    /// deletes the updates it includes.
    ///
    /// The snapshot is written in one transaction with the first ``compactionDeleteBatch`` covered
    /// updates; the rest go in transactions of that size, so the relay's group commits, which share the
    /// one SQLite writer, wait for a few milliseconds at most instead of a delete of the whole log (a
    /// megabyte of typing is some 50,000 rows: 40–60 ms in one transaction). Nothing reads an update the
    /// snapshot covers (every read starts after its `through_seq`), so a crash between those
    /// transactions leaves only rows that are never read, and the document's next compaction deletes
    /// them. Updates appended after `throughSeq` (while the caller encoded the snapshot) stay in the log.
    /// Then freed pages go back to the file system when they add up (see ``reclaimFreePages()``).
    ///
    /// - Throws: `StoreError.staleCompaction` when the stored snapshot already covers more (writing an
    ///   older one would lose the updates between); `StoreError.compactionBeyondLog` when `throughSeq` is
    ///   past the last update.
    public func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) throws {
        var more = try pool.write { db -> Bool in
            let current =
                try Int64.fetchOne(
                    db, sql: "SELECT through_seq FROM document_snapshots WHERE doc_id = ?", arguments: [docID]
                ) ?? 0
            guard throughSeq >= current else {
                throw StoreError.staleCompaction(docID: docID, current: current, requested: throughSeq)
            }
            let last = try Self.lastSeq(db, docID: docID)
            guard throughSeq <= last else {
                throw StoreError.compactionBeyondLog(docID: docID, lastSeq: last, requested: throughSeq)
            }
            try db.execute(
                sql: """
                    INSERT INTO document_snapshots (doc_id, snapshot, through_seq, size, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (doc_id) DO UPDATE SET
                        snapshot = excluded.snapshot, through_seq = excluded.through_seq, size = excluded.size,
                        updated_at = excluded.updated_at
                    """, arguments: [docID, Data(snapshot), throughSeq, snapshot.count, Date().storeText])
            return try Self.deleteCoveredUpdates(db, docID: docID, throughSeq: throughSeq)
        }
        // The snapshot is committed: from here on a failure leaves only rows nothing reads, which the
        // next compaction deletes, so it ends the cleanup without failing the compaction.
        do {
            while more {
                // Deleting covered rows needs no durability (a lost delete leaves such rows): these
                // commits skip the fsync; the next group commit's makes them durable with its own.
                more = try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                    defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                    var left = false
                    try db.inTransaction {
                        left = try Self.deleteCoveredUpdates(db, docID: docID, throughSeq: throughSeq)
                        return .commit
                    }
                    return left
                }
            }
            try reclaimFreePagesIfWorthIt()
        } catch {}
    }

    /// How many covered updates one transaction of a compaction deletes (a few milliseconds' work).
    static let compactionDeleteBatch: Int64 = 2_000

    /// Deletes the oldest ``compactionDeleteBatch`` updates at or before `throughSeq` — and never past
    /// the stored snapshot's `through_seq`, whatever happened since the caller's snapshot — and returns
    /// whether any such update is left.
    private static func deleteCoveredUpdates(_ db: Database, docID: String, throughSeq: Int64) throws -> Bool {
        let stored =
            try Int64.fetchOne(
                db, sql: "SELECT through_seq FROM document_snapshots WHERE doc_id = ?", arguments: [docID]) ?? 0
        let covered = min(throughSeq, stored)
        guard
            let first = try Int64.fetchOne(
                db, sql: "SELECT MIN(seq) FROM document_log WHERE doc_id = ?", arguments: [docID]),
            first <= covered
        else { return false }
        let upTo = min(covered, first + compactionDeleteBatch - 1)
        try db.execute(
            sql: "DELETE FROM document_log WHERE doc_id = ? AND seq BETWEEN ? AND ?",
            arguments: [docID, first, upTo])
        return upTo < covered
    }

    /// How much log the document holds after its snapshot: what "compact when the log outweighs the
    /// snapshot" decides on.
    public func documentLogStats(_ docID: String) throws -> DocumentLogStats {
        try pool.read { db in
            let snapshot = try Row.fetchOne(
                db, sql: "SELECT through_seq, size FROM document_snapshots WHERE doc_id = ?",
                arguments: [docID])
            let throughSeq: Int64 = snapshot?["through_seq"] ?? 0
            let log = try Row.fetchOne(
                db,
                sql: #"""
                    SELECT COUNT(*) AS updates, COALESCE(SUM(length("update")), 0) AS bytes, MAX(seq) AS last
                    FROM document_log WHERE doc_id = ? AND seq > ?
                    """#, arguments: [docID, throughSeq])
            let last: Int64? = log?["last"]
            return DocumentLogStats(
                updates: log?["updates"] ?? 0, bytes: log?["bytes"] ?? 0,
                snapshotBytes: snapshot?["size"] ?? 0,
                lastSeq: max(last ?? 0, throughSeq))
        }
    }

    /// The ids of documents with updates in their log (not yet compacted), by id: what to compact at
    /// start-up or shutdown.
    public func documentsWithLog() throws -> [String] {
        try pool.read { db in
            // An update a snapshot covers is not "in the log": one a compaction cut short left behind.
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT l.doc_id FROM document_log l LEFT JOIN document_snapshots s USING (doc_id)
                    WHERE l.seq > COALESCE(s.through_seq, 0) ORDER BY l.doc_id
                    """)
        }
    }

    /// Removes a document entirely: snapshot and log. Its sequence numbers start again at 1.
    public func deleteDocument(_ docID: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM document_log WHERE doc_id = ?", arguments: [docID])
            try db.execute(sql: "DELETE FROM document_snapshots WHERE doc_id = ?", arguments: [docID])
        }
        try reclaimFreePagesIfWorthIt()
    }

    /// The last sequence number a document used: the larger of its log's and its snapshot's, since a
    /// compaction may have emptied the log.
    static func lastSeq(_ db: Database, docID: String) throws -> Int64 {
        let logged =
            try Int64.fetchOne(
                db, sql: "SELECT MAX(seq) FROM document_log WHERE doc_id = ?", arguments: [docID]) ?? 0
        let snapshot =
            try Int64.fetchOne(
                db, sql: "SELECT through_seq FROM document_snapshots WHERE doc_id = ?", arguments: [docID])
            ?? 0
        return max(logged, snapshot)
    }
}
