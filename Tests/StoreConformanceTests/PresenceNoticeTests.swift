import Foundation
import Testing
import WeftStore
import WeftStorePostgres
import YCRDT

/// Presence between relays on one PostgreSQL database (issue #9, docs/operations.md "Several relays"):
/// what one store sends reaches the others, not itself, and always fits a notification.
@Suite struct PresenceNoticeTests {
    private static let origin = "5C2B7F0E-3C1A-4D43-9B3E-2F1F3C4D5E6F"

    private static func entry(_ client: ClientID, clock: UInt64 = 1, nameBytes: Int) -> AwarenessUpdate.Entry {
        AwarenessUpdate.Entry(
            clientID: client, clock: clock,
            state: ["user": ["name": .string(String(repeating: "n", count: nameBytes))]])
    }

    /// A small update travels whole, and reads back as the same bytes for the same workflow, an id with
    /// spaces included; so does a query.
    @Test func anUpdateAndAQueryReadBack() throws {
        let update = AwarenessUpdate([Self.entry(7, nameBytes: 3), .init(clientID: 8, clock: 4, state: nil)]).encoded()
        let sent = PresenceNotice.payloads(.update(update), workflowID: "wf with spaces", origin: Self.origin)
        #expect(sent.dropped == 0 && sent.payloads.count == 1)
        #expect(PresenceNotice.parse(sent.payloads[0]) == .presence(workflowID: "wf with spaces", .update(update)))

        let query = PresenceNotice.payloads(.query, workflowID: "wf-1", origin: Self.origin)
        #expect(query.payloads.count == 1)
        #expect(PresenceNotice.parse(query.payloads[0]) == .presence(workflowID: "wf-1", .query))
        #expect(PresenceNotice.parse("awareness \(Self.origin) not*base64 wf") == nil)
    }

    /// An update too large for one notification is split by client, every payload under PostgreSQL's
    /// limit, and every client arrives; a client whose state alone is too large is left out, the others
    /// still go.
    @Test func aLargeUpdateIsSplitAndAnOversizedStateDropped() throws {
        let entries = (1...6).map { Self.entry(ClientID($0), clock: UInt64($0), nameBytes: 2000) }
            + [Self.entry(99, nameBytes: 9000)]
        let sent = PresenceNotice.payloads(
            .update(AwarenessUpdate(entries).encoded()), workflowID: "wf", origin: Self.origin)
        #expect(sent.dropped == 1)
        #expect(sent.payloads.count > 1)
        #expect(
            sent.payloads.allSatisfy { $0.utf8.count <= PresenceNotice.maximumPayloadBytes && $0.utf8.count < 8000 })
        var received: [AwarenessUpdate.Entry] = []
        for payload in sent.payloads {
            guard case .presence("wf", .update(let bytes))? = PresenceNotice.parse(payload) else {
                Issue.record("not a presence update: \(payload.prefix(80))")
                continue
            }
            received += try AwarenessUpdate(decoding: bytes).entries
        }
        #expect(received == Array(entries.prefix(6)), "every client that fits, once, in order")
    }

    /// One store's presence reaches another store on the same database as a change, and never comes
    /// back to the store that sent it; a state too large is dropped without an error.
    @Test func presenceReachesAnotherStoreButNotItself() async throws {
        try await withDatabase(.postgres) { database in
            let sender = try await Conformance.postgresStore(database)
            let other = try await Conformance.postgresStore(database)
            let theirs = Conformance.Inbox(try await other.changes())
            let mine = Conformance.Inbox(try await sender.changes())
            defer {
                theirs.stop()
                mine.stop()
            }
            let update = AwarenessUpdate([Self.entry(42, nameBytes: 4)]).encoded()
            await sender.sendPresence(.query, workflowID: "wf")
            let tooLarge = AwarenessUpdate([Self.entry(43, nameBytes: 9000)]).encoded()
            await sender.sendPresence(.update(tooLarge), workflowID: "wf")
            await sender.sendPresence(.update(update), workflowID: "wf")
            #expect(await theirs.waitFor(.presence(workflowID: "wf", .query)))
            #expect(await theirs.waitFor(.presence(workflowID: "wf", .update(update))))
            // The other store's presence does reach the sender: its listener works, and ignored its own.
            await other.sendPresence(.query, workflowID: "wf-2")
            #expect(await mine.waitFor(.presence(workflowID: "wf-2", .query)))
            #expect(!mine.changes.contains { if case .presence("wf", _) = $0 { true } else { false } })
            #expect(theirs.changes.filter { if case .presence = $0 { true } else { false } }.count == 2)
        }
    }

    /// A relay's batch, several workflows' presence in one call, reaches another store as each
    /// workflow's own signals: a small update whole, a large one split by client (every client
    /// arriving, for that workflow only), and a query; none comes back to the sender.
    @Test func aBatchReachesAnotherStoreAsEachWorkflowsSignals() async throws {
        try await withDatabase(.postgres) { database in
            let sender = try await Conformance.postgresStore(database)
            let other = try await Conformance.postgresStore(database)
            let theirs = Conformance.Inbox(try await other.changes())
            let mine = Conformance.Inbox(try await sender.changes())
            defer {
                theirs.stop()
                mine.stop()
            }
            let small = AwarenessUpdate([Self.entry(1, nameBytes: 4), .init(clientID: 2, clock: 3, state: nil)])
            let large = (10...15).map { Self.entry(ClientID($0), clock: UInt64($0), nameBytes: 2000) }
            await sender.sendPresence([
                WorkflowPresenceSignal(workflowID: "wf-1", signal: .update(small.encoded())),
                WorkflowPresenceSignal(workflowID: "wf-2", signal: .update(AwarenessUpdate(large).encoded())),
                WorkflowPresenceSignal(workflowID: "wf-3", signal: .query),
            ])
            #expect(await theirs.waitFor(.presence(workflowID: "wf-1", .update(small.encoded()))))
            #expect(await theirs.waitFor(.presence(workflowID: "wf-3", .query)))
            func entries(of workflowID: String) -> [AwarenessUpdate.Entry] {
                theirs.changes.flatMap { change -> [AwarenessUpdate.Entry] in
                    guard case .presence(workflowID, .update(let bytes)) = change else { return [] }
                    return (try? AwarenessUpdate(decoding: bytes).entries) ?? []
                }
            }
            let until = ContinuousClock.now + .seconds(10)
            while entries(of: "wf-2").count < large.count, ContinuousClock.now < until {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(entries(of: "wf-2") == large, "every client of the large update, once, in order")
            #expect(entries(of: "wf-1") == small.entries)
            let presence = theirs.changes.filter { if case .presence = $0 { true } else { false } }
            #expect(presence.count > 3, "the large update went in several notifications")
            // What the sender hears is only its own: nothing.
            try await Task.sleep(for: .milliseconds(200))
            #expect(!mine.changes.contains { if case .presence = $0 { true } else { false } })
        }
    }
}
