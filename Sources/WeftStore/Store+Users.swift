import Foundation
import GRDB

extension WeftStore {
    /// Gives `user` `role` in a project, replacing any role they had there. The user is created if new.
    ///
    /// - Throws: `StoreError.projectNotFound`.
    public func grant(user: String, project projectID: String, role: Role) throws {
        try pool.write { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE id = ?", arguments: [projectID])
                    != nil
            else { throw StoreError.projectNotFound(projectID) }
            try Self.insertUser(db, name: user)
            try db.execute(
                sql: """
                    INSERT INTO project_roles (user, project_id, role) VALUES (?, ?, ?)
                    ON CONFLICT (user, project_id) DO UPDATE SET role = excluded.role
                    """, arguments: [user, projectID, role.rawValue])
        }
    }

    /// Takes away `user`'s role in a project; returns whether they had one.
    @discardableResult
    public func revoke(user: String, project projectID: String) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM project_roles WHERE user = ? AND project_id = ?",
                arguments: [user, projectID])
            return db.changesCount > 0
        }
    }

    /// `user`'s role in a project, or nil for none.
    public func role(of user: String, in projectID: String) throws -> Role? {
        try pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT role FROM project_roles WHERE user = ? AND project_id = ?",
                arguments: [user, projectID]
            ).flatMap(Role.init(rawValue:))
        }
    }

    /// Who has which role in a project, by user name.
    public func roles(in projectID: String) throws -> [(user: String, role: Role)] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT user, role FROM project_roles WHERE project_id = ? ORDER BY user",
                arguments: [projectID]
            ).compactMap { row in
                guard let role = Role(rawValue: row["role"]) else { return nil }
                return (user: row["user"], role: role)
            }
        }
    }

    /// Records a user with no roles yet (granting a role also does).
    public func addUser(_ name: String) throws {
        try pool.write { db in try Self.insertUser(db, name: name) }
    }

    /// Every known user, by name.
    public func users() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM users ORDER BY name") }
    }

    private static func insertUser(_ db: Database, name: String) throws {
        try db.execute(
            sql: "INSERT INTO users (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            arguments: [name, Date().storeText])
    }
}
