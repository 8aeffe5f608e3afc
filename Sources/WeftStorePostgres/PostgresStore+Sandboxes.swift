import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel

extension PostgresStore {
    /// Creates a sandbox of a project in one transaction, as ``WeftStore/createSandbox(of:name:createdBy:actor:newID:)``
    /// does: a new project `name` with a copy of each of the parent's live workflows under new ids (version
    /// 1, source deploy, announced), the map back and each workflow's fork point, the parent's credentials
    /// and roles, and `createdBy` as an owner.
    ///
    /// The ids come from `newID` in the same order as in the SQLite store. They are taken before the
    /// transaction (the parent read once to count them); should the parent gain entities in between, the
    /// creation starts again with ids for the larger parent.
    ///
    /// - Throws: `StoreError.projectNotFound` (no parent with this id); `StoreError.projectNameTaken`.
    public func createSandbox(
        of parentID: String, name: String, createdBy: String, actor: ChangeActor, newID: () -> String
    ) async throws -> SandboxSummary {
        var needed = 1
        for _ in 0..<5 {
            guard let parent = try await project(id: parentID, includeDeleted: false) else {
                throw StoreError.projectNotFound(parentID)
            }
            needed = max(needed, SandboxFork.idsNeeded(parent))
            let ids = (0..<needed).map { _ in newID() }
            if let summary = try await createSandbox(
                of: parentID, name: name, createdBy: createdBy, actor: actor, ids: ids)
            {
                return summary
            }
        }
        throw PostgresStoreError.server("project \(parentID) kept changing while a sandbox of it was created")
    }

    /// The creation itself with the ids it may use, in order; nil (nothing written) when the parent now
    /// needs more.
    private func createSandbox(
        of parentID: String, name: String, createdBy: String, actor: ChangeActor, ids: [String]
    ) async throws -> SandboxSummary? {
        try await writeSession { sql in
            // The parent's row lock keeps its workflows as read until the copy commits.
            guard try await sql.row("SELECT 1 FROM projects WHERE id = \(parentID) FOR SHARE") != nil,
                let parent = try await Self.fetchProject(sql, id: parentID, includeDeleted: false)
            else {
                throw StoreError.projectNotFound(parentID)
            }
            guard SandboxFork.idsNeeded(parent) <= ids.count else { return nil }
            var next = ids.makeIterator()
            let fork = SandboxFork(parent: parent, newID: { next.next()! })
            let now = Date()
            let sandboxID = fork.sandboxID
            _ = try await Self.upsertProject(
                sql,
                Project(
                    id: sandboxID, name: name, description: parent.description, workflows: [],
                    credentials: parent.credentials), now: now)
            try await sql.run(
                """
                INSERT INTO sandboxes (project_id, parent_id, created_by, created_at)
                VALUES (\(sandboxID), \(parentID), \(createdBy), \(now))
                """)
            for (copy, link) in fork.copies {
                try await PostgresWorkflowRows.write(
                    sql, copy, projectID: sandboxID, lockVersion: 1, now: now)
                try await PostgresWorkflowRows.recordVersion(
                    sql, copy, actor: actor, source: .deploy, now: now)
                try await Self.writeLink(sql, sandboxID: sandboxID, link)
            }
            try await sql.run(
                """
                INSERT INTO project_roles ("user", project_id, role)
                SELECT "user", \(sandboxID), role FROM project_roles WHERE project_id = \(parentID)
                """)
            try await sql.run(
                "INSERT INTO users (name, created_at) VALUES (\(createdBy), \(now)) ON CONFLICT (name) DO NOTHING"
            )
            try await sql.run(
                """
                INSERT INTO project_roles ("user", project_id, role) VALUES (\(createdBy), \(sandboxID), 'owner')
                ON CONFLICT ("user", project_id) DO UPDATE SET role = 'owner'
                """)
            try await Self.insertAudit(
                sql, time: now, actor: actor.name, action: "sandbox.created", subject: sandboxID,
                details: SandboxFork.createdDetails(parentID: parentID, workflows: parent.workflows.count))
            try await Self.announceSaved(sql, fork.copies.map { ($0.workflow.id, 1) })
            guard let summary = try await Self.fetchSandboxes(sql, where: "s.project_id = \(sandboxID)").first
            else {
                throw StoreError.projectNotFound(sandboxID)
            }
            return summary
        }
    }

    public func sandbox(_ nameOrID: String) async throws -> SandboxSummary? {
        try await readSession { sql in
            try await Self.fetchSandboxes(sql, where: "(p.name = \(nameOrID) OR p.id = \(nameOrID))").first
        }
    }

    public func sandboxes(of parentID: String?) async throws -> [SandboxSummary] {
        try await readSession { sql in
            if let parentID { return try await Self.fetchSandboxes(sql, where: "s.parent_id = \(parentID)") }
            return try await Self.fetchSandboxes(sql, where: "TRUE")
        }
    }

