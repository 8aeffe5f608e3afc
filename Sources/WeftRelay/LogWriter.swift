import Logging
import WeftStore

/// Commits document updates to the store's log in groups: while one transaction is being written, the
/// updates that arrive wait for the next, so many clients' edits share one fsync.
///
/// `append` returns only once the update is durable; the relay forwards and acknowledges an update
/// after that, never before.
actor LogWriter {
    private let store: WeftStore
    private let metrics: RelayMetrics
    private var waiting: [(docID: String, update: [UInt8], continuation: CheckedContinuation<Int64, any Error>)] = []
    private var isWriting = false
    private(set) var committedBatches = 0
    private(set) var committedUpdates = 0

    init(store: WeftStore, metrics: RelayMetrics) {
        self.store = store
        self.metrics = metrics
    }

    /// Appends one update to a document's log; returns its sequence number once committed.
    func append(docID: String, update: [UInt8]) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((docID, update, continuation))
            if !isWriting {
                isWriting = true
                Task { await self.drain() }
            }
        }
    }

    /// How many updates wait for the next commit.
    var queueDepth: Int { waiting.count }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting.removeAll(keepingCapacity: true)
            let store = self.store
            let entries = batch.map { (docID: $0.docID, update: $0.update) }
            let result: Result<[Int64], any Error> = await Task.detached {
                Result { try store.appendUpdates(entries) }
            }.value
            switch result {
            case .success(let sequences):
                committedBatches += 1
                committedUpdates += batch.count
                metrics.commitBatches.increment()
                metrics.updatesCommitted.increment(by: Int64(batch.count))
                for (entry, sequence) in zip(batch, sequences) { entry.continuation.resume(returning: sequence) }
            case .failure(let error):
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        isWriting = false
    }
}
