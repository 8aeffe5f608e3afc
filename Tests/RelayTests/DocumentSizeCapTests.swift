import Foundation
import Logging
import Testing
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

@testable import WeftRelay

/// The per-document size cap (issue #5, limits; docs/protocol.md `document_too_large`) holds across
/// compactions: a compaction empties the log, not the document, so a client may not grow a document
/// past the cap by sending it in pieces between compactions.
@Suite struct DocumentSizeCapTests {
    @Test func compactionsDoNotLetADocumentGrowPastTheCap() async throws {
        let store = try WeftStore.temporary()
        _ = try store.createProject(id: "p", name: "Project", description: nil)
        let workflow = Workflow(id: "w", name: "Nightly", lockVersion: 0)
        _ = try store.createWorkflow(workflow, in: "p", actor: .person("Ann"), source: .editor)
        var configuration = RelayConfiguration(socketPath: "/unused", databasePath: "/unused")
        configuration.maximumDocumentBytes = 64 * 1024
        configuration.compactAfterLogBytes = 8 * 1024
        let services = RelayServices(store: store, configuration: configuration, logger: Logger(label: "test"))
        let registry = RoomRegistry(services: services)
        let outbound = Outbound(queue: OutboundQueue(byteLimit: 1 << 24)) {}
        let session = SessionHandle(id: 1, name: "Ann", role: .owner, outbound: outbound)
        let room = try await registry.join(session, workflowID: "w")

        // A client replica in step with the room, whose edits are the updates sent.
        let client = Doc()
        guard case .sync(.step2(let state)) = try await room.answerStep1([0]) else {
            Issue.record("no step 2 from the room")
            return
        }
        try client.applyUpdate(state)
        var pending: [[UInt8]] = []
        client.observeUpdates { update, _ in pending.append(update) }
        let text = client.text("notes")

        var accepted = 0
        var refusal: ControlMessage?
        for round in 0..<100 {
            try text.insert(String(repeating: Character(String(round % 10)), count: 2_000), at: 0)
            let update = pending.removeFirst()
            switch await room.receiveUpdate(update, from: session, onCommitted: {}) {
            case .pending, .settled: accepted += 1
            case .refused(let problem): refusal = problem
            }
            if refusal != nil { break }
            try await Task.sleep(for: .milliseconds(2))  // let the group commit (and compactions) run
        }
        guard case .error(let code, _) = refusal else {
            Issue.record("100 updates of 2 KB all went into a document capped at 64 KB")
            return
        }
        #expect(code == ErrorCode.documentTooLarge.rawValue)
        #expect(accepted >= 25, "the cap allows up to 64 KB: \(accepted) updates of 2 KB were taken")
        await room.commitAndCompact()
        let stored = try await store.loadDocument("w")
        let reloaded = Doc()
        if let snapshot = stored.snapshot { try reloaded.applyUpdate(snapshot) }
        for logged in stored.updates { try reloaded.applyUpdate(logged.bytes) }
        let size = reloaded.encodeStateAsUpdate().count
        #expect(size <= 64 * 1024, "the stored document is \(size) bytes")
        #expect(reloaded.text("notes").utf16Count == accepted * 2_000, "every accepted update is stored")
    }
}
