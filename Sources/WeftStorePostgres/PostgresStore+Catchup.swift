import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// What a relay holding document `docID` through update `seq` lacks, read in one `REPEATABLE READ`
    /// transaction: the updates logged after `seq`, and the snapshot only when a compaction dropped some
    /// of them from the log (its `through_seq` is past `seq`), followed by the updates after it. As
    /// ``WeftStore/loadDocument(_:after:)``.
    public func loadDocument(_ docID: String, after seq: Int64) async throws -> StoredDocument {
        try await readSession { sql in
            let snapshot = try await sql.row(
                """
                SELECT snapshot, through_seq FROM document_snapshots WHERE doc_id = \(docID) AND through_seq > \(seq)
                """
            )?.decode((ByteBuffer, Int64).self)
            let throughSeq = snapshot?.1 ?? seq
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
}
