import Foundation
import Testing
import WeftStorePostgres
import WeftTestSupport

/// A fresh schema in the PostgreSQL database `WEFT_TEST_POSTGRES_URL` names (`scripts/postgres-test-cluster
/// start` prints one), for relay processes that share it; ``drop()`` removes it.
///
/// With no PostgreSQL configured the test fails, as the store conformance suite does, unless
/// `WEFT_SKIP_POSTGRES=1` asks to skip it: then it is cancelled with that reason (reported as skipped).
struct SharedPostgres {
    /// The URL relays and `weft` commands get as `--db`, naming the test's own schema.
    let url: String
    private let settings: PostgresSettings

    static func make() throws -> SharedPostgres {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["WEFT_TEST_POSTGRES_URL"], !base.isEmpty else {
            if environment["WEFT_SKIP_POSTGRES"] == "1" {
                try Test.cancel(
                    "skipped: WEFT_SKIP_POSTGRES=1 and no WEFT_TEST_POSTGRES_URL; several relays on PostgreSQL are untested"
                )
            }
            throw TestSupportError(
                "WEFT_TEST_POSTGRES_URL is not set: run `export WEFT_TEST_POSTGRES_URL=$(bash scripts/postgres-test-cluster start)`, "
                    + "or WEFT_SKIP_POSTGRES=1 to skip")
        }
        let schema = "relays_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        return SharedPostgres(url: url, settings: try PostgresSettings(url: url))
    }

    /// Ends every server session on the test database but psql's own, as a server restart or a lost
    /// network would: the relays' pools, listeners and locks all lose their connections. Returns how many
    /// sessions it ended.
    @discardableResult
    func terminateSessions() throws -> Int {
        Int(
            try psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) ?? 0
    }

    /// The sequence number a document's stored snapshot runs through (0 when it has none).
    func snapshotThroughSeq(_ docID: String) throws -> Int {
        Int(
            try psql(
                "SELECT coalesce(max(through_seq), 0) FROM \(settings.schema).document_snapshots "
                    + "WHERE doc_id = '\(docID)'")) ?? -1
    }

    /// The stored lock_version of a workflow (-1 when there is no such workflow).
    func lockVersion(of workflowID: String) throws -> Int {
        Int(
            try psql(
                "SELECT coalesce(max(lock_version), -1) FROM \(settings.schema).workflows "
                    + "WHERE id = '\(workflowID)'")) ?? -1
    }

    /// Appends a document update to the log the way a writer whose notification was lost would: the next
    /// number from the document's head (which must exist: the document was written before), no NOTIFY.
    func appendWithoutNotifying(_ docID: String, update: [UInt8]) throws {
        let hex = update.map { String(format: "%02x", $0) }.joined()
        let schema = settings.schema
        let inserted = try psql(
            "WITH head AS (UPDATE \(schema).document_heads SET last_seq = last_seq + 1 "
                + "WHERE doc_id = '\(docID)' RETURNING last_seq) "
                + "INSERT INTO \(schema).document_log (doc_id, seq, \"update\", created_at) "
                + "SELECT '\(docID)', last_seq, decode('\(hex)', 'hex'), now() FROM head RETURNING seq")
        guard inserted.split(separator: "\n").first.flatMap({ Int($0) }) != nil else { throw TestSupportError("no log head for \(docID): \(inserted)") }
    }

    /// Runs one SQL statement with psql on the test database; returns its output, unaligned.
    private func psql(_ statement: String) throws -> String {
        guard let base = ProcessInfo.processInfo.environment["WEFT_TEST_POSTGRES_URL"],
            let psql = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted()
                .map({ "/usr/lib/postgresql/\($0)/bin/psql" }).last(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw TestSupportError("no psql under /usr/lib/postgresql/*/bin") }
        let result = try ChildProcess.run(
            URL(fileURLWithPath: psql), arguments: [base, "-v", "ON_ERROR_STOP=1", "-t", "-A", "-c", statement],
            timeout: 30)
        guard result.status == 0 else {
            throw TestSupportError("psql failed (\(result.status)): \(result.standardErrorText)")
        }
        return result.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops the schema and everything in it, without blocking a thread of the concurrency pool (which
    /// ``drop()`` does, up to 30 s, stalling every test in the process that waits on a timer).
    func dropSchema() async {
        if let store = try? await PostgresStore.connect(settings) {
            try? await store.dropSchema(settings.schema)
            await store.close()
        }
    }

    /// Drops the schema and everything in it.
    func drop() {
        let settings = self.settings
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            if let store = try? await PostgresStore.connect(settings) {
                try? await store.dropSchema(settings.schema)
                await store.close()
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 30)
    }
}
