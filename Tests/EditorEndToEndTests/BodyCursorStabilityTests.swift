import Foundation
import Testing
import WeftClient
import WeftTUI
import WeftTestSupport

/// The body editor's cursor through ``EditorDriver`` against a real relay, while a teammate edits the
/// same body: it stays on its character when text is inserted or deleted before, at and after it, it
/// comes back right after an undo, and the teammate sees it (and the selection) where it is.
@Suite(.serialized) struct BodyCursorStabilityTests {
    /// Ann's editor (through the driver) with `webhook job`'s body open and reading `text`, her cursor
    /// at `cursor`; Bob on the same workflow.
    final class Scene {
        let relay: EditorRelay
        let ann: EditorDriver
        let bob: EditorSession
        let jobID: String

        init(text: String, cursor: Int) throws {
            relay = try EditorRelay()
            let session = EditorSession(configuration: .init(socketPath: relay.socket, userName: "ann"))
            try session.join(workflow: EditorRelay.workflow)
            ann = EditorDriver(
                session: session, size: Size(width: 100, height: 30), clock: EditorSession.monotonicClock())
            bob = try relay.teammate("bob")
            guard let job = bob.workflow.jobs.first(where: { $0.name == "webhook job" }) else {
                throw TestSupportError("no webhook job in \(bob.workflow.jobs.map(\.name))")
            }
            jobID = job.id
            try bob.edit { try $0.replaceBody(of: job.id, with: text) }
            try waitForAnn("the body from bob") { $0.workflow.job(job.id)?.body == text }
            ann.apply([.key(.down), .key(.character("b"))])
            guard ann.state.body?.jobID == jobID else { throw TestSupportError("the body did not open") }
            ann.apply(Array(repeating: EditorEvent.key(.right), count: cursor))
            try waitForBob("ann's cursor") { $0.annCursor == cursor }
        }

        /// Ann's cursor as bob's replica resolves her presence.
        var annCursor: Int? {
            bob.collaborators.first { $0.name == "ann" }?.bodyCursor.flatMap { bob.utf16Offset(of: $0) }
        }

        /// Ann's body with `|` at her cursor.
        var annView: String {
            guard let body = ann.state.body else { return "<closed>" }
            var units = Array(body.buffer.text.utf16)
            units.insert(contentsOf: Array("|".utf16), at: body.cursor)
            return String(decoding: units, as: UTF16.self)
        }

        /// Bob edits the body, and ann's editor receives it.
        func bobEdits(_ change: (WorkflowEdit) throws -> Void) throws {
            try bob.edit(change)
            let expected = bob.workflow.job(jobID)?.body
            try waitForAnn("bob's edit") { $0.body?.buffer.text == expected }
        }

        func waitForAnn(_ what: String, until condition: (EditorState) -> Bool) throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(ann.state) {
                guard ContinuousClock.now < deadline else {
                    throw TestSupportError("timed out waiting for \(what): \(annView)")
                }
                ann.pumpSession(timeout: .milliseconds(20))
                _ = bob.pump(timeout: .zero)
            }
        }

