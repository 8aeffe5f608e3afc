import Foundation
import Testing
import WeftStore
import WeftStorePostgres

/// The two stores the conformance suite runs against.
enum StoreKind: String, Sendable {
    case sqlite
    case postgres
}

/// A fresh, empty database of one kind for one test, from which the test opens one or more stores (two
/// stores on one database stand for two relays, or a relay and a `weft deploy`).
///
/// SQLite: a file in a new temporary folder. PostgreSQL: a new schema in the database
/// `WEFT_TEST_POSTGRES_URL` names (`scripts/postgres-test-cluster start` prints one), dropped at the end.
final class TestDatabase: @unchecked Sendable {
    let kind: StoreKind
    private let folder: URL?
    private let postgres: PostgresSettings?
    /// Stores opened, closed by ``close()``. Only touched from the test's own task.
    private var opened: [PostgresStore] = []

    /// The URL the PostgreSQL half runs against, or the reason it cannot run.
    static let postgresURLVariable = "WEFT_TEST_POSTGRES_URL"
    static let skipPostgresVariable = "WEFT_SKIP_POSTGRES"

    /// A new database of `kind`. With no PostgreSQL configured, the PostgreSQL half fails (it must not
    /// pass silently) unless `WEFT_SKIP_POSTGRES=1` asks to skip it, in which case the test is cancelled
    /// with that reason (Swift Testing reports it as skipped).
    static func make(_ kind: StoreKind) async throws -> TestDatabase {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("weft-conformance-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return TestDatabase(kind: kind, folder: folder, postgres: nil)
        case .postgres:
            let environment = ProcessInfo.processInfo.environment
            guard let url = environment[postgresURLVariable], !url.isEmpty else {
                if environment[skipPostgresVariable] == "1" {
                    try Test.cancel(
                        "skipped: WEFT_SKIP_POSTGRES=1 and no WEFT_TEST_POSTGRES_URL; the PostgreSQL store is untested"
                    )
                }
                throw MissingPostgres()
            }
            var settings = try PostgresSettings(url: url)
            settings.schema =
                "conformance_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            return TestDatabase(kind: kind, folder: nil, postgres: settings)
        }
    }

    private init(kind: StoreKind, folder: URL?, postgres: PostgresSettings?) {
        self.kind = kind
        self.folder = folder
        self.postgres = postgres
    }

    /// Opens a store on this database (each call a new store: a new pool or a new SQLite connection set).
    func open() async throws -> any WorkflowStorage {
        if let folder {
            return try WeftStore(path: folder.appendingPathComponent("weft.sqlite").path)
        }
        let store = try await PostgresStore.connect(postgres!)
        opened.append(store)
        return store
    }

    /// Opens a PostgreSQL store with its own deadline (`?timeout=`), on this schema of this database or
    /// of the database named `database`; closed by ``close()``.
    func openPostgres(timeout: Double, database: String? = nil) async throws -> PostgresStore {
        var settings = try #require(postgres, "a PostgreSQL database")
        settings.timeout = timeout
        if let database { settings.database = database }
        let store = try await PostgresStore.connect(settings)
        opened.append(store)
        return store
    }

    /// The settings of this PostgreSQL database (or of the database named `database` on its server) with
    /// their own deadline, for a store the test opens and closes itself.
    func postgresSettings(timeout: Double, database: String? = nil) throws -> PostgresSettings {
        var settings = try #require(postgres, "a PostgreSQL database")
        settings.timeout = timeout
        if let database { settings.database = database }
        return settings
    }

    /// Takes the deploy lock through `store` and then dies as a crashed holder would: SQLite, a holder
    /// whose process has exited; PostgreSQL, a holder whose server session is killed
    /// (`pg_terminate_backend`, what a crash or a lost network does), its row left behind either way.
    func takeDeployLockAndDie(_ store: any WorkflowStorage) async throws {
        if let postgres = store as? PostgresStore {
            #expect(try await postgres.acquireDeployLock(owner: "crashed deploy", pid: getpid()))
            try await postgres.terminateDeployLockSession()
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        #expect(try await store.acquireDeployLock(owner: "crashed deploy", pid: process.processIdentifier))
    }

    /// Closes the stores opened and removes the database (the folder, or the schema).
    func close() async {
        for store in opened { await store.close() }
        opened = []
        if let folder { try? FileManager.default.removeItem(at: folder) }
        if var settings = postgres {
            let schema = settings.schema
            settings.schema = "public"
            if let store = try? await PostgresStore.connect(settings) {
                try? await store.dropSchema(schema)
                await store.close()
            }
        }
    }
}

/// Runs `body` with a fresh database of `kind`, removed afterwards.
func withDatabase(_ kind: StoreKind, _ body: (TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.make(kind)
    do {
        try await body(database)
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}

/// Why the PostgreSQL half of the suite failed when no server was given.
struct MissingPostgres: Error, CustomStringConvertible {
    var description: String {
        """
        WEFT_TEST_POSTGRES_URL is not set, so the PostgreSQL store cannot be tested. Start a throwaway server:
            export WEFT_TEST_POSTGRES_URL=$(scripts/postgres-test-cluster start)
        (and `scripts/postgres-test-cluster stop` afterwards); scripts/test does this itself. To skip the
        PostgreSQL half on purpose, set WEFT_SKIP_POSTGRES=1.
        """
    }
}
