import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel

/// Reading and writing one workflow as rows, as the SQLite store's WorkflowRows does: the workflow row,
/// then its jobs, triggers and edges (each with an `ordinal` keeping the order of the value's arrays) and
/// its canvas positions. Every function runs inside the caller's transaction.
enum PostgresWorkflowRows {
    /// The stored workflow with this id and its project, or nil. `lock` takes the row's lock
    /// (`FOR UPDATE`): a second writer of the same workflow, on any relay, waits for this transaction.
    static func fetch(
        _ sql: SQLSession, id: String, lock: Bool = false
    ) async throws
        -> (workflow: Workflow, projectID: String)?
    {
        let forUpdate = lock ? " FOR UPDATE" : ""
        guard
            let row = try await sql.row(
                """
                SELECT project_id, name, lock_version, deleted_at, concurrency, enable_job_logs, extra
                FROM workflows WHERE id = \(id)\(unescaped: forUpdate)
                """)
        else { return nil }
        let (projectID, name, lockVersion, deletedAt, concurrency, enableJobLogs, extra) = try row.decode(
            (String, String, Int, String?, Int?, Bool?, String?).self)
        var workflow = Workflow(
            id: id, name: name, lockVersion: lockVersion, deletedAt: deletedAt, concurrency: concurrency,
            enableJobLogs: enableJobLogs,
            extra: try StoredJSON.decodeExtra(extra, table: "workflows", key: id))
        workflow.jobs = try await fetchJobs(sql, workflowID: id)
        workflow.triggers = try await fetchTriggers(sql, workflowID: id)
        workflow.edges = try await fetchEdges(sql, workflowID: id)
        workflow.positions = try await fetchPositions(sql, workflowID: id)
        return (workflow, projectID)
    }

    private static func fetchJobs(_ sql: SQLSession, workflowID: String) async throws -> [Job] {
        try await sql.rows(
            """
            SELECT id, name, body, adaptor, project_credential_id, keychain_credential_id, extra
            FROM jobs WHERE workflow_id = \(workflowID) ORDER BY ordinal
            """
        ).map { row in
            let (id, name, body, adaptor, projectCredential, keychainCredential, extra) = try row.decode(
                (String, String, String, String, String?, String?, String?).self)
            return Job(
                id: id, name: name, body: body, adaptor: adaptor, projectCredentialID: projectCredential,
                keychainCredentialID: keychainCredential,
                extra: try StoredJSON.decodeExtra(extra, table: "jobs", key: id))
        }
    }

    private static func fetchTriggers(_ sql: SQLSession, workflowID: String) async throws -> [Trigger] {
        try await sql.rows(
            """
            SELECT id, type, enabled, cron_expression, cron_cursor_job_id, webhook_reply,
                   kafka_configuration, extra
            FROM triggers WHERE workflow_id = \(workflowID) ORDER BY ordinal
            """
        ).map { row in
            let (id, typeName, enabled, cron, cursor, reply, kafkaText, extra) = try row.decode(
                (String, String, Bool, String?, String?, String?, String?, String?).self)
            guard let type = Trigger.Kind(rawValue: typeName) else {
                throw StoreError.corruptRow(table: "triggers", key: id, reason: "unknown type \(typeName)")
            }
            let kafka = try kafkaText.map {
                try StoredJSON.decode(KafkaConfiguration.self, from: $0, table: "triggers", key: id)
            }
            return Trigger(
                id: id, type: type, enabled: enabled, cronExpression: cron, cronCursorJobID: cursor,
                webhookReply: reply, kafkaConfiguration: kafka,
                extra: try StoredJSON.decodeExtra(extra, table: "triggers", key: id))
        }
    }

    private static func fetchEdges(_ sql: SQLSession, workflowID: String) async throws -> [Edge] {
        try await sql.rows(
            """
            SELECT id, source_job_id, source_trigger_id, target_job_id, condition_type,
                   condition_expression, condition_label, enabled, extra
            FROM edges WHERE workflow_id = \(workflowID) ORDER BY ordinal
            """
        ).map { row in
            let (id, sourceJob, sourceTrigger, target, conditionName, expression, label, enabled, extra) =
                try row.decode(
                    (String, String?, String?, String, String, String?, String?, Bool, String?).self)
            guard let condition = Edge.Condition(rawValue: conditionName) else {
                throw StoreError.corruptRow(
                    table: "edges", key: id, reason: "unknown condition_type \(conditionName)")
            }
            return Edge(
                id: id, sourceJobID: sourceJob, sourceTriggerID: sourceTrigger, targetJobID: target,
                conditionType: condition, conditionExpression: expression, conditionLabel: label,
                enabled: enabled, extra: try StoredJSON.decodeExtra(extra, table: "edges", key: id))
        }
    }