        func waitForBob(_ what: String, until condition: (Scene) -> Bool) throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(self) {
                guard ContinuousClock.now < deadline else {
                    throw TestSupportError("timed out waiting for \(what)")
                }
                _ = bob.pump(timeout: .milliseconds(20))
                ann.pumpSession(timeout: .zero)
            }
        }

        func close() {
            bob.close()
            ann.session.close()
            relay.close()
        }
    }

    @Test func insertsBeforeAtAndAfterTheCursor() throws {
        let scene = try Scene(text: "hello world", cursor: 6)
        defer { scene.close() }
        #expect(scene.annView == "hello |world")
        try scene.bobEdits { try $0.insertText("¡", intoBodyOf: scene.jobID, atUTF16: 0) }
        #expect(scene.annView == "¡hello |world", "before: the cursor moves along")
        try scene.bobEdits { try $0.insertText("big ", intoBodyOf: scene.jobID, atUTF16: 7) }
        #expect(scene.annView == "¡hello big |world", "at: the text goes before the cursor, which stays on w")
        try scene.bobEdits { try $0.insertText("!", intoBodyOf: scene.jobID, atUTF16: 16) }
        #expect(scene.annView == "¡hello big |world!", "after: the cursor stays")
        try scene.bobEdits { try $0.insertText("👋 ", intoBodyOf: scene.jobID, atUTF16: 1) }
        #expect(scene.annView == "¡👋 hello big |world!", "an emoji before: two UTF-16 units, one character")
        try scene.waitForBob("ann's cursor on w for bob") { $0.annCursor == 14 }
    }

    @Test func deletesBeforeAtAndAroundTheCursor() throws {
        let scene = try Scene(text: "one two three four", cursor: 8)
        defer { scene.close() }
        #expect(scene.annView == "one two |three four")
        try scene.bobEdits { try $0.deleteText(inBodyOf: scene.jobID, atUTF16: 0, count: 4) }
        #expect(scene.annView == "two |three four", "before: the cursor moves back")
        try scene.bobEdits { try $0.deleteText(inBodyOf: scene.jobID, atUTF16: 9, count: 5) }
        #expect(scene.annView == "two |three", "after: the cursor stays")
        try scene.bobEdits { try $0.deleteText(inBodyOf: scene.jobID, atUTF16: 4, count: 1) }
        #expect(
            scene.annView == "two |hree", "at: the character under the cursor goes; the cursor stays between")
        try scene.bobEdits { try $0.deleteText(inBodyOf: scene.jobID, atUTF16: 2, count: 4) }
        #expect(scene.annView == "tw|ee", "around: the cursor closes up to where the deleted text was")
    }

    @Test func typingTogetherAndUndoingOnlyOurOwn() throws {
        let scene = try Scene(text: "ab", cursor: 1)
        defer { scene.close() }
        scene.ann.apply("XY".map { EditorEvent.key(.character($0)) })
        try scene.waitForBob("ann's typing") { $0.bob.workflow.job($0.jobID)?.body == "aXYb" }
        try scene.bobEdits { try $0.insertText("bob", intoBodyOf: scene.jobID, atUTF16: 0) }
        #expect(scene.annView == "bobaXY|b")
        scene.ann.apply([.key(.control("z"))])
        #expect(scene.annView == "boba|b", "the undo takes ann's typing, not bob's, and the cursor follows")
        try scene.waitForBob("ann's undo") { $0.bob.workflow.job($0.jobID)?.body == "bobab" }
        scene.ann.apply([.key(.control("y"))])
        #expect(scene.ann.state.body?.buffer.text == "bobaXYb")
        try scene.waitForBob("ann's redo") { $0.bob.workflow.job($0.jobID)?.body == "bobaXYb" }
    }

    @Test func theTeammateSeesTheSelection() throws {
        let scene = try Scene(text: "const since = 1;", cursor: 6)
        defer { scene.close() }
        scene.ann.apply(Array(repeating: EditorEvent.key(.shiftRight), count: 5))
        try scene.waitForBob("ann's selection") { scene in
            guard let cursor = scene.bob.collaborators.first(where: { $0.name == "ann" })?.bodyCursor else {
                return false
            }
            return scene.bob.utf16Offset(of: cursor) == 11 && scene.bob.utf16OffsetOfAnchor(of: cursor) == 6
        }
        scene.ann.apply([.key(.escape), .key(.escape)])
        #expect(scene.ann.state.mode == .normal)
        try scene.waitForBob("ann's cursor leaving the body") { scene in
            scene.bob.collaborators.first { $0.name == "ann" }.map { $0.bodyCursor == nil } ?? false
        }
    }

    @Test func aTeammatesCursorStaysOnItsCharacterThroughOurTypingAndTheirs() throws {
        let scene = try Scene(text: "let total = 0;", cursor: 0)
        defer { scene.close() }
        try scene.bob.setBodyCursor(jobID: scene.jobID, utf16Offset: 4, anchorUTF16: 9)
        func bobInAnnsEditor() -> BodyPresence? {
            scene.ann.state.participants.first { $0.name == "bob" }?.bodyCursor
        }
        try scene.waitForAnn("bob's cursor") { _ in bobInAnnsEditor()?.utf16Offset == 4 }
        #expect(bobInAnnsEditor()?.anchor == 9, "bob selects `total`")
        scene.ann.apply("// ".map { EditorEvent.key(.character($0)) })
        #expect(
            bobInAnnsEditor() == BodyPresence(jobID: scene.jobID, utf16Offset: 7, anchor: 12),
            "moved by our typing")
        try scene.waitForBob("ann's typing") { $0.bob.workflow.job($0.jobID)?.body == "// let total = 0;" }
        try scene.bobEdits { try $0.insertText("const ", intoBodyOf: scene.jobID, atUTF16: 0) }
        #expect(
            bobInAnnsEditor() == BodyPresence(jobID: scene.jobID, utf16Offset: 13, anchor: 18),
            "and by theirs")
    }
}
