import Foundation
import Logging
import WeftStore

/// What every part of a running relay shares: the store, the log writer, the settings and a clock.
final class RelayServices: Sendable {
    /// The database: SQLite for one relay, or a store several relays share (`store.isShared`).
    let store: any WorkflowStorage
    let logWriter: LogWriter
    let metrics = RelayMetrics()
    /// Deploys, one at a time (see ``SerialGate``).
    let deploys = SerialGate()
    let configuration: RelayConfiguration
    let logger: Logger
    let startedAt: ContinuousClock.Instant

    init(store: any WorkflowStorage, configuration: RelayConfiguration, logger: Logger) {
        self.store = store
        self.logWriter = LogWriter(store: store, metrics: metrics)
        self.configuration = configuration
        self.logger = logger
        self.startedAt = .now
    }

    /// Time since the relay started, the clock awareness timeouts count in.
    func now() -> Duration { ContinuousClock.now - startedAt }
}
