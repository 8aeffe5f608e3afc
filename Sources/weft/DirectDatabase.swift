import ArgumentParser
import Foundation
import Logging
import WeftRelay
import WeftStore

/// Runs the relay's own logic in-process on the database, for a command that found no relay on its
/// socket (`weft deploy`, `restore`, `sandbox merge`, …), so persisted documents are reconciled exactly
/// as a relay would.
///
/// A command that writes holds the database's deploy lock while it runs. On SQLite a relay holds that
/// lock for its whole life, so a relay serving the file on another socket is named and the command
/// refused; on PostgreSQL relays hold no lock and go on serving, hearing of the writes as they commit.
enum DirectDatabase {
    static func run<Answer: Sendable>(
        command: String, database: DatabaseLocation, socketPath: String, writes: Bool, logger: Logger,
        _ body: (RelayCore) async -> Answer
    ) async throws -> Answer {
        func refuse(_ message: String) -> ExitCode {
            FileHandleOutput.standardError("weft \(command): \(message)\n")
            return ExitCode(1)
        }
        let opened: OpenedDatabase
        do { opened = try await database.open(logger: logger) } catch {
            throw refuse("cannot open the database \(database.display): \(error)")
        }
        let store = opened.store
        let pid = getpid()
        if writes {
            let acquired: Bool
            do { acquired = try await store.acquireDeployLock(owner: "weft \(command)", pid: pid) } catch {
                await opened.close()
                throw refuse("cannot take the database's deploy lock: \(error)")
            }
            guard acquired else {
                let holder = try? await store.deployLockHolder()
                await opened.close()
                if let holder, holder.owner == RelayServer.lockOwner {
                    throw refuse(
                        "a relay (pid \(holder.pid)) serves \(database.display) but does not listen on "
                            + "\(socketPath); pass its --socket")
                }
                let who = holder.map { "\($0.owner), pid \($0.pid)" } ?? "unknown"
                throw refuse("another process (\(who)) holds the database; try again")
            }
        }
        var configuration = RelayConfiguration(socketPath: socketPath, databasePath: database.display)
        configuration.unloadAfter = .zero
        let core = RelayCore(store: store, configuration: configuration, logger: logger)
        let answer = await body(core)
        await core.finish()
        if writes { _ = try? await store.releaseDeployLock(pid: pid) }
        await opened.close()
        return answer
    }
}