    private static func fetchPositions(
        _ sql: SQLSession, workflowID: String
    ) async throws -> [String: Position] {
        var positions: [String: Position] = [:]
        for row in try await sql.rows("SELECT node_id, x, y FROM positions WHERE workflow_id = \(workflowID)")
        {
            let (node, x, y) = try row.decode((String, Double, Double).self)
            positions[node] = Position(x: x, y: y)
        }
        return positions
    }

    /// Writes `workflow` as the stored value of its id in `projectID` with `lockVersion`: updates (or
    /// inserts) the workflow row and replaces every job, trigger, edge and position. Never deletes the
    /// workflow row, whose cascade would take its versions.
    static func write(
        _ sql: SQLSession, _ workflow: Workflow, projectID: String, lockVersion: Int, now: Date
    ) async throws {
        let extra = try StoredJSON.encodeExtra(workflow.extra)
        try await sql.run(
            """
            INSERT INTO workflows
                (id, project_id, name, lock_version, deleted_at, concurrency, enable_job_logs, extra, updated_at)
            VALUES (\(workflow.id), \(projectID), \(workflow.name), \(lockVersion), \(workflow.deletedAt),
                    \(workflow.concurrency), \(workflow.enableJobLogs), \(extra), \(now))
            ON CONFLICT (id) DO UPDATE SET
                project_id = excluded.project_id, name = excluded.name, lock_version = excluded.lock_version,
                deleted_at = excluded.deleted_at, concurrency = excluded.concurrency,
                enable_job_logs = excluded.enable_job_logs, extra = excluded.extra,
                updated_at = excluded.updated_at
            """)
        for table in ["jobs", "triggers", "edges", "positions"] {
            try await sql.run("DELETE FROM \(unescaped: table) WHERE workflow_id = \(workflow.id)")
        }
        for (ordinal, job) in workflow.jobs.enumerated() {
            let extra = try StoredJSON.encodeExtra(job.extra)
            try await sql.run(
                """
                INSERT INTO jobs (workflow_id, id, ordinal, name, body, adaptor, project_credential_id,
                                  keychain_credential_id, extra)
                VALUES (\(workflow.id), \(job.id), \(Int32(ordinal)), \(job.name), \(job.body), \(job.adaptor),
                        \(job.projectCredentialID), \(job.keychainCredentialID), \(extra))
                """)
        }
        for (ordinal, trigger) in workflow.triggers.enumerated() {
            let kafka = try trigger.kafkaConfiguration.map { try StoredJSON.encode($0) }
            let extra = try StoredJSON.encodeExtra(trigger.extra)
            try await sql.run(
                """
                INSERT INTO triggers (workflow_id, id, ordinal, type, enabled, cron_expression,
                                      cron_cursor_job_id, webhook_reply, kafka_configuration, extra)
                VALUES (\(workflow.id), \(trigger.id), \(Int32(ordinal)), \(trigger.type.rawValue),
                        \(trigger.enabled), \(trigger.cronExpression), \(trigger.cronCursorJobID),
                        \(trigger.webhookReply), \(kafka), \(extra))
                """)
        }
        for (ordinal, edge) in workflow.edges.enumerated() {
            let extra = try StoredJSON.encodeExtra(edge.extra)
            try await sql.run(
                """
                INSERT INTO edges (workflow_id, id, ordinal, source_job_id, source_trigger_id, target_job_id,
                                   condition_type, condition_expression, condition_label, enabled, extra)
                VALUES (\(workflow.id), \(edge.id), \(Int32(ordinal)), \(edge.sourceJobID),
                        \(edge.sourceTriggerID), \(edge.targetJobID), \(edge.conditionType.rawValue),
                        \(edge.conditionExpression), \(edge.conditionLabel), \(edge.enabled), \(extra))
                """)
        }
        for (nodeID, position) in workflow.positions {
            try await sql.run(
                """
                INSERT INTO positions (workflow_id, node_id, x, y)
                VALUES (\(workflow.id), \(nodeID), \(position.x), \(position.y))
                """)
        }
    }

    /// Records `workflow` (already carrying its new lock_version) as a version.
    static func recordVersion(
        _ sql: SQLSession, _ workflow: Workflow, actor: ChangeActor, source: VersionSource, now: Date
    ) async throws {
        let snapshot = try StoredJSON.encode(workflow)
        try await sql.run(
            """
            INSERT INTO versions (workflow_id, lock_version, actor_name, actor_kind, source, created_at, snapshot)
            VALUES (\(workflow.id), \(workflow.lockVersion), \(actor.name), \(actor.kind.rawValue),
                    \(source.rawValue), \(now), \(snapshot))
            """)
    }
}
