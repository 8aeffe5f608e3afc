import Foundation
import PostgresNIO
import WeftStore
import WorkflowModel

extension PostgresStore {
    @discardableResult
    public func createProject(id: String, name: String, description: String?) async throws -> ProjectSummary {
        try await writeSession { sql in
            try await Self.checkNameFree(sql, name: name, projectID: id)
            try await sql.run(
                """
                INSERT INTO projects (id, name, description, updated_at)
                VALUES (\(id), \(name), \(description), \(Date()))
                """)
            return ProjectSummary.stored(id: id, name: name, description: description)
        }
    }

    public func projects() async throws -> [ProjectSummary] {
        try await readSession { sql in
            try await sql.rows(
                "SELECT id, name, description FROM projects ORDER BY name COLLATE \"C\", id COLLATE \"C\""
            )
            .map { row in
                let (id, name, description) = try row.decode((String, String, String?).self)
                return ProjectSummary.stored(id: id, name: name, description: description)
            }
        }
    }

    public func project(id: String, includeDeleted: Bool) async throws -> Project? {
        try await readSession { sql in
            try await Self.fetchProject(sql, id: id, includeDeleted: includeDeleted)
        }
    }

    public func project(named name: String, includeDeleted: Bool) async throws -> Project? {
        try await readSession { sql in
            guard let row = try await sql.row("SELECT id FROM projects WHERE name = \(name)") else {
                return nil
            }
            return try await Self.fetchProject(
                sql, id: try row.decode(String.self), includeDeleted: includeDeleted)
        }
    }

    static func fetchProject(_ sql: SQLSession, id: String, includeDeleted: Bool) async throws -> Project? {
        guard let row = try await sql.row("SELECT name, description FROM projects WHERE id = \(id)") else {
            return nil
        }
        let (name, description) = try row.decode((String, String?).self)
        let credentials = try await fetchCredentials(sql, projectID: id)
        let filter = includeDeleted ? "" : "AND deleted_at IS NULL"
        let workflowIDs = try await sql.rows(
            """
            SELECT id FROM workflows WHERE project_id = \(id) \(unescaped: filter)
            ORDER BY name COLLATE "C", id COLLATE "C"
            """
        ).map { try $0.decode(String.self) }
        var workflows: [Workflow] = []
        for workflowID in workflowIDs {
            if let workflow = try await PostgresWorkflowRows.fetch(sql, id: workflowID)?.workflow {
                workflows.append(workflow)
            }
        }
        return Project(
            id: id, name: name, description: description, workflows: workflows, credentials: credentials)
    }

    static func fetchCredentials(_ sql: SQLSession, projectID: String) async throws -> [ProjectCredential] {
        try await sql.rows(
            "SELECT id, name, owner FROM project_credentials WHERE project_id = \(projectID) ORDER BY ordinal"
        ).map { row in
            let (id, name, owner) = try row.decode((String, String, String?).self)
            return ProjectCredential(id: id, name: name, owner: owner)
        }
    }

    /// Refuses a name another project holds.
    static func checkNameFree(_ sql: SQLSession, name: String, projectID: String) async throws {
        if let row = try await sql.row("SELECT id FROM projects WHERE name = \(name)"),
            try row.decode(String.self) != projectID
        {
            throw StoreError.projectNameTaken(name)
        }
    }

    /// Writes the project row and its credentials; returns whether anything changed.
    static func upsertProject(_ sql: SQLSession, _ project: Project, now: Date) async throws -> Bool {
        try await checkNameFree(sql, name: project.name, projectID: project.id)
        let existing = try await sql.row(
            "SELECT name, description FROM projects WHERE id = \(project.id) FOR UPDATE")
        let storedCredentials = try await fetchCredentials(sql, projectID: project.id)
        if let existing {
            let (name, description) = try existing.decode((String, String?).self)
            if name == project.name, description == project.description,
                storedCredentials == project.credentials
            {
                return false
            }
        }
        try await sql.run(
            """
            INSERT INTO projects (id, name, description, updated_at)
            VALUES (\(project.id), \(project.name), \(project.description), \(now))
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, description = excluded.description, updated_at = excluded.updated_at
            """)
        try await sql.run("DELETE FROM project_credentials WHERE project_id = \(project.id)")
        for (ordinal, credential) in project.credentials.enumerated() {
            try await sql.run(
                """
                INSERT INTO project_credentials (project_id, id, ordinal, name, owner)
                VALUES (\(project.id), \(credential.id), \(Int32(ordinal)), \(credential.name), \(credential.owner))
                """)
        }
        return true
    }
}
