import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import YCRDT

extension RelaySuite.MultiRelay {
    /// Ann's presence as an editor publishes it: her name and where her cursor is.
    private static func state(_ name: String, at node: String) -> YAny {
        ["user": ["name": .string(name), "colour": "#d33"], "cursor": ["node": .string(node)]]
    }

    /// Sends `editor`'s awareness state (nil: offline) with `clock`, as an editor does.
    private static func announce(_ editor: TestEditor, clock: UInt64, _ state: YAny?) throws {
        try editor.send(
            .awareness(AwarenessUpdate([.init(clientID: editor.doc.clientID, clock: clock, state: state)]).encoded()))
    }

    /// Everyone's presence as `editor` shows it: the awareness messages it received, applied in order.
    private static func presence(seenBy editor: TestEditor) -> [ClientID: YAny] {
        let view = Awareness(clientID: editor.doc.clientID, now: .zero)
        view.setLocalState(nil, now: .zero)
        for update in editor.awarenessUpdates { _ = try? view.apply(update: update, now: .zero) }
        return view.states
    }

    /// Whether `editor` was ever sent a state for `client` (not its going offline).
    private static func everSaw(_ client: ClientID, _ editor: TestEditor) -> Bool {
        editor.awarenessUpdates.contains { update in
            (try? AwarenessUpdate(decoding: update))?.entries.contains { $0.clientID == client && $0.state != nil }
                ?? false
        }
    }

    /// Presence crosses relays: Bob on relay B, joining after Ann on relay A announced herself, sees her
    /// name and cursor, and she his; her moves reach him; when she disconnects, he sees her go at once
    /// (long before the 30-second presence timeout), and so when her relay stops gracefully.
    @Test func presenceReachesEditorsOnOtherRelays() throws {
        try withSharedRelays(2) { relays, _ in
            let project = try DeployedProject.deploy(to: relays[0])
            let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
            try Self.announce(ann, clock: 1, Self.state("Ann", at: "webhook job"))
            try ann.pump(for: .milliseconds(200))
            let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
            let annID = ann.doc.clientID
            let bobID = bob.doc.clientID
            try bob.waitUntil(timeout: .seconds(10), "Bob sees Ann's name and cursor") {
                Self.presence(seenBy: bob)[annID] == Self.state("Ann", at: "webhook job")
            }
            try Self.announce(bob, clock: 1, Self.state("Bob", at: "nightly job"))
            try ann.waitUntil(timeout: .seconds(10), "Ann sees Bob") {
                Self.presence(seenBy: ann)[bobID] == Self.state("Bob", at: "nightly job")
            }
            try Self.announce(ann, clock: 2, Self.state("Ann", at: "nightly job"))
            try bob.waitUntil(timeout: .seconds(10), "Bob sees Ann's cursor move") {
                Self.presence(seenBy: bob)[annID] == Self.state("Ann", at: "nightly job")
            }
            ann.close()
            try bob.waitUntil(timeout: .seconds(5), "Bob sees Ann leave") { Self.presence(seenBy: bob)[annID] == nil }
            #expect(Self.presence(seenBy: bob).keys.sorted() == [], "only Ann was ever present for Bob")

            // A relay stopped gracefully says its editors left: Bob sees Carol go at once too.
            let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
            try Self.announce(carol, clock: 1, Self.state("Carol", at: "webhook job"))
            let carolID = carol.doc.clientID
            try bob.waitUntil(timeout: .seconds(10), "Bob sees Carol") { Self.presence(seenBy: bob)[carolID] != nil }
            #expect(relays[0].stop(grace: .seconds(10)) == 0)
            try bob.waitUntil(timeout: .seconds(5), "Bob sees Carol go with her relay") {
                Self.presence(seenBy: bob)[carolID] == nil
            }
        }
    }

