import Foundation
import GRDB
import WorkflowModel

extension WeftStore {
    /// Creates an empty project; `StoreError.projectNameTaken` if the name is in use.
    @discardableResult
    public func createProject(
        id: String = UUID().uuidString.lowercased(), name: String, description: String? = nil
    )
        throws -> ProjectSummary
    {
        try pool.write { db in
            try Self.checkNameFree(db, name: name, projectID: id)
            try db.execute(
                sql: "INSERT INTO projects (id, name, description, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [id, name, description, Date().storeText])
            return ProjectSummary(id: id, name: name, description: description)
        }
    }

    /// Every project, by name.
    public func projects() throws -> [ProjectSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, description FROM projects ORDER BY name, id").map {
                ProjectSummary(id: $0["id"], name: $0["name"], description: $0["description"])
            }
        }
    }

    /// The project with this id, with its credentials and workflows (deleted ones only when asked).
    public func project(id: String, includeDeleted: Bool = false) throws -> Project? {
        try pool.read { db in try Self.fetchProject(db, id: id, includeDeleted: includeDeleted) }
    }

    /// The project with this name, as ``project(id:includeDeleted:)``.
    public func project(named name: String, includeDeleted: Bool = false) throws -> Project? {
        try pool.read { db in
            guard
                let id = try String.fetchOne(
                    db, sql: "SELECT id FROM projects WHERE name = ?", arguments: [name])
            else { return nil }
            return try Self.fetchProject(db, id: id, includeDeleted: includeDeleted)
        }
    }

    static func fetchProject(_ db: Database, id: String, includeDeleted: Bool) throws -> Project? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT name, description FROM projects WHERE id = ?", arguments: [id])
        else { return nil }
        let credentials = try Row.fetchAll(
            db, sql: "SELECT id, name, owner FROM project_credentials WHERE project_id = ? ORDER BY ordinal",
            arguments: [id]
        ).map { ProjectCredential(id: $0["id"], name: $0["name"], owner: $0["owner"]) }
        let workflowIDs = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM workflows WHERE project_id = ? \(includeDeleted ? "" : "AND deleted_at IS NULL")
                ORDER BY name, id
                """, arguments: [id])
        let workflows = try workflowIDs.compactMap { try WorkflowRows.fetch(db, id: $0)?.workflow }
        return Project(
            id: id, name: row["name"], description: row["description"], workflows: workflows,
            credentials: credentials)
    }

    /// Refuses a name another project holds.
    static func checkNameFree(_ db: Database, name: String, projectID: String) throws {
        if let holder = try String.fetchOne(
            db, sql: "SELECT id FROM projects WHERE name = ?", arguments: [name]),
            holder != projectID
        {
            throw StoreError.projectNameTaken(name)
        }
    }

    /// Writes the project row and its credentials; returns whether anything changed.
    static func upsertProject(_ db: Database, _ project: Project, now: Date) throws -> Bool {
        try checkNameFree(db, name: project.name, projectID: project.id)
        let existing = try Row.fetchOne(
            db, sql: "SELECT name, description FROM projects WHERE id = ?", arguments: [project.id])
        let storedCredentials = try Row.fetchAll(
            db, sql: "SELECT id, name, owner FROM project_credentials WHERE project_id = ? ORDER BY ordinal",
            arguments: [project.id]
        ).map { ProjectCredential(id: $0["id"], name: $0["name"], owner: $0["owner"]) }
        if let existing, existing["name"] == project.name, existing["description"] == project.description,
            storedCredentials == project.credentials
        {
            return false
        }
        try db.execute(
            sql: """
                INSERT INTO projects (id, name, description, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, description = excluded.description, updated_at = excluded.updated_at
                """, arguments: [project.id, project.name, project.description, now.storeText])
        try db.execute(sql: "DELETE FROM project_credentials WHERE project_id = ?", arguments: [project.id])
        for (ordinal, credential) in project.credentials.enumerated() {
            try db.execute(
                sql:
                    "INSERT INTO project_credentials (project_id, id, ordinal, name, owner) VALUES (?, ?, ?, ?, ?)",
                arguments: [project.id, credential.id, ordinal, credential.name, credential.owner])
        }
        return true
    }
}
