import Foundation
import Logging
import PostgresNIO
import WeftStore

/// The store's one listening connection (`LISTEN` on the installation's channel), fanned out to every
/// stream ``PostgresStore/changes()`` returned.
///
/// It starts on first use. When the connection drops (the server restarts, the network fails, someone
/// ends the session), it reconnects with backoff (50 ms doubling to 5 s) and, once listening again,
/// yields ``StoreChange/resync`` to every stream once: what was announced meanwhile is lost, so the
/// relay re-reads what it holds. A lost notification costs latency, never data. A heartbeat
/// (`SELECT 1` every 10 s, answered within the deadline) notices a connection that died silently.
///
/// A stream buffers up to 4,096 changes; a consumer that falls further behind gets ``StoreChange/resync``
/// after the newest ones instead of the oldest. A stream that terminates is removed; ``close()`` stops
/// the listener and finishes every stream.
actor ChangeFeed {
    private struct Subscriber {
        let continuation: AsyncStream<StoreChange>.Continuation
        /// Announcements may have been missed since it subscribed: yield ``StoreChange/resync`` once
        /// listening.
        var needsResync: Bool
    }

    private let settings: PostgresSettings
    /// The origin of the store's own presence, which its streams do not get.
    private let presenceOrigin: String
    private let logger: Logger
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 0
    private var listener: Task<Void, Never>?
    private var listening = false
    private var closed = false
    /// The listening session's server process, while it listens.
    private(set) var backendPID: Int32?

    static let heartbeat: Duration = .seconds(10)
    static let buffer = 4096

    init(settings: PostgresSettings, presenceOrigin: String, logger: Logger) {
        self.settings = settings
        self.presenceOrigin = presenceOrigin
        self.logger = logger
    }

    /// A new stream of changes. Waits (at most the deadline) until the listener listens, so that the
    /// stream misses nothing committed after it is returned; if the listener cannot listen yet, the
    /// stream starts with ``StoreChange/resync`` once it does.
    func stream() async -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StoreChange.self, bufferingPolicy: .bufferingNewest(Self.buffer))
        startIfNeeded()
        let until = ContinuousClock.now + AnswerDeadline(settings).duration
        while !listening && !closed && ContinuousClock.now < until {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard !closed else {
            continuation.finish()
            return stream
        }
        let id = nextID
        nextID += 1
        subscribers[id] = Subscriber(continuation: continuation, needsResync: !listening)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(id) }
        }
        return stream
    }

    /// Stops listening and finishes every stream.
    func close() async {
        closed = true
        let listener = listener
        self.listener = nil
        listener?.cancel()
        await listener?.value
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers = [:]
    }

    private func remove(_ id: Int) {
        subscribers[id] = nil
    }

    private func startIfNeeded() {
        guard listener == nil, !closed else { return }
        let settings = settings
        let presenceOrigin = presenceOrigin
        let logger = logger
        listener = Task { [weak self] in
            guard let self else { return }
            await Self.run(feed: self, settings: settings, presenceOrigin: presenceOrigin, logger: logger)
        }
    }

    fileprivate func startedListening(backendPID: Int32?) {
        listening = true
        self.backendPID = backendPID
        for (id, subscriber) in subscribers where subscriber.needsResync {
            subscribers[id]?.needsResync = false
            subscriber.continuation.yield(.resync)
        }
    }

    fileprivate func stoppedListening() {
        listening = false
        backendPID = nil
        for id in subscribers.keys { subscribers[id]?.needsResync = true }
    }

    fileprivate func broadcast(_ change: StoreChange) {
        for subscriber in subscribers.values {
            if case .dropped = subscriber.continuation.yield(change) {
                // The consumer fell behind and lost the oldest: tell it to re-read, after the newest.
                subscriber.continuation.yield(.resync)
            }
        }
    }

    /// Listens until cancelled, reconnecting with backoff whenever the connection drops.
    private static func run(
        feed: ChangeFeed, settings: PostgresSettings, presenceOrigin: String, logger: Logger
    ) async {
        let deadline = AnswerDeadline(settings)
        let channel = settings.notificationChannel
        var failures = 0
        while !Task.isCancelled {
            var listened = false
            do {
                let configuration = try settings.connectionConfiguration(schema: settings.schema)
                let connection = try await deadline.connect(configuration, id: 3, logger: logger)
                do {
                    let pid = try await deadline.answer(on: connection, waitingFor: "the listener's pid") {
                        try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?
                            .decode(Int32.self)
                    }
                    try await connection.listen(on: channel) { notifications in
                        listened = true
                        await feed.startedListening(backendPID: pid)
                        try await relay(
                            notifications, from: connection, to: feed, ignoring: presenceOrigin,
                            deadline: deadline, logger: logger)
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.info("change listener lost its connection: \(String(reflecting: error))")
                    }
                }
                try? await connection.close()
            } catch {
                logger.info("change listener cannot connect: \(String(reflecting: error))")
            }
            await feed.stoppedListening()
            failures = listened ? 1 : failures + 1
            let delay = min(0.05 * pow(2, Double(failures - 1)), 5)
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
        }
    }

    /// Hands each notification (but the store's own presence) to the feed until the connection drops (or
    /// the listener is cancelled), checking the connection with a heartbeat meanwhile.
    private static func relay(
        _ notifications: PostgresNotificationSequence, from connection: PostgresConnection,
        to feed: ChangeFeed, ignoring presenceOrigin: String,
        deadline: AnswerDeadline, logger: Logger
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await notification in notifications {
                    if PresenceNotice.origin(of: notification.payload) == Substring(presenceOrigin) { continue }
                    if let change = ChangeNotice.parse(notification.payload) {
                        await feed.broadcast(change)
                    } else {
                        logger.debug("ignored a change notification: \(notification.payload.prefix(200))")
                    }
                }
                throw ListenerEnded()
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: heartbeat)
                    try await deadline.answer(on: connection, waitingFor: "the change listener's heartbeat") {
                        try await connection.query("SELECT 1", logger: logger)
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private struct ListenerEnded: Error, CustomStringConvertible {
        var description: String { "the notifications ended" }
    }
}
