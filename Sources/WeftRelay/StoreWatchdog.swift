import Synchronization

/// Waits for a store call at most so long: the first of the call's answer and the limit wins. The call
/// itself goes on (nothing can stop it from outside); it is only no longer waited for.
///
/// A database is meant to answer or fail within its own deadline, but a call that never returns would
/// stall the relay's single log writer, and with it every room's commits, for good. With this a commit
/// that went unanswered fails like any other and is retried. Should the first attempt land after all,
/// its updates are in the log twice, which is harmless: applying a Yjs update again changes nothing.
enum StoreWatchdog {
    /// The store did not answer within `limit`.
    struct Unanswered: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "the database did not answer within \(limit)" }
    }

    static func answer<Value: Sendable>(
        within limit: Duration, _ call: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let outcome = FirstOutcome<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.waiting(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                outcome.finish(.failure(Unanswered(limit: limit)))
            }
            Task {
                do { outcome.finish(.success(try await call())) } catch { outcome.finish(.failure(error)) }
                timer.cancel()
            }
        }
    }
}

/// Resumes one continuation with the first outcome it is given; later ones are dropped.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var finished = false
    }

    private let state = Mutex(State())

    func waiting(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func finish(_ outcome: Result<Value, any Error>) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: outcome)
    }
}
