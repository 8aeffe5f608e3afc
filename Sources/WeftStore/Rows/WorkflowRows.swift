import Foundation
import GRDB
import WorkflowModel

/// Reading and writing one workflow as rows: the workflow row, then its jobs, triggers and edges (each
/// with an `ordinal` that keeps the order of the value's arrays) and its canvas positions.
///
/// Every function takes the `Database` of a transaction the caller already holds.
enum WorkflowRows {
    /// The stored workflow with this id and the project it belongs to, or nil.
    static func fetch(_ db: Database, id: String) throws -> (workflow: Workflow, projectID: String)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT project_id, name, lock_version, deleted_at, concurrency, enable_job_logs, extra
                    FROM workflows WHERE id = ?
                    """, arguments: [id])
        else { return nil }
        var workflow = Workflow(
            id: id, name: row["name"], lockVersion: row["lock_version"], deletedAt: row["deleted_at"],
            concurrency: row["concurrency"], enableJobLogs: row["enable_job_logs"],
            extra: try JSONColumns.decodeExtra(row["extra"], table: "workflows", key: id))
        workflow.jobs = try fetchJobs(db, workflowID: id)
        workflow.triggers = try fetchTriggers(db, workflowID: id)
        workflow.edges = try fetchEdges(db, workflowID: id)
        workflow.positions = try fetchPositions(db, workflowID: id)
        return (workflow, row["project_id"])
    }

    private static func fetchJobs(_ db: Database, workflowID: String) throws -> [Job] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, body, adaptor, project_credential_id, keychain_credential_id, extra
                FROM jobs WHERE workflow_id = ? ORDER BY ordinal
                """, arguments: [workflowID]
        ).map { row in
            let id: String = row["id"]
            return Job(
                id: id, name: row["name"], body: row["body"], adaptor: row["adaptor"],
                projectCredentialID: row["project_credential_id"],
                keychainCredentialID: row["keychain_credential_id"],
                extra: try JSONColumns.decodeExtra(row["extra"], table: "jobs", key: id))
        }
    }

    private static func fetchTriggers(_ db: Database, workflowID: String) throws -> [Trigger] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, type, enabled, cron_expression, cron_cursor_job_id, webhook_reply,
                       kafka_configuration, extra
                FROM triggers WHERE workflow_id = ? ORDER BY ordinal
                """, arguments: [workflowID]
        ).map { row in
            let id: String = row["id"]
            let typeName: String = row["type"]
            guard let type = Trigger.Kind(rawValue: typeName) else {
                throw StoreError.corruptRow(table: "triggers", key: id, reason: "unknown type \(typeName)")
            }
            let kafka: KafkaConfiguration? = try (row["kafka_configuration"] as String?).map {
                try JSONColumns.decode(KafkaConfiguration.self, from: $0, table: "triggers", key: id)
            }
            return Trigger(
                id: id, type: type, enabled: row["enabled"], cronExpression: row["cron_expression"],
                cronCursorJobID: row["cron_cursor_job_id"], webhookReply: row["webhook_reply"],
                kafkaConfiguration: kafka,
                extra: try JSONColumns.decodeExtra(row["extra"], table: "triggers", key: id))
        }
    }

    private static func fetchEdges(_ db: Database, workflowID: String) throws -> [Edge] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, source_job_id, source_trigger_id, target_job_id, condition_type,
                       condition_expression, condition_label, enabled, extra
                FROM edges WHERE workflow_id = ? ORDER BY ordinal
                """, arguments: [workflowID]
        ).map { row in
            let id: String = row["id"]
            let conditionName: String = row["condition_type"]
            guard let condition = Edge.Condition(rawValue: conditionName) else {
                throw StoreError.corruptRow(
                    table: "edges", key: id, reason: "unknown condition_type \(conditionName)")
            }
            return Edge(
                id: id, sourceJobID: row["source_job_id"], sourceTriggerID: row["source_trigger_id"],
                targetJobID: row["target_job_id"], conditionType: condition,
                conditionExpression: row["condition_expression"], conditionLabel: row["condition_label"],
                enabled: row["enabled"],
                extra: try JSONColumns.decodeExtra(row["extra"], table: "edges", key: id))
        }
    }

    private static func fetchPositions(_ db: Database, workflowID: String) throws -> [String: Position] {
        var positions: [String: Position] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT node_id, x, y FROM positions WHERE workflow_id = ?", arguments: [workflowID])
        {
            positions[row["node_id"]] = Position(x: row["x"], y: row["y"])
        }
        return positions
    }

    /// Writes `workflow` as the stored value of its id in `projectID`, with `lockVersion`: updates the
    /// workflow row (or inserts it) and replaces every job, trigger, edge and position.
    ///
    /// Never `INSERT OR REPLACE` on the workflow row: that deletes the row first, and the cascade would
    /// take the workflow's versions with it.
    static func write(
        _ db: Database, _ workflow: Workflow, projectID: String, lockVersion: Int, now: Date
    ) throws {
        let extra = try JSONColumns.encodeExtra(workflow.extra)
        try db.execute(
            sql: """
                INSERT INTO workflows
                    (id, project_id, name, lock_version, deleted_at, concurrency, enable_job_logs, extra, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    project_id = excluded.project_id, name = excluded.name, lock_version = excluded.lock_version,
                    deleted_at = excluded.deleted_at, concurrency = excluded.concurrency,
                    enable_job_logs = excluded.enable_job_logs, extra = excluded.extra,
                    updated_at = excluded.updated_at
                """,
            arguments: [
                workflow.id, projectID, workflow.name, lockVersion, workflow.deletedAt, workflow.concurrency,
                workflow.enableJobLogs, extra, now.storeText,
            ])
        for table in ["jobs", "triggers", "edges", "positions"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE workflow_id = ?", arguments: [workflow.id])
        }
        for (ordinal, job) in workflow.jobs.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO jobs (workflow_id, id, ordinal, name, body, adaptor, project_credential_id,
                                      keychain_credential_id, extra)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workflow.id, job.id, ordinal, job.name, job.body, job.adaptor, job.projectCredentialID,
                    job.keychainCredentialID, try JSONColumns.encodeExtra(job.extra),
                ])
        }
        for (ordinal, trigger) in workflow.triggers.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO triggers (workflow_id, id, ordinal, type, enabled, cron_expression,
                                          cron_cursor_job_id, webhook_reply, kafka_configuration, extra)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workflow.id, trigger.id, ordinal, trigger.type.rawValue, trigger.enabled,
                    trigger.cronExpression,
                    trigger.cronCursorJobID, trigger.webhookReply,
                    try trigger.kafkaConfiguration.map { try JSONColumns.encode($0) },
                    try JSONColumns.encodeExtra(trigger.extra),
                ])
        }
        for (ordinal, edge) in workflow.edges.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO edges (workflow_id, id, ordinal, source_job_id, source_trigger_id, target_job_id,
                                       condition_type, condition_expression, condition_label, enabled, extra)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workflow.id, edge.id, ordinal, edge.sourceJobID, edge.sourceTriggerID, edge.targetJobID,
                    edge.conditionType.rawValue, edge.conditionExpression, edge.conditionLabel, edge.enabled,
                    try JSONColumns.encodeExtra(edge.extra),
                ])
        }
        for (nodeID, position) in workflow.positions {
            try db.execute(
                sql: "INSERT INTO positions (workflow_id, node_id, x, y) VALUES (?, ?, ?, ?)",
                arguments: [workflow.id, nodeID, position.x, position.y])
        }
    }

    /// Records `workflow` (already carrying its new lock_version) as a version.
    static func recordVersion(
        _ db: Database, _ workflow: Workflow, actor: ChangeActor, source: VersionSource, now: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO versions (workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                workflow.id, workflow.lockVersion, actor.name, actor.kind.rawValue, source.rawValue, now.storeText,
                try JSONColumns.encode(workflow),
            ])
    }

    /// Whether storing `new` over `stored` would change anything, lock_version aside.
    ///
    /// Compares what the database would hold: both values encoded as sorted-key JSON with their
    /// lock_version zeroed. Unlike the unsaved-changes compare (trimmed strings, null = empty), a change
    /// of whitespace in a body or of null to "" is a change here — the database must hold exactly what
    /// was deployed — while a number that only changes representation (`5` read back from JSON for a
    /// `5.0` in `extra`) is not.
    static func sameStoredValue(_ stored: Workflow, _ new: Workflow) throws -> Bool {
        var stored = stored
        var new = new
        stored.lockVersion = 0
        new.lockVersion = 0
        if stored == new { return true }
        return try JSONColumns.encode(stored) == JSONColumns.encode(new)
    }
}
