import Testing
@testable import YCRDT

/// A clock the tests move by hand, in milliseconds.
final class ManualClock {
    var milliseconds: Double = 0
    func advance(_ delta: Double) { milliseconds += delta }
}

@Suite struct UndoManagerTests {
    func sync(_ from: Doc, _ to: Doc) throws {
        try to.applyUpdate(from.encodeStateAsUpdate(since: to.stateVector))
    }

    @Test func undoAndRedoTextTypingGroupedByCaptureTimeout() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        let clock = ManualClock()
        let undo = UndoManager(doc: doc, scope: [.text(text)], now: { clock.milliseconds })
        try text.insert("a", atUTF16: 0)
        clock.advance(100)
        try text.insert("b", atUTF16: 1)
        clock.advance(1_000)
        try text.insert("c", atUTF16: 2)
        #expect(text.string == "abc")
        #expect(undo.undo())
        #expect(text.string == "ab")
        #expect(undo.undo())
        #expect(text.string == "")
        #expect(!undo.undo())
        #expect(undo.redo())
        #expect(text.string == "ab")
        #expect(undo.redo())
        #expect(text.string == "abc")
        #expect(!undo.redo())
    }

    @Test func undoBringsBackDeletedTextEvenAfterGarbageCollection() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        try text.insert("hello world", atUTF16: 0)
        let clock = ManualClock()
        let undo = UndoManager(doc: doc, scope: [.text(text)], now: { clock.milliseconds })
        try text.delete(atUTF16: 5, count: 6)
        #expect(text.string == "hello")
        #expect(undo.undo())
        #expect(text.string == "hello world")
        #expect(undo.redo())
        #expect(text.string == "hello")
    }

    @Test func undoOnlyTouchesOwnChangesNotARemotePeers() throws {
        let ours = Doc(clientID: 1)
        let theirs = Doc(clientID: 2)
        let clock = ManualClock()
        let undo = UndoManager(doc: ours, scope: [.text(ours.text("body"))], now: { clock.milliseconds })
        try ours.text("body").insert("ours ", atUTF16: 0)
        try sync(ours, theirs)
        try theirs.text("body").insert("theirs", atUTF16: 5)
        try sync(theirs, ours)
        #expect(ours.text("body").string == "ours theirs")
        #expect(undo.undo())
        #expect(ours.text("body").string == "theirs")
        #expect(!undo.undo())
        try sync(ours, theirs)
        #expect(theirs.text("body").string == "theirs")
    }

    @Test func undoOfAMapSetRestoresThePreviousValue() throws {
        let doc = Doc(clientID: 1)
        let map = doc.map("workflow")
        try map.set("name", "first")
        let clock = ManualClock()
        let undo = UndoManager(doc: doc, scope: [.map(map)], now: { clock.milliseconds })
        try map.set("name", "second")
        clock.advance(1_000)
        try map.set("name", "third")
        #expect(undo.undo())
        #expect(map["name"]?.json == "second")
        #expect(undo.undo())
        #expect(map["name"]?.json == "first")
        #expect(undo.redo())
        #expect(map["name"]?.json == "second")
        #expect(undo.redo())
        #expect(map["name"]?.json == "third")
    }

    @Test func undoOfADeletedNestedJobRestoresItAndItsBody() throws {
        let doc = Doc(clientID: 1)
        let jobs = doc.array("jobs")
        try jobs.insert([.map(["id": "j1", "name": "Fetch", "body": .text("fn(state)")])], at: 0)
        let clock = ManualClock()
        let undo = UndoManager(doc: doc, scope: [.array(jobs)], now: { clock.milliseconds })
        try jobs.delete(at: 0)
        #expect(jobs.count == 0)
        #expect(undo.undo())
        #expect(jobs.json == [["id": "j1", "name": "Fetch", "body": "fn(state)"]])
        // The restored body is a live text again.
        let body = jobs[0]?.mapValue?["body"]?.textValue
        try body?.insert("// ", atUTF16: 0)
        #expect(body?.string == "// fn(state)")
    }

    @Test func undoneEditsSyncToPeersAsOrdinaryUpdates() throws {
        let ours = Doc(clientID: 1)
        let theirs = Doc(clientID: 2)
        let clock = ManualClock()
        let undo = UndoManager(doc: ours, scope: [.text(ours.text("body"))], now: { clock.milliseconds })
        try ours.text("body").insert("abc", atUTF16: 0)
        try sync(ours, theirs)
        clock.advance(1_000)
        try ours.text("body").delete(atUTF16: 1, count: 1)
        try sync(ours, theirs)
        #expect(theirs.text("body").string == "ac")
        #expect(undo.undo())
        try sync(ours, theirs)
        #expect(theirs.text("body").string == "abc")
        // Ours keeps the deleted "b" for a later redo while theirs collected it: same state, same text.
        #expect(theirs.stateVector == ours.stateVector)
    }

    @Test func untrackedOriginsAreNotRecorded() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        let clock = ManualClock()
        let undo = UndoManager(doc: doc, scope: [.text(text)], now: { clock.milliseconds })
        try doc.transact(origin: "deploy") { transaction in
            try text.insert("from a deploy", atUTF16: 0, in: transaction)
        }
        #expect(!undo.canUndo)
        try text.insert("typed ", atUTF16: 0)
        #expect(undo.undo())
        #expect(text.string == "from a deploy")
    }

    @Test func stopCapturingSplitsSteps() throws {
        let doc = Doc(clientID: 1)
        let text = doc.text("body")
        let undo = UndoManager(doc: doc, scope: [.text(text)], now: { 0 })
        try text.insert("a", atUTF16: 0)
        undo.stopCapturing()
        try text.insert("b", atUTF16: 1)
        #expect(undo.undo())
        #expect(text.string == "a")
    }
}
