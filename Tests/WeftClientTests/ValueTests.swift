import Foundation
import Testing
import WorkflowModel
import YCRDT

@testable import WeftClient

/// The client's values and bookkeeping, without a relay.
@Suite("client values")
struct ClientValueTests {
    @Test func backoffDoublesUpToTheMaximum() {
        let backoff = ReconnectBackoff(initial: .milliseconds(250), maximum: .seconds(2))
        #expect(
            (1...6).map(backoff.delay(beforeAttempt:)) == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2),
            ])
        #expect(backoff.delay(beforeAttempt: 10_000) == .seconds(2))
    }

    @Test func coloursAreStableAndFromThePalette() {
        // Fixed values: every client, in every run and on every machine, must agree.
        #expect(UserColour.fnv1a("") == 2_166_136_261)
        #expect(UserColour.fnv1a("a") == 0xE40C_292C)
        #expect(UserColour.colour(forName: "Ann") == UserColour.colour(forName: "Ann"))
        let names = ["Ann", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
        #expect(names.allSatisfy { UserColour.palette.contains(UserColour.colour(forName: $0)) })
        #expect(Set(names.map(UserColour.colour(forName:))).count > 3)
    }

    @Test func theLedgerCountsEditsUntilAnAckCoversThem() {
        var ledger = UpdateLedger()
        ledger.recordSentStep2()  // the join's step 2, carrying nothing of ours
        ledger.recordSentEdit()
        ledger.recordSentEdit()
        #expect(ledger.unacknowledged == 2)
        ledger.acknowledge(2)
        #expect(ledger.unacknowledged == 1)
        ledger.acknowledge(1)  // acks never go down
        #expect(ledger.unacknowledged == 1)

        // The connection drops before the last ack; two more edits are made offline.
        ledger.dropConnection()
        ledger.recordOfflineEdit()
        ledger.recordOfflineEdit()
        #expect(ledger.unacknowledged == 3)
        // The next connection's step 2 carries all three; its ack settles them.
        ledger.startConnection()
        ledger.recordSentStep2()
        ledger.recordSentEdit()
        #expect(ledger.unacknowledged == 4)
        ledger.acknowledge(1)
        #expect(ledger.unacknowledged == 1)
        ledger.acknowledge(2)
        #expect(ledger.unacknowledged == 0)
    }

    @Test func aRemoteChangeNamesEntitiesAndFields() {
        let old = Workflow(
            id: "w", name: "Nightly", lockVersion: 3,
            jobs: [Job(id: "a", name: "A", body: "x"), Job(id: "b", name: "B", body: "y")],
            triggers: [Trigger(id: "t", type: .webhook)],
            edges: [Edge(id: "e", sourceTriggerID: "t", targetJobID: "a")],
            positions: ["a": Position(x: 1, y: 2)])
        var new = old
        new.name = "Nightly "
        new.lockVersion = 4
        new.jobs[0].body = "x2"
        new.jobs[0].adaptor = "@openfn/language-http@latest"
        new.jobs.remove(at: 1)
        new.jobs.append(Job(id: "c", name: "C"))
        new.triggers[0].enabled = false
        new.positions["a"] = Position(x: 1, y: 5)
        let change = RemoteChange.between(old, new)
        #expect(
            change.summary.changed == [
                .init(kind: .workflow, id: "w", fields: ["name"]),
                .init(kind: .job, id: "a", fields: ["body", "adaptor"]),
                .init(kind: .trigger, id: "t", fields: ["enabled"]),
                .init(kind: .position, id: "a", fields: ["y"]),
            ])
        #expect(change.summary.added == [.init(kind: .job, id: "c")])
        #expect(change.summary.removed == [.init(kind: .job, id: "b")])
        #expect(change.summary.lockVersionChange == .init(from: 3, to: 4))
        #expect(change.entityIDs == ["w", "a", "b", "c", "t"])
        var onlyVersion = old
        onlyVersion.lockVersion = 9
        #expect(RemoteChange.between(old, onlyVersion).isEmpty)
    }

    @Test func presenceStatesRoundTripAndToleratePeersWithoutAUser() throws {
        let doc = Doc()
        let text = doc.text("body")
        try text.insert("hello", atUTF16: 0)
        let cursor = BodyCursor(jobID: "j1", position: text.relativePosition(atUTF16: 3))
        let state = PresenceState.encode(
            name: "Ann", colour: "#4ECDC4", selectedNodeID: "j1", bodyCursor: cursor)
        let parsed = try #require(PresenceState.collaborator(clientID: 7, state: state))
        #expect(
            parsed
                == Collaborator(
                    clientID: 7, name: "Ann", colour: "#4ECDC4", selectedNodeID: "j1", bodyCursor: cursor))
        // Lightning's shape (`user.name`, `user.color`) reads as a person; other states are not people.
        let lightning = try JSON.parse(
            ##"{"user":{"id":"u1","name":"Zoe Q","color":"#FF6B6B"},"cursor":{"x":1,"y":2}}"##)
        #expect(PresenceState.collaborator(clientID: 8, state: lightning)?.initials == "ZQ")
        #expect(PresenceState.collaborator(clientID: 8, state: lightning)?.bodyCursor == nil)
        #expect(PresenceState.collaborator(clientID: 9, state: .object(YObject())) == nil)
        #expect(PresenceState.collaborator(clientID: 9, state: ["user": ["name": ""]]) == nil)
    }

    @Test func summariesAndConflictsFromTheWireAreReadTolerantly() {
        let summary = WireValues.summary(
            from: [
                "changed": [["kind": "job", "id": "j1", "fields": ["body"]], ["kind": "gadget", "id": "x"]]
            ])
        #expect(summary.changed == [.init(kind: .job, id: "j1", fields: ["body"])])
        #expect(summary.added.isEmpty && summary.removed.isEmpty)
        let conflicts = WireValues.conflicts(from: [["kind": "job", "id": "j1", "field": "body"], "junk"])
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.reason == .bothChanged)
        #expect(conflicts.first?.field == "body")
    }
}
