import Testing
import WeftStorePostgres

/// What an operator sees when the `postgres://` URL is wrong or the server is not there (no server needed).
@Suite struct PostgresSettingsTests {
    @Test func aURLIsReadWithItsDefaults() throws {
        let full = try PostgresSettings(
            url: "postgres://weft:s%40cret@db.example:6543/weftdb?schema=team_a&sslmode=require")
        #expect(full.host == "db.example" && full.port == 6543)
        #expect(full.user == "weft" && full.password == "s@cret")
        #expect(full.database == "weftdb" && full.schema == "team_a" && full.sslMode == .require)
        #expect(full.displayURL == "postgres://weft:***@db.example:6543/weftdb?schema=team_a&sslmode=require")

        let bare = try PostgresSettings(url: "postgresql://ann@localhost")
        #expect(
            bare.port == 5432 && bare.database == "ann" && bare.schema == "public" && bare.sslMode == .disable
        )
        let socket = try PostgresSettings(url: "postgres://weft@/weft?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
    }

    @Test func aBadURLIsRefusedSayingWhy() {
        for url in [
            "mysql://weft@db/weft", "postgres://weft@db/weft?schema=drop%20table",
            "postgres://weft@db/weft?sslmode=maybe",
        ] {
            #expect(throws: PostgresStoreError.self, "\(url)") { try PostgresSettings(url: url) }
        }
    }

    @Test func anUnreachableServerIsNamedWithWhatToCheck() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let error = await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore.connect("postgres://weft:secret@127.0.0.1:1/weft")
        }
        guard case .unreachable(let url, _)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(url == "postgres://weft:***@127.0.0.1:1/weft", "the password is not shown")
        let message = String(describing: error!)
        #expect(message.contains("cannot connect to PostgreSQL at postgres://weft:***@127.0.0.1:1/weft"))
        #expect(message.contains("pg_isready") && message.contains("pg_hba.conf"))
        #expect(!message.contains("secret"))
    }
}
