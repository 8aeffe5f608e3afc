import Logging
import WeftStore

/// Commits document updates to the store's log in groups: while one transaction is being written, the
/// updates that arrive wait for the next, so many clients' edits share one fsync.
///
/// `append` returns only once the updates are durable; the relay forwards and acknowledges an update
/// after that, never before. A failed commit throws to every caller in it; rooms keep their updates
/// and append them again (see `Room`).
actor LogWriter {
    private let store: any WorkflowStorage
    private let metrics: RelayMetrics
    /// One caller's updates, waiting for the next commit.
    private struct Request {
        let docID: String
        let updates: [[UInt8]]
        let continuation: CheckedContinuation<[Int64], any Error>
    }

    private var waiting: [Request] = []
    private var waitingUpdates = 0
    private var isWriting = false
    private(set) var committedBatches = 0
    private(set) var committedUpdates = 0

    /// How long a commit may go unanswered before it counts as failed (and is retried).
    private let answerLimit: Duration

    init(store: any WorkflowStorage, metrics: RelayMetrics, answerLimit: Duration = .seconds(30)) {
        self.store = store
        self.metrics = metrics
        self.answerLimit = answerLimit
    }

    /// Appends updates to a document's log, in order, in one transaction with whatever else is
    /// waiting; returns their sequence numbers once committed.
    func append(docID: String, updates: [[UInt8]]) async throws -> [Int64] {
        guard !updates.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append(Request(docID: docID, updates: updates, continuation: continuation))
            waitingUpdates += updates.count
            if !isWriting {
                isWriting = true
                Task { await self.drain() }
            }
        }
    }

    /// How many updates wait for the next commit.
    var queueDepth: Int { waitingUpdates }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting.removeAll(keepingCapacity: true)
            waitingUpdates = 0
            let store = self.store
            let entries = batch.flatMap { request in
                request.updates.map { (docID: request.docID, update: $0) }
            }
            // The store's work runs off this actor, which keeps queueing; a commit it never answers fails
            // after `answerLimit` rather than stall every room (StoreWatchdog).
            let result: Result<[Int64], any Error>
            do {
                result = .success(
                    try await StoreWatchdog.answer(within: answerLimit) { try await store.appendUpdates(entries) })
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let sequences):
                committedBatches += 1
                committedUpdates += entries.count
                metrics.commitBatches.increment()
                metrics.updatesCommitted.increment(by: Int64(entries.count))
                var offset = 0
                for request in batch {
                    let count = request.updates.count
                    request.continuation.resume(returning: Array(sequences[offset..<offset + count]))
                    offset += count
                }
            case .failure(let error):
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
        isWriting = false
    }
}
