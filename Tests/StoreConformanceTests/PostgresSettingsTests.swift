import Foundation
import Glibc
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

    @Test func theDeadlineIsSetInTheURL() throws {
        #expect(try PostgresSettings(url: "postgres://weft@db/weft").timeout == 10)
        let short = try PostgresSettings(url: "postgres://weft@db/weft?timeout=2.5")
        #expect(short.timeout == 2.5 && short.displayURL == "postgres://weft@db:5432/weft?timeout=2.5")
        let long = try PostgresSettings(url: "postgres://weft@db/weft?timeout=30")
        #expect(long.displayURL.hasSuffix("?timeout=30"))
    }

    @Test func everySchemaHasAChannelOfItsOwn() throws {
        func channel(_ schema: String) throws -> String {
            try PostgresSettings(url: "postgres://weft@db/weft?schema=\(schema)").notificationChannel
        }
        #expect(try channel("team_a") == "weft_team_a")
        #expect(try channel("TeamA") == channel("teama"), "PostgreSQL folds the unquoted name")
        let long = String(repeating: "a", count: 62)
        #expect(try channel(long + "b").utf8.count <= 63 && channel(long + "c").utf8.count <= 63)
        #expect(try channel(long + "b") != channel(long + "c"))
    }

    @Test func aBadURLIsRefusedSayingWhy() {
        for url in [
            "mysql://weft@db/weft", "postgres://weft@db/weft?schema=drop%20table",
            "postgres://weft@db/weft?sslmode=maybe", "postgres://weft@db/weft?timeout=0",
            "postgres://weft@db/weft?timeout=soon", "postgres://weft@db/weft?timeout=-1",
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

    @Test func aServerThatNeverAnswersFailsAtTheDeadline() async throws {
        let server = try SilentServer()
        defer { server.close() }
        let url = "postgres://weft@127.0.0.1:\(server.port)/weft?timeout=1"
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore.connect(url)
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(900) && waited < .seconds(5), "\(waited)")
        // postgres-nio's own connect timeout (set from the URL's) or the store's deadline, whichever
        // notices first: either way within the deadline, naming the URL.
        switch error {
        case .timedOut(let shown, let seconds, _)?:
            #expect(shown == url && seconds == 1)
        case .unreachable(let shown, let reason)?:
            #expect(shown == url && reason.contains("timeout"), "\(reason)")
        default:
            Issue.record("expected a timeout, got \(String(describing: error))")
        }
    }
}

/// A TCP port that accepts connections and never says a word, like a server that hangs or a firewall
/// that swallows packets after the handshake.
private final class SilentServer {
    let socket: Int32
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && listen(socket, 16) == 0
                    && getsockname(socket, address, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(socket) }
}
