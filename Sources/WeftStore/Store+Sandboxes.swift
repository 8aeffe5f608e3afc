import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Creates a sandbox of a project, in one transaction: a new project named `name` holding a copy of
    /// every live workflow of the parent with new ids for the workflows, jobs, triggers and edges (the
    /// map back is kept), the parent's credentials and roles, and `createdBy` as an owner. Each copy is
    /// version 1 of its workflow, recorded with `actor` and source `deploy`. The fork point of each
    /// workflow is the parent's workflow as it is now.
    ///
    /// - Throws: `StoreError.projectNotFound` (no parent with this id); `StoreError.projectNameTaken`.
    @discardableResult
    public func createSandbox(
        of parentID: String, name: String, createdBy: String, actor: ChangeActor,
        newID: () -> String = { UUID().uuidString.lowercased() }
    ) throws -> SandboxSummary {
        try pool.write { db in
            guard let parent = try Self.fetchProject(db, id: parentID, includeDeleted: false) else {
                throw StoreError.projectNotFound(parentID)
            }
            let now = Date()
            let fork = SandboxFork(parent: parent, newID: newID)
            let sandboxID = fork.sandboxID
            _ = try Self.upsertProject(
                db,
                Project(
                    id: sandboxID, name: name, description: parent.description, workflows: [],
                    credentials: parent.credentials), now: now)
            try db.execute(
                sql:
                    "INSERT INTO sandboxes (project_id, parent_id, created_by, created_at) VALUES (?, ?, ?, ?)",
                arguments: [sandboxID, parentID, createdBy, now.storeText])
            for (copy, link) in fork.copies {
                try WorkflowRows.write(db, copy, projectID: sandboxID, lockVersion: 1, now: now)
                try WorkflowRows.recordVersion(db, copy, actor: actor, source: .deploy, now: now)
                try Self.writeLink(db, sandboxID: sandboxID, link)
            }
            try db.execute(
                sql: """
                    INSERT INTO project_roles (user, project_id, role)
                    SELECT user, ?, role FROM project_roles WHERE project_id = ?
                    """, arguments: [sandboxID, parentID])
            try db.execute(
                sql: "INSERT INTO users (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [createdBy, now.storeText])
            try db.execute(
                sql: """
                    INSERT INTO project_roles (user, project_id, role) VALUES (?, ?, 'owner')
                    ON CONFLICT (user, project_id) DO UPDATE SET role = 'owner'
                    """, arguments: [createdBy, sandboxID])
            try Self.insertAudit(
                db, time: now, actor: actor.name, action: "sandbox.created", subject: sandboxID,
                details: SandboxFork.createdDetails(parentID: parentID, workflows: parent.workflows.count))
            guard let summary = try Self.fetchSandboxes(db, condition: "s.project_id = ?", [sandboxID]).first
            else {
                throw StoreError.projectNotFound(sandboxID)
            }
            return summary
        }
    }

    /// The sandbox whose project has this name or id, or nil when there is none (or it is a plain project).
    public func sandbox(_ nameOrID: String) throws -> SandboxSummary? {
        try pool.read { db in
            try Self.fetchSandboxes(db, condition: "(p.name = ? OR p.id = ?)", [nameOrID, nameOrID]).first
        }
    }

    /// Every sandbox, or those of one parent project (by id), by name.
    public func sandboxes(of parentID: String? = nil) throws -> [SandboxSummary] {
        try pool.read { db in
            if let parentID { return try Self.fetchSandboxes(db, condition: "s.parent_id = ?", [parentID]) }
            return try Self.fetchSandboxes(db, condition: "1", [])
        }
    }

    /// The sandbox's workflows with the parent's workflow each stands for and its fork point.
    public func sandboxLinks(_ sandboxID: String) throws -> [SandboxLink] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT workflow_id, parent_workflow_id, ids, base FROM sandbox_workflows
                    WHERE sandbox_id = ? ORDER BY workflow_id
                    """, arguments: [sandboxID]
            ).map { row in
                let key = "\(sandboxID)/\(row["workflow_id"] as String)"
                return SandboxLink(
                    workflowID: row["workflow_id"], parentWorkflowID: row["parent_workflow_id"],
                    ids: try JSONColumns.decode(
                        SandboxIDMap.self, from: row["ids"], table: "sandbox_workflows", key: key),
                    base: try JSONColumns.decode(
                        Workflow.self, from: row["base"], table: "sandbox_workflows", key: key))
            }
        }
    }

    /// Commits a sandbox merge in one transaction: imports `parent` (holding only the workflows the merge
    /// writes) as ``importProject(_:actor:source:expectedVersions:)`` does with source `merge`, then
    /// records `links` as the sandbox's new fork points and counts the merge.
    ///
    /// - Parameter expectedVersions: the parent's lock_versions the merge was computed against; if any
    ///   moved meanwhile, nothing is written (`StoreError.staleDeploy`).
    public func commitSandboxMerge(
        sandboxID: String, parent: Project, actor: ChangeActor, expectedVersions: [String: Int],
        links: [SandboxLink]
    ) throws -> ImportResult {
        try pool.write { db in
            let result = try Self.importProject(
                db, parent, actor: actor, source: .merge, expectedVersions: expectedVersions)
            for link in links { try Self.writeLink(db, sandboxID: sandboxID, link) }
            try db.execute(
                sql: "UPDATE sandboxes SET merged_at = ?, merges = merges + 1 WHERE project_id = ?",
                arguments: [Date().storeText, sandboxID])
            try Self.insertAudit(
                db, time: Date(), actor: actor.name, action: "sandbox.merged", subject: sandboxID,
                details: SandboxFork.mergedDetails(parentID: parent.id, result: result))
            return result
        }
    }

    private static func writeLink(_ db: Database, sandboxID: String, _ link: SandboxLink) throws {
        try db.execute(
            sql: """
                INSERT INTO sandbox_workflows (sandbox_id, workflow_id, parent_workflow_id, ids, base)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (sandbox_id, workflow_id) DO UPDATE SET
                    parent_workflow_id = excluded.parent_workflow_id, ids = excluded.ids, base = excluded.base
                """,
            arguments: [
                sandboxID, link.workflowID, link.parentWorkflowID, try JSONColumns.encode(link.ids),
                try JSONColumns.encode(link.base),
            ])
    }

    private static func fetchSandboxes(
        _ db: Database, condition: String, _ arguments: [String]
    ) throws
        -> [SandboxSummary]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.project_id, p.name, p.description, s.parent_id, pp.name AS parent_name,
                       pp.description AS parent_description, s.created_by, s.created_at, s.merged_at, s.merges
                FROM sandboxes s JOIN projects p ON p.id = s.project_id JOIN projects pp ON pp.id = s.parent_id
                WHERE \(condition) ORDER BY p.name
                """, arguments: StatementArguments(arguments)
        ).map { row in
            SandboxSummary(
                project: ProjectSummary(
                    id: row["project_id"], name: row["name"], description: row["description"]),
                parent: ProjectSummary(
                    id: row["parent_id"], name: row["parent_name"], description: row["parent_description"]),
                createdBy: row["created_by"], createdAt: row["created_at"], mergedAt: row["merged_at"],
                merges: row["merges"])
        }
    }

    // MARK: Git sync state

    /// What the database remembers of syncing `repository` into the project named `project`.
    public func repositorySync(repository: String, project: String) throws -> RepositorySync? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT repository, project, project_id, file, state, last_commit, synced_at
                    FROM repository_syncs WHERE repository = ? AND project = ?
                    """, arguments: [repository, project]
            ).map { row in
                RepositorySync(
                    repository: row["repository"], project: row["project"], projectID: row["project_id"],
                    file: row["file"], state: row["state"], lastCommit: row["last_commit"],
                    syncedAt: row["synced_at"])
            }
        }
    }

    /// Records a sync (replacing what was known of the same repository and project).
    public func recordRepositorySync(_ sync: RepositorySync) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO repository_syncs (repository, project, project_id, file, state, last_commit, synced_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (repository, project) DO UPDATE SET
                        project_id = excluded.project_id, file = excluded.file, state = excluded.state,
                        last_commit = excluded.last_commit, synced_at = excluded.synced_at
                    """,
                arguments: [
                    sync.repository, sync.project, sync.projectID, sync.file, sync.state, sync.lastCommit,
                    sync.syncedAt.storeText,
                ])
        }
    }
}