    /// A connection speaks for its own clients only, across relays too: Mallory on relay B cannot take
    /// Ann, served by relay A, offline (refused with an error); Bob on B still sees Ann, and Ann's own
    /// moves still reach him.
    @Test func aConnectionCannotTakeAnotherRelaysEditorOffline() throws {
        try withSharedRelays(2) { relays, _ in
            let project = try DeployedProject.deploy(to: relays[0])
            let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
            let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
            let mallory = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "mallory")
            let annID = ann.doc.clientID
            try Self.announce(ann, clock: 1, Self.state("Ann", at: "webhook job"))
            try bob.waitUntil(timeout: .seconds(10), "Bob sees Ann") { Self.presence(seenBy: bob)[annID] != nil }
            try mallory.waitUntil(timeout: .seconds(10), "Mallory sees Ann") {
                Self.presence(seenBy: mallory)[annID] != nil
            }

            try mallory.send(.awareness(AwarenessUpdate([.init(clientID: annID, clock: 99, state: nil)]).encoded()))
            let message = try mallory.takeError(.unexpectedMessage)
            #expect(message.contains("\(annID)"), "\(message)")
            try Self.announce(ann, clock: 2, Self.state("Ann", at: "nightly job"))
            try bob.waitUntil(timeout: .seconds(10), "Bob still sees Ann, and her move") {
                Self.presence(seenBy: bob)[annID] == Self.state("Ann", at: "nightly job")
            }
        }
    }

    /// Relay A is SIGKILLed: nobody is left to say its editors left, so relay B drops their presence
    /// after the presence timeout (3 s here) — but not before, while they renew it. A restarted relay A
    /// brings none of it back: its new editor sees Bob, never Ann.
    @Test func presenceOfAKilledRelaysEditorsTimesOutElsewhere() throws {
        try withSharedRelays(2, arguments: ["--presence-timeout", "3"]) { relays, _ in
            let project = try DeployedProject.deploy(to: relays[0])
            let ann = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "ann")
            let bob = try TestEditor(socket: relays[1].socket, workflow: project.workflow1, as: "bob")
            let annID = ann.doc.clientID
            var clock: UInt64 = 1
            try Self.announce(ann, clock: clock, Self.state("Ann", at: "webhook job"))
            try Self.announce(bob, clock: clock, Self.state("Bob", at: "webhook job"))
            try bob.waitUntil(timeout: .seconds(10), "Bob sees Ann") { Self.presence(seenBy: bob)[annID] != nil }

            /// Both renew every 750 ms (as editors do, well within the timeout) while Bob reads, until
            /// `done` or `timeout`; returns whether `done` held.
            func renewing(for timeout: Duration, annToo: Bool, until done: () -> Bool = { false }) throws -> Bool {
                let deadline = ContinuousClock.now + timeout
                var nextRenewal = ContinuousClock.now
                while ContinuousClock.now < deadline {
                    if done() { return true }
                    if ContinuousClock.now >= nextRenewal {
                        clock += 1
                        if annToo { try Self.announce(ann, clock: clock, Self.state("Ann", at: "webhook job")) }
                        try Self.announce(bob, clock: clock, Self.state("Bob", at: "webhook job"))
                        nextRenewal = ContinuousClock.now + .milliseconds(750)
                    }
                    try bob.pumpOne(timeout: .milliseconds(50))
                    if annToo { try ann.pump(for: .milliseconds(10)) }
                }
                return done()
            }
            // Renewed presence from relay A outlives the timeout on relay B.
            _ = try renewing(for: .seconds(5), annToo: true)
            #expect(Self.presence(seenBy: bob)[annID] != nil, "Ann, renewing, was dropped on relay B")

            relays[0].kill9()
            let killed = ContinuousClock.now
            let gone = try renewing(for: .seconds(10), annToo: false) { Self.presence(seenBy: bob)[annID] == nil }
            let after = ContinuousClock.now - killed
            #expect(gone, "Ann's presence outlived her relay")
            #expect(after < .seconds(6), "Ann's presence went \(after) after her relay died")

            // A restarted relay A knows nothing of Ann: its new editor sees Bob (whom relay B tells it of)
            // and not Ann, and neither does Bob again.
            try relays[0].start(timeout: .seconds(30))
            let carol = try TestEditor(socket: relays[0].socket, workflow: project.workflow1, as: "carol")
            let sawBob = try renewing(for: .seconds(10), annToo: false) {
                _ = try? carol.pumpOne(timeout: .milliseconds(20))
                return Self.presence(seenBy: carol)[bob.doc.clientID] == Self.state("Bob", at: "webhook job")
            }
            #expect(sawBob, "the restarted relay's editor does not see Bob")
            try carol.pump(for: .milliseconds(500))
            #expect(!Self.everSaw(annID, carol), "the restarted relay brought Ann back")
            #expect(Self.presence(seenBy: bob)[annID] == nil)
        }
    }
}
