import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    public func grant(user: String, project projectID: String, role: Role) async throws {
        try await writeSession { sql in
            guard try await sql.row("SELECT 1 FROM projects WHERE id = \(projectID)") != nil else {
                throw StoreError.projectNotFound(projectID)
            }
            try await Self.insertUser(sql, name: user)
            try await sql.run(
                """
                INSERT INTO project_roles ("user", project_id, role) VALUES (\(user), \(projectID), \(role.rawValue))
                ON CONFLICT ("user", project_id) DO UPDATE SET role = excluded.role
                """)
        }
    }

    @discardableResult
    public func revoke(user: String, project projectID: String) async throws -> Bool {
        try await writeSession { sql in
            try await !sql.rows(
                """
                DELETE FROM project_roles WHERE "user" = \(user) AND project_id = \(projectID) RETURNING 1
                """
            ).isEmpty
        }
    }

    public func role(of user: String, in projectID: String) async throws -> Role? {
        let name = try await readSession { sql in
            try await sql.row(
                """
                SELECT role FROM project_roles WHERE "user" = \(user) AND project_id = \(projectID)
                """
            )?.decode(String.self)
        }
        return name.flatMap(Role.init(rawValue:))
    }

    public func roles(in projectID: String) async throws -> [(user: String, role: Role)] {
        let rows = try await readSession { sql in
            try await sql.rows(
                """
                SELECT "user", role FROM project_roles WHERE project_id = \(projectID) ORDER BY "user" COLLATE "C"
                """
            ).map { try $0.decode((String, String).self) }
        }
        return rows.compactMap { user, name in Role(rawValue: name).map { (user: user, role: $0) } }
    }

    public func addUser(_ name: String) async throws {
        try await writeSession { sql in try await Self.insertUser(sql, name: name) }
    }

    public func users() async throws -> [String] {
        try await readSession { sql in
            try await sql.rows("SELECT name FROM users ORDER BY name COLLATE \"C\"").map {
                try $0.decode(String.self)
            }
        }
    }

    private static func insertUser(_ sql: SQLSession, name: String) async throws {
        try await sql.run(
            "INSERT INTO users (name, created_at) VALUES (\(name), \(Date())) ON CONFLICT (name) DO NOTHING")
    }
}
