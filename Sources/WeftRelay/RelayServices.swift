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
    /// This relay's presence for the other relays sharing the database, every room's in one send.
    let presence: PresenceSender

    init(store: any WorkflowStorage, configuration: RelayConfiguration, logger: Logger) {
        self.store = store
        self.logWriter = LogWriter(store: store, metrics: metrics)
        self.configuration = configuration
        self.logger = logger
        let startedAt = ContinuousClock.now
        self.startedAt = startedAt
        self.presence = PresenceSender(
            interval: Self.presenceShareInterval, now: { ContinuousClock.now - startedAt },
            // A send the database never answers must not hold the one send in flight for ever: every
            // room's presence would stop crossing relays until a restart.
            send: { batch in
                _ = try? await StoreWatchdog.answer(within: Self.presenceSendLimit) { await store.sendPresence(batch) }
            })
    }

    /// How long a presence send may go unanswered before the next is allowed (it is best effort).
    static let presenceSendLimit = Duration.seconds(5)

    /// The least time between two presence sends of the relay to the other relays.
    static let presenceShareInterval = Duration.milliseconds(50)

    /// Time since the relay started, the clock awareness timeouts count in.
    func now() -> Duration { ContinuousClock.now - startedAt }
}
