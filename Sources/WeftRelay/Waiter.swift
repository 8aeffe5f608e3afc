import Synchronization

/// One task waiting for one event, which its task's cancellation also ends.
///
/// A connection's reader waits on rooms and on its update pipeline (for commits, for room in the
/// pipeline, for a save's hold to end). While the store keeps failing those waits last until the disk
/// works again; when the relay shuts down, or gives up on a connection, it cancels the reader, and
/// every such wait must end then, or the shutdown never finishes. A plain continuation ignores
/// cancellation; this one is resumed by whichever comes first, the event or the cancellation.
final class Waiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        /// How the wait ended, once it has (the event may come before the waiting starts).
        var outcome: Result<Void, any Error>?
    }

    private let state = Mutex(State())

    /// Whether the wait has ended (resumed or cancelled): the owner can forget this waiter.
    var isFinished: Bool { state.withLock { $0.outcome != nil } }

    /// Waits for ``resume(throwing:)``; throws what it was given, or `CancellationError` when the
    /// calling task is cancelled first (at once if it already was).
    func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ended: Result<Void, any Error>? = state.withLock { state in
                    if let outcome = state.outcome { return outcome }
                    state.continuation = continuation
                    return nil
                }
                if let ended { continuation.resume(with: ended) }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }

    /// Ends the wait: it returns, or throws `error`. Only the first end counts.
    func resume(throwing error: (any Error)? = nil) {
        finish(error.map { .failure($0) } ?? .success(()))
    }

    private func finish(_ outcome: Result<Void, any Error>) {
        let continuation: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: outcome)
    }
}