    public func sandboxLinks(_ sandboxID: String) async throws -> [SandboxLink] {
        try await readSession { sql in
            try await sql.rows(
                """
                SELECT workflow_id, parent_workflow_id, ids, base FROM sandbox_workflows
                WHERE sandbox_id = \(sandboxID) ORDER BY workflow_id COLLATE "C"
                """
            ).map { row in
                let (workflowID, parentWorkflowID, ids, base) = try row.decode(
                    (String, String, String, String).self)
                let key = "\(sandboxID)/\(workflowID)"
                return SandboxLink(
                    workflowID: workflowID, parentWorkflowID: parentWorkflowID,
                    ids: try StoredJSON.decode(
                        SandboxIDMap.self, from: ids, table: "sandbox_workflows", key: key),
                    base: try StoredJSON.decode(
                        Workflow.self, from: base, table: "sandbox_workflows", key: key))
            }
        }
    }

    /// Commits a sandbox merge in one transaction, as ``WeftStore/commitSandboxMerge(sandboxID:parent:actor:expectedVersions:links:)``:
    /// imports `parent` with source merge (refused whole when stale, each workflow written announced),
    /// records `links` as the new fork points and counts the merge.
    public func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) async throws -> ImportResult {
        try await writeSession { sql in
            let result = try await Self.importProject(
                sql, parent, actor: actor, source: .merge, expectedVersions: expectedVersions)
            for link in links { try await Self.writeLink(sql, sandboxID: sandboxID, link) }
            try await sql.run(
                "UPDATE sandboxes SET merged_at = \(Date()), merges = merges + 1 WHERE project_id = \(sandboxID)"
            )
            try await Self.insertAudit(
                sql, time: Date(), actor: actor.name, action: "sandbox.merged", subject: sandboxID,
                details: SandboxFork.mergedDetails(parentID: parent.id, result: result))
            return result
        }
    }

    public func repositorySync(repository: String, project: String) async throws -> RepositorySync? {
        try await readSession { sql in
            try await sql.row(
                """
                SELECT repository, project, project_id, file, state, last_commit, synced_at
                FROM repository_syncs WHERE repository = \(repository) AND project = \(project)
                """
            ).map { row in
                let (repository, project, projectID, file, state, lastCommit, syncedAt) = try row.decode(
                    (String, String, String?, String, String, String, Date).self)
                return RepositorySync(
                    repository: repository, project: project, projectID: projectID, file: file, state: state,
                    lastCommit: lastCommit, syncedAt: syncedAt)
            }
        }
    }

    public func recordRepositorySync(_ sync: RepositorySync) async throws {
        try await autocommitSession { sql in
            try await sql.run(
                """
                INSERT INTO repository_syncs (repository, project, project_id, file, state, last_commit, synced_at)
                VALUES (\(sync.repository), \(sync.project), \(sync.projectID), \(sync.file), \(sync.state),
                    \(sync.lastCommit), \(sync.syncedAt))
                ON CONFLICT (repository, project) DO UPDATE SET
                    project_id = excluded.project_id, file = excluded.file, state = excluded.state,
                    last_commit = excluded.last_commit, synced_at = excluded.synced_at
                """)
        }
    }

    private static func writeLink(_ sql: SQLSession, sandboxID: String, _ link: SandboxLink) async throws {
        let ids = try StoredJSON.encode(link.ids)
        let base = try StoredJSON.encode(link.base)
        try await sql.run(
            """
            INSERT INTO sandbox_workflows (sandbox_id, workflow_id, parent_workflow_id, ids, base)
            VALUES (\(sandboxID), \(link.workflowID), \(link.parentWorkflowID), \(ids), \(base))
            ON CONFLICT (sandbox_id, workflow_id) DO UPDATE SET
                parent_workflow_id = excluded.parent_workflow_id, ids = excluded.ids, base = excluded.base
            """)
    }

    /// The sandboxes matching `condition` (over `s`, the sandbox, and `p`, its project), by name.
    private static func fetchSandboxes(
        _ sql: SQLSession, where condition: PostgresQuery
    ) async throws
        -> [SandboxSummary]
    {
        var query: PostgresQuery = """
            SELECT s.project_id, p.name, p.description, s.parent_id, pp.name, pp.description, s.created_by,
                   s.created_at, s.merged_at, s.merges
            FROM sandboxes s JOIN projects p ON p.id = s.project_id JOIN projects pp ON pp.id = s.parent_id
            WHERE
            """
        query.sql += " " + condition.sql
        query.binds = condition.binds
        query.sql += " ORDER BY p.name COLLATE \"C\""
        return try await sql.rows(query).map { row in
            let (
                id, name, description, parentID, parentName, parentDescription, createdBy, createdAt,
                mergedAt, merges
            ) =
                try row.decode(
                    (String, String, String?, String, String, String?, String, Date, Date?, Int64).self)
            return SandboxSummary.stored(
                project: ProjectSummary.stored(id: id, name: name, description: description),
                parent: ProjectSummary.stored(id: parentID, name: parentName, description: parentDescription),
                createdBy: createdBy, createdAt: createdAt, mergedAt: mergedAt, merges: Int(merges))
        }
    }
}
