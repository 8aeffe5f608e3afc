import Foundation
import GRDB
import Synchronization
import Testing
import YCRDT

@testable import WeftStore

@Suite struct DocumentLogTests {
    /// A document whose every edit is captured as an update, as the relay sees them.
    private final class Editor {
        let doc = Doc(clientID: 7)
        var updates: [[UInt8]] = []
        private var subscription: Subscription?

        init() {
            subscription = doc.observeUpdates { [unowned self] update, _ in updates.append(update) }
        }

        func type(_ text: String) throws {
            let body = doc.text("body")
            try body.insert(text, atUTF16: body.utf16Count)
        }

        func takeUpdates() -> [[UInt8]] {
            defer { updates = [] }
            return updates
        }
    }

    private func replay(_ stored: StoredDocument) throws -> String {
        let doc = Doc(clientID: 99)
        if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
        for update in stored.updates { try doc.applyUpdate(update.bytes) }
        return doc.text("body").string
    }

    @Test func groupCommitNumbersEachDocumentsUpdatesInOrder() throws {
        let store = try WeftStore.temporary()
        let seqs = try store.appendUpdates([
            (docID: "a", update: [1]), (docID: "b", update: [2]), (docID: "a", update: [3]),
            (docID: "a", update: [4]), (docID: "b", update: [5]),
        ])
        #expect(seqs == [1, 1, 2, 3, 2])
        #expect(try store.appendUpdate(docID: "a", update: [6]) == 4)
        let a = try store.loadDocument("a")
        #expect(a.snapshot == nil && a.throughSeq == 0)
        #expect(
            a.updates == [
                LoggedUpdate(seq: 1, bytes: [1]), LoggedUpdate(seq: 2, bytes: [3]),
                LoggedUpdate(seq: 3, bytes: [4]),
                LoggedUpdate(seq: 4, bytes: [6]),
            ])
        #expect(try store.documentsWithLog() == ["a", "b"])
        #expect(try store.loadDocument("none").isEmpty)
        #expect(try store.appendUpdates([]).isEmpty)
    }

    @Test func compactionKeepsUpdatesAppendedAfterItsPoint() throws {
        let store = try WeftStore.temporary()
        let editor = Editor()
        for word in ["fn(", "state", " => ", "state", ")"] {
            try editor.type(word)
            try store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) })
        }
        let loaded = try store.loadDocument("wf")
        #expect(try replay(loaded) == "fn(state => state)")
        #expect(loaded.lastSeq == 5)

        // The relay encodes a snapshot through seq 5; meanwhile two more updates are committed.
        let snapshot = editor.doc.encodeStateAsUpdate()
        try editor.type(";")
        try editor.type("\n")
        let later = try store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) })
        #expect(later == [6, 7])
        try store.compactDocument("wf", snapshot: snapshot, throughSeq: 5)

        let compacted = try store.loadDocument("wf")
        #expect(compacted.snapshot == snapshot)
        #expect(compacted.throughSeq == 5)
        #expect(compacted.updates.map(\.seq) == [6, 7])
        #expect(try replay(compacted) == "fn(state => state);\n")
        let stats = try store.documentLogStats("wf")
        #expect(stats.updates == 2)
        #expect(stats.snapshotBytes == snapshot.count)
        #expect(stats.lastSeq == 7)

        // Compacting everything empties the log; numbering continues after the snapshot.
        try store.compactDocument("wf", snapshot: editor.doc.encodeStateAsUpdate(), throughSeq: 7)
        #expect(try store.documentsWithLog().isEmpty)
        #expect(try store.documentLogStats("wf").updates == 0)
        try editor.type("// end")
        #expect(try store.appendUpdates(editor.takeUpdates().map { (docID: "wf", update: $0) }) == [8])
        #expect(try replay(store.loadDocument("wf")) == "fn(state => state);\n// end")
    }

    @Test func compactionNeverGoesBackwardsOrPastTheLog() throws {
        let store = try WeftStore.temporary()
        try store.appendUpdates((1...4).map { (docID: "d", update: [UInt8($0)]) })
        try store.compactDocument("d", snapshot: [0xAA], throughSeq: 3)
        #expect(throws: StoreError.staleCompaction(docID: "d", current: 3, requested: 2)) {
            try store.compactDocument("d", snapshot: [0xBB], throughSeq: 2)
        }
        #expect(throws: StoreError.compactionBeyondLog(docID: "d", lastSeq: 4, requested: 9)) {
            try store.compactDocument("d", snapshot: [0xBB], throughSeq: 9)
        }
        let stored = try store.loadDocument("d")
        #expect(stored.snapshot == [0xAA])
        #expect(stored.updates == [LoggedUpdate(seq: 4, bytes: [4])])
    }

    /// A long log is deleted in several transactions (the group commit waits for one batch at most),
    /// and a row a compaction cut short left behind is never read and goes with the next compaction.
    @Test func aLongLogIsDeletedInBatchesAndWhatACutShortOneLeavesIsNeverRead() throws {
        let store = try WeftStore.temporary()
        let count = 2 * Int(WeftStore.compactionDeleteBatch) + 5
        try store.appendUpdates((1...count).map { (docID: "d", update: [UInt8($0 % 256)]) })
        let commits = CommitCounter()
        store.pool.add(transactionObserver: commits, extent: .observerLifetime)
        try store.compactDocument("d", snapshot: [0xAA], throughSeq: Int64(count - 1))
        // The snapshot with the first batch, then two more batches: three commits, and the writer is
        // back to fsyncing every commit (acks rely on it).
        #expect(commits.count.withLock { $0 } == 3)
        #expect(try store.settings().synchronous == 2)
        let rows = { (doc: String) in
            try store.pool.read { db in
                try Int64.fetchAll(
                    db, sql: "SELECT seq FROM document_log WHERE doc_id = ? ORDER BY seq", arguments: [doc])
            }
        }
        #expect(try rows("d") == [Int64(count)])

        // What a crash between the batches would leave: covered rows of "d", and of "e", compacted whole.
        try store.appendUpdates((1...3).map { (docID: "e", update: [UInt8($0)]) })
        try store.compactDocument("e", snapshot: [0xEE], throughSeq: 3)
        try store.pool.write { db in
            for (doc, seq) in [("d", 7), ("d", 8), ("e", 2)] {
                try db.execute(
                    sql: #"INSERT INTO document_log (doc_id, seq, "update", created_at) VALUES (?, ?, x'00', '')"#,
                    arguments: [doc, seq])
            }
        }
        let d = try store.loadDocument("d")
        #expect(d.snapshot == [0xAA] && d.updates.map(\.seq) == [Int64(count)])
        #expect(try store.loadDocument("d", after: 5).updates.map(\.seq) == [Int64(count)])
        #expect(try store.documentLogStats("d").updates == 1)
        #expect(try store.loadDocument("e").updates.isEmpty)
        #expect(try store.documentsWithLog() == ["d"])
        #expect(try store.appendUpdate(docID: "e", update: [4]) == 4)

        try store.compactDocument("d", snapshot: [0xAB], throughSeq: Int64(count))
        try store.compactDocument("e", snapshot: [0xEF], throughSeq: 4)
        #expect(try rows("d").isEmpty && rows("e").isEmpty)
    }

    @Test func committedUpdatesSurviveReopening() throws {
        let folder = try ScratchFolder()
        let path = folder.path("weft.sqlite")
        do {
            let store = try WeftStore(path: path)
            try store.appendUpdates((1...100).map { (docID: "d\($0 % 3)", update: [UInt8($0)]) })
            try store.compactDocument("d0", snapshot: [1, 2, 3], throughSeq: 10)
        }
        let store = try WeftStore(path: path)
        #expect(try store.loadDocument("d1").updates.count == 34)
        let d0 = try store.loadDocument("d0")
        #expect(d0.snapshot == [1, 2, 3])
        #expect(d0.updates.count == 33 - 10)
        #expect(try store.appendUpdate(docID: "d0", update: [0]) == 34)
    }

    /// What kill -9 leaves: the database and WAL files as they are on disk while the process still runs
    /// (nothing closed, nothing checkpointed). Every update whose append returned is in them.
    @Test func theFilesOnDiskHoldEveryAcknowledgedUpdateWhileTheStoreRuns() throws {
        let folder = try ScratchFolder()
        let path = folder.path("live.sqlite")
        let store = try WeftStore(path: path)
        for index in 0..<200 {
            try store.appendUpdate(docID: "doc", update: Array("update \(index)".utf8))
        }
        let copy = folder.path("crashed.sqlite")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
        }
        let recovered = try WeftStore(path: copy)
        let updates = try recovered.loadDocument("doc").updates
        #expect(updates.count == 200)
        #expect(updates.last == LoggedUpdate(seq: 200, bytes: Array("update 199".utf8)))
        _ = store
    }

    /// Lightning #4930: the document table grew without bound. 10,000 edits, logged ten per group commit
    /// and compacted every 250, keep the log small and the file at a size set by the document, not by
    /// its history.
    @Test func storageStaysBoundedByDocumentSize() throws {
        let store = try WeftStore.temporary()
        let editor = Editor()
        let body = editor.doc.text("body")
        var sizes: [Int64] = []
        var maxLogRows = 0
        var historyBytes = 0
        var updateCount = 0
        for index in 1...10_000 {
            // Replace a 40-character window: the document stays the same size while history grows.
            if body.utf16Count >= 4_000 { try body.delete(atUTF16: 0, count: 40) }
            try editor.type(String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: 40))
            guard index % 10 == 0 else { continue }
            let batch = editor.takeUpdates()
            historyBytes += batch.reduce(0) { $0 + $1.count }
            updateCount += batch.count
            let seqs = try store.appendUpdates(batch.map { (docID: "busy", update: $0) })
            maxLogRows = max(maxLogRows, try store.documentLogStats("busy").updates)
            if index % 250 == 0 {
                try store.compactDocument(
                    "busy", snapshot: editor.doc.encodeStateAsUpdate(), throughSeq: seqs.last!)
                try store.checkpoint()
                sizes.append(try store.storeSize())
            }
        }
        #expect(updateCount >= 10_000)
        #expect(try store.documentLogStats("busy").lastSeq == Int64(updateCount))
        #expect(maxLogRows <= 2 * 250, "each edit is one or two updates")
        #expect(try store.documentLogStats("busy").updates == 0)
        #expect(try replay(store.loadDocument("busy")) == body.string)

        let snapshotBytes = Int64(editor.doc.encodeStateAsUpdate().count)
        let finalSize = try #require(sizes.last)
        let midSize = sizes[sizes.count / 2]
        // The history alone is `historyBytes` (about 1 MB); the file stays within a small multiple of one
        // snapshot plus one compaction interval of log, and stops growing.
        #expect(Int(finalSize) < historyBytes / 2, "file \(finalSize) bytes, history \(historyBytes)")
        #expect(finalSize <= 256 * 1024, "file is \(finalSize) bytes; the snapshot is \(snapshotBytes)")
        #expect(finalSize <= midSize + 32 * 1024, "the file kept growing: \(sizes)")
        #expect(try store.freeBytes() <= max(1 << 20, finalSize / 4))
        let walPath = store.path + "-wal"
        let walSize = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int64) ?? 0
        #expect(walSize <= 16 * 1024 * 1024)
    }

    @Test func incrementalVacuumGivesSpaceBack() throws {
        let store = try WeftStore.temporary()
        let big = [UInt8](repeating: 0x5A, count: 64 * 1024)
        let seqs = try store.appendUpdates((0..<64).map { _ in (docID: "big", update: big) })
        let grown = try store.storeSize()
        #expect(grown >= 4 * 1024 * 1024)
        try store.compactDocument("big", snapshot: [1], throughSeq: seqs.last!)
        try store.reclaimFreePages()
        #expect(try store.storeSize() < grown / 4)
        #expect(try store.freeBytes() == 0)
    }

    @Test func deletingADocumentRestartsItsNumbering() throws {
        let store = try WeftStore.temporary()
        try store.appendUpdates([(docID: "d", update: [1]), (docID: "d", update: [2])])
        try store.compactDocument("d", snapshot: [9], throughSeq: 2)
        try store.deleteDocument("d")
        #expect(try store.loadDocument("d").isEmpty)
        #expect(try store.appendUpdate(docID: "d", update: [3]) == 1)
    }
}

/// Counts the transactions committed on the store's writer.
private final class CommitCounter: TransactionObserver, Sendable {
    let count = Mutex(0)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
