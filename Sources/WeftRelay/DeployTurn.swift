import Foundation
import WeftStore

extension RelayServices {
    /// The deploy lock's owner name while a relay on a shared database runs a deploy's critical step.
    static let deployStepOwner = "weft relay deploy"

    /// Runs a deploy's (or a sandbox merge's) critical step — the role check, the import, a new
    /// project's owner — while no other deploy anywhere runs its own.
    ///
    /// Within this relay the ``SerialGate`` orders them. On a database several relays share, each relay
    /// also takes the database's deploy lock for the step (the same lock a direct `weft deploy` holds
    /// while it writes), or two relays could both find a project missing and both make their requester
    /// its owner. Waiting for the lock gives up after `patience` with `busy`'s answer.
    func deployTurn<Result: Sendable>(
        patience: Duration = .seconds(15), busy: @Sendable (String) -> Result,
        _ body: @Sendable () async -> Result
    ) async -> Result {
        await deploys.run {
            guard store.isShared else { return await body() }
            let pid = getpid()
            let deadline = ContinuousClock.now + patience
            while true {
                do {
                    if try await store.acquireDeployLock(owner: Self.deployStepOwner, pid: pid) { break }
                } catch {
                    return busy("could not take the database's deploy lock: \(error)")
                }
                guard ContinuousClock.now < deadline else {
                    let holder = (try? await store.deployLockHolder()).flatMap { $0 }
                    return busy(
                        "another deploy held the database's deploy lock for \(patience)"
                            + (holder.map { " (\($0.owner), pid \($0.pid))" } ?? "") + "; try again")
                }
                try? await Task.sleep(for: .milliseconds(25))
            }
            let result = await body()
            do { try await store.releaseDeployLock(pid: pid) } catch {
                logger.error("could not release the database's deploy lock", metadata: ["error": "\(error)"])
            }
            return result
        }
    }
}
