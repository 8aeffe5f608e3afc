import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Appends updates in one transaction (the relay's group commit), numbering each document's updates
    /// from its row in `document_heads`: the row is locked while the numbers are taken, so appends from
    /// several relays to one document are ordered and never reuse or skip a number.
    ///
    /// These numbers are what LISTEN/NOTIFY will carry between relays (docs/storage.md).
    @discardableResult
    public func appendUpdates(_ batch: [(docID: String, update: [UInt8])]) async throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        let entries = batch.map { (docID: $0.docID, update: ByteBuffer(bytes: $0.update)) }
        return try await writeSession { sql in
            var counts: [String: Int64] = [:]
            var order: [String] = []
            for entry in entries {
                if counts[entry.docID] == nil { order.append(entry.docID) }
                counts[entry.docID, default: 0] += 1
            }
            // Documents in a fixed order, so two batches naming the same documents cannot deadlock.
            var next: [String: Int64] = [:]
            for docID in order.sorted() {
                let count = counts[docID]!
                next[docID] = try await Self.reserveSeqs(sql, docID: docID, count: count) - count + 1
            }
            var seqs: [Int64] = []
            seqs.reserveCapacity(entries.count)
            for entry in entries {
                seqs.append(next[entry.docID]!)
                next[entry.docID]! += 1
            }
            try await sql.run(
                """
                INSERT INTO document_log (doc_id, seq, "update", created_at)
                SELECT doc_id, seq, bytes, \(Date()) FROM UNNEST(\(entries.map(\.docID))::TEXT[],
                    \(seqs)::BIGINT[], \(entries.map(\.update))::BYTEA[]) AS t(doc_id, seq, bytes)
                """)
            return seqs
        }
    }

    /// Advances the document's head by `count` and returns the new last sequence number. A head missing
    /// (a document never written, or deleted) starts from the snapshot's through_seq, or 0.
    private static func reserveSeqs(_ sql: SQLSession, docID: String, count: Int64) async throws -> Int64 {
        let row = try await sql.row(
            """
            INSERT INTO document_heads (doc_id, last_seq)
            VALUES (\(docID), COALESCE((SELECT through_seq FROM document_snapshots WHERE doc_id = \(docID)), 0)
                              + \(count))
            ON CONFLICT (doc_id) DO UPDATE SET last_seq = document_heads.last_seq + \(count)
            RETURNING last_seq
            """)
        return try row!.decode(Int64.self)
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
    /// relay) sees this one's snapshot and is refused as stale rather than going backwards.
    public func compactDocument(_ docID: String, snapshot: [UInt8], throughSeq: Int64) async throws {
        try await writeSession { sql in
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
