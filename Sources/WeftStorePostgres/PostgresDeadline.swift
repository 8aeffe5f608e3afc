import Foundation
import PostgresNIO
import Synchronization

/// How long the store waits for a connection or for one statement's answer before it gives up (the
/// URL's `?timeout=SECONDS`, 10 s by default), so that a server that is down or cut off fails a call
/// within seconds instead of after postgres-nio's pool retries (about a minute) or a TCP timeout.
struct AnswerDeadline: Sendable {
    let seconds: Double
    /// The URL the errors name (password hidden).
    let url: String

    init(_ settings: PostgresSettings) {
        seconds = settings.timeout
        url = settings.displayURL
    }

    var duration: Duration { .milliseconds(Int64(seconds * 1000)) }

    func error(waitingFor what: String) -> PostgresStoreError {
        .timedOut(url: url, seconds: seconds, waitingFor: what)
    }

    /// Runs `body`, one round trip on `connection`, and returns its answer or fails within the deadline,
    /// whatever becomes of `body`. Without an answer in time, the connection is closed (which fails the
    /// statement; the server rolls its transaction back) and the call throws
    /// ``PostgresStoreError/timedOut(url:seconds:waitingFor:)``.
    ///
    /// `body` runs in a task of its own and the caller waits for the first of its answer and the
    /// deadline (one ``Handoff``), so the call returns at the deadline even if `body` never does. That
    /// happens: postgres-nio 1.33 hands a statement to the connection's channel without a write promise,
    /// and a channel that has just closed (a session the server terminated, seen before the pool retired
    /// the connection) drops the statement, whose answer then never comes; closing the connection
    /// cannot fail a statement that never reached it. An answer that arrives after the deadline won is
    /// still reported as a timeout (its connection is being closed, so whatever it did — a lock taken, a
    /// commit — may not hold), and a deadline that loses never closes a connection that had answered.
    @discardableResult
    func answer<Result: Sendable>(
        on connection: PostgresConnection, waitingFor what: @autoclosure () -> String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let handoff = Handoff<Result>()
        let timeout = error(waitingFor: what())
        let duration = duration
        let asking = Task {
            do { handoff.deliver(try await body()) } catch { handoff.fail(error) }
        }
        let watchdog = Task {
            try? await Task.sleep(for: duration)
            guard !Task.isCancelled, handoff.fail(timeout) else { return }
            asking.cancel()
            try? await connection.close()
        }
        defer { watchdog.cancel() }
        return try await handoff.value()
    }

    /// Opens a connection of its own (the change listener's, a document lock's) within the deadline.
    func connect(
        _ configuration: PostgresConnection.Configuration, id: Int, logger: Logger
    ) async throws -> PostgresConnection {
        let handoff = Handoff<PostgresConnection>()
        let connecting = Task {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: id, logger: logger)
                // Too late: nobody waits for it any more.
                if !handoff.deliver(connection) { try? await connection.close() }
            } catch {
                handoff.fail(error)
            }
        }
        let timer = Task {
            try? await Task.sleep(for: duration)
            guard !Task.isCancelled else { return }
            handoff.fail(self.error(waitingFor: "a connection"))
            connecting.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await handoff.value()
            } onCancel: {
                handoff.fail(CancellationError())
            }
        } catch let error as PostgresStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw PostgresStoreError.unreachable(url: url, reason: String(reflecting: error))
        }
    }

    /// Leases a pooled connection from `client` for `body`. When the pool has none to give within the
    /// deadline (the server is down and the pool keeps retrying, or every connection stays busy), the
    /// request is withdrawn and the call throws ``PostgresStoreError/timedOut(url:seconds:waitingFor:)``.
    ///
    /// The lease is held by a task of its own that hands the connection over and gives it back to the
    /// pool when `body` is done: the pool only lends a connection to a closure, and only a task can be
    /// cancelled, so that is how the wait can be cut short while `body` still runs in the caller's task.
    func lease<Result>(
        from client: PostgresClient, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let handoff = Handoff<PostgresConnection>()
        let returned = Gate()
        let leasing = Task {
            do {
                try await client.withConnection { connection in
                    guard handoff.deliver(connection) else { return }
                    await returned.wait()
                }
            } catch {
                handoff.fail(error)
            }
        }
        let timer = Task {
            try? await Task.sleep(for: duration)
            guard !Task.isCancelled else { return }
            if handoff.fail(self.error(waitingFor: "a connection")) { leasing.cancel() }
        }
        let connection: PostgresConnection
        do {
            connection = try await withTaskCancellationHandler {
                try await handoff.value()
            } onCancel: {
                handoff.fail(CancellationError())
                leasing.cancel()
            }
            timer.cancel()
        } catch {
            timer.cancel()
            leasing.cancel()
            throw error
        }
        defer { returned.open() }
        return try await body(connection)
    }
}

/// One value handed from one task to another waiting for it, or the error that ends the wait, whichever
/// comes first; what comes later is refused.
final class Handoff<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case delivered(Value)
        case failed(any Error)
        case taken
    }

    private let state = Mutex<State>(.empty)

    /// Hands `value` over; false when the wait already ended (with an error).
    @discardableResult
    func deliver(_ value: Value) -> Bool {
        let (waiter, accepted): (CheckedContinuation<Value, any Error>?, Bool) = state.withLock { state in
            switch state {
            case .empty:
                state = .delivered(value)
                return (nil, true)
            case .waiting(let continuation):
                state = .taken
                return (continuation, true)
            case .delivered, .failed, .taken:
                return (nil, false)
            }
        }
        waiter?.resume(returning: value)
        return accepted
    }

    /// Ends the wait with `error`; false when a value was handed over first.
    @discardableResult
    func fail(_ error: any Error) -> Bool {
        let (waiter, ended): (CheckedContinuation<Value, any Error>?, Bool) = state.withLock { state in
            switch state {
            case .empty:
                state = .failed(error)
                return (nil, true)
            case .waiting(let continuation):
                state = .failed(error)
                return (continuation, true)
            case .failed:
                return (nil, true)
            case .delivered, .taken:
                return (nil, false)
            }
        }
        waiter?.resume(throwing: error)
        return ended
    }

    /// The value, once handed over, or the error that ended the wait.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let now: Result<Value, any Error>? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .delivered(let value):
                    state = .taken
                    return .success(value)
                case .failed(let error):
                    return .failure(error)
                case .waiting, .taken:
                    return .failure(PostgresStoreError.server("a handoff was awaited twice"))
                }
            }
            if let now { continuation.resume(with: now) }
        }
    }
}

/// A one-way gate: ``wait()`` returns once ``open()`` was called.
final class Gate: Sendable {
    private enum State {
        case closed([CheckedContinuation<Void, Never>])
        case open
    }

    private let state = Mutex<State>(.closed([]))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard case .closed(let waiters) = state else { return [] }
            state = .open
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state -> Bool in
                guard case .closed(let waiters) = state else { return true }
                state = .closed(waiters + [continuation])
                return false
            }
            if isOpen { continuation.resume() }
        }
    }
}
