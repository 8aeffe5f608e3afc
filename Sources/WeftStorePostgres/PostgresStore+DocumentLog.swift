import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Appends updates in one statement, so one round trip and one commit (the relay's group commit),
    /// numbering each document's updates from its row in `document_heads`. The statement advances each
    /// head (locking its row, documents in id order so two batches cannot deadlock) and inserts the
    /// updates with the numbers it took: appends from several relays to one document are ordered and never
    /// reuse or skip a number. A head missing (a document never written, or deleted) starts from the
    /// snapshot's through_seq, or 0.
    ///
    /// The same statement announces each document it wrote with its highest number (`log <seq> <docID>`
    /// on the installation's channel, see ``changes()``), delivered when it commits: relays that hear of
    /// it read the log from their own last number (``loadDocument(_:after:)``).
    ///
    /// Made from inside ``withDocumentLock(_:_:)`` for a document in the batch, the append first checks
    /// that lock in the same transaction and throws `StoreError.documentLockLost`, writing nothing, once
    /// it is lost.
    @discardableResult
    public func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) async throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        var counts: [String: Int64] = [:]
        var offsets: [Int64] = []  // each update's place among its document's updates in the batch
        offsets.reserveCapacity(batch.count)
        for entry in batch {
            offsets.append(counts[entry.docID, default: 0])
            counts[entry.docID, default: 0] += 1
        }
        let docs = counts.keys.sorted()
        let docCounts = docs.map { counts[$0]! }
        let entryDocs = batch.map(\.docID)
        let entryBytes = batch.map { ByteBuffer(bytes: $0.update) }
        let channel = channel
        let append: PostgresQuery = """
            WITH heads AS (
                INSERT INTO document_heads AS h (doc_id, last_seq)
                SELECT d.doc_id, COALESCE(s.through_seq, 0) + d.n
                FROM UNNEST(\(docs)::TEXT[], \(docCounts)::BIGINT[]) AS d(doc_id, n)
                LEFT JOIN document_snapshots s ON s.doc_id = d.doc_id
                ORDER BY d.doc_id COLLATE "C"
                ON CONFLICT (doc_id) DO UPDATE SET last_seq = h.last_seq + (
                    SELECT c.n FROM UNNEST(\(docs)::TEXT[], \(docCounts)::BIGINT[]) AS c(doc_id, n)
                    WHERE c.doc_id = excluded.doc_id)
                RETURNING h.doc_id, h.last_seq
            ), numbered AS (
                SELECT e.doc_id, e.bytes, e.ord, hd.last_seq - d.n + e.k + 1 AS seq
                FROM UNNEST(\(entryDocs)::TEXT[], \(entryBytes)::BYTEA[], \(offsets)::BIGINT[])
                    WITH ORDINALITY AS e(doc_id, bytes, k, ord)
                JOIN heads hd ON hd.doc_id = e.doc_id
                JOIN UNNEST(\(docs)::TEXT[], \(docCounts)::BIGINT[]) AS d(doc_id, n) ON d.doc_id = e.doc_id
            ), logged AS (
                INSERT INTO document_log (doc_id, seq, "update", created_at)
                SELECT doc_id, seq, bytes, \(Date()) FROM numbered
            ), announced AS (
                SELECT count(*) AS n FROM (
                    SELECT pg_notify(\(channel), 'log ' || hd.last_seq || ' ' || hd.doc_id) FROM heads hd
                    WHERE octet_length(hd.doc_id) <= \(ChangeNotice.maximumIDBytes)
                ) AS sent
            )
            SELECT seq FROM numbered CROSS JOIN announced ORDER BY ord
            """
        // Under a document lock (a reconcile or heal writing its changes), the lock is checked in the
        // same transaction; otherwise the statement is its own transaction.
        let fences = await heldFences(for: docs)
        let seqs =
            if fences.isEmpty {
                try await autocommitSession { sql in
                    try await sql.rows(append).map { try $0.decode(Int64.self) }
                }
            } else {
                try await writeSession { sql in
                    try await sql.check(fences)
                    return try await sql.rows(append).map { try $0.decode(Int64.self) }
                }
            }
        guard seqs.count == batch.count else {
            throw PostgresStoreError.server(
                "the append returned \(seqs.count) numbers for \(batch.count) updates")
        }
        return seqs
    }

    public func loadDocument(_ docID: String) async throws -> StoredDocument {
        try await readSession { sql in
            let snapshot = try await sql.row(
                "SELECT snapshot, through_seq FROM document_snapshots WHERE doc_id = \(docID)"
            )?.decode((ByteBuffer, Int64).self)
            let throughSeq = snapshot?.1 ?? 0
            let updates = try await sql.rows(
                """
                SELECT seq, "update" FROM document_log WHERE doc_id = \(docID) AND seq > \(throughSeq) ORDER BY seq
                """
            ).map { row in
                let (seq, bytes) = try row.decode((Int64, ByteBuffer).self)
                return LoggedUpdate(seq: seq, bytes: bytes.bytes)
            }
            return StoredDocument(snapshot: snapshot?.0.bytes, throughSeq: throughSeq, updates: updates)
        }
    }

    /// Compacts as ``WeftStore/compactDocument(_:snapshot:throughSeq:)`` does, holding the document's
    /// head row for the transaction: appends to the document wait, and a second compaction (from another
    /// relay) sees this one's snapshot and is refused as stale rather than going backwards. Under the
    /// document's lock, refused with `StoreError.documentLockLost` once the lock is lost.
    public func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) async throws {
        let fences = await heldFences(for: [docID])
        try await writeSession { sql in
            try await sql.check(fences)
            let head = try await sql.row(
                "SELECT last_seq FROM document_heads WHERE doc_id = \(docID) FOR UPDATE")?.decode(Int64.self)
            let current =
                try await sql.row("SELECT through_seq FROM document_snapshots WHERE doc_id = \(docID)")?
                .decode(
                    Int64.self) ?? 0
            guard throughSeq >= current else {
                throw StoreError.staleCompaction(docID: docID, current: current, requested: throughSeq)
            }
            let last = max(head ?? 0, current)
            guard throughSeq <= last else {
                throw StoreError.compactionBeyondLog(docID: docID, lastSeq: last, requested: throughSeq)
            }
            try await sql.run(
                """
                INSERT INTO document_snapshots (doc_id, snapshot, through_seq, size, updated_at)
                VALUES (\(docID), \(ByteBuffer(bytes: snapshot)), \(throughSeq), \(Int64(snapshot.count)), \(Date()))
                ON CONFLICT (doc_id) DO UPDATE SET
                    snapshot = excluded.snapshot, through_seq = excluded.through_seq, size = excluded.size,
                    updated_at = excluded.updated_at
                """)
            try await sql.run("DELETE FROM document_log WHERE doc_id = \(docID) AND seq <= \(throughSeq)")
        }
    }

    public func documentLogStats(_ docID: String) async throws -> DocumentLogStats {
        try await readSession { sql in
            let snapshot = try await sql.row(
                "SELECT through_seq, size FROM document_snapshots WHERE doc_id = \(docID)"
            )?.decode((Int64, Int64).self)
            let throughSeq = snapshot?.0 ?? 0
            let (updates, bytes, last) = try await sql.row(
                """
                SELECT COUNT(*)::BIGINT, COALESCE(SUM(octet_length("update")), 0)::BIGINT, MAX(seq)
                FROM document_log WHERE doc_id = \(docID) AND seq > \(throughSeq)
                """
            )!.decode((Int64, Int64, Int64?).self)
            return DocumentLogStats.stored(
                updates: Int(updates), bytes: Int(bytes), snapshotBytes: Int(snapshot?.1 ?? 0),
                lastSeq: max(last ?? 0, throughSeq))
        }
    }

    public func documentsWithLog() async throws -> [String] {
        try await readSession { sql in
            try await sql.rows("SELECT DISTINCT doc_id COLLATE \"C\" FROM document_log ORDER BY 1").map {
                try $0.decode(String.self)
            }
        }
    }

    public func deleteDocument(_ docID: String) async throws {
        try await writeSession { sql in
            try await sql.run("DELETE FROM document_heads WHERE doc_id = \(docID)")
            try await sql.run("DELETE FROM document_log WHERE doc_id = \(docID)")
            try await sql.run("DELETE FROM document_snapshots WHERE doc_id = \(docID)")
        }
    }
}
