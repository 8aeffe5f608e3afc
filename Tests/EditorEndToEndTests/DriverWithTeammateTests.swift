import Foundation
import Testing
import WeftClient
import WeftTUI
import WeftTestSupport
import YCRDT

/// ``EditorDriver`` against a real relay with a teammate: undo steps end where a person expects (at a
/// switch of job body, around a paste), our cursor is published again when what it stood on is gone,
/// and a teammate's refused save shows its problems to everyone.
@Suite(.serialized) struct DriverWithTeammateTests {
    /// Ann's editor through the driver, and bob's session, on the test workflow.
    final class Scene {
        let relay: EditorRelay
        let ann: EditorDriver
        let bob: EditorSession

        init() throws {
            relay = try EditorRelay()
            let session = EditorSession(configuration: .init(socketPath: relay.socket, userName: "ann"))
            try session.join(workflow: EditorRelay.workflow)
            ann = EditorDriver(
                session: session, size: Size(width: 160, height: 40), clock: EditorSession.monotonicClock())
            bob = try relay.teammate("bob")
        }

        func jobID(_ name: String) throws -> String {
            try #require(bob.workflow.jobs.first { $0.name == name }?.id)
        }

        func body(_ name: String, in session: EditorSession) -> String? {
            session.workflow.jobs.first { $0.name == name }?.body
        }

        /// Selects the job called `name` (`/` search) and opens its body.
        func openBody(_ name: String) throws {
            ann.apply(
                [.key(.character("/"))] + name.map { .key(.character($0)) } + [
                    .key(.enter), .key(.character("b")),
                ])
            guard ann.state.body?.jobID == (try jobID(name)) else {
                throw TestSupportError("the body of \(name) did not open: \(ann.state.mode)")
            }
        }

        func waitForAnn(_ what: String, until condition: (EditorDriver) -> Bool) throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(ann) {
                guard ContinuousClock.now < deadline else {
                    throw TestSupportError("timed out waiting for \(what)")
                }
                ann.pumpSession(timeout: .milliseconds(20))
                _ = bob.pump(timeout: .zero)
            }
        }

        func waitForBob(_ what: String, until condition: (EditorSession) -> Bool) throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(bob) {
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

    @Test func anUndoAfterSwitchingJobsTakesOnlyTheTypingInThisJob() throws {
        let scene = try Scene()
        defer { scene.close() }
        try scene.openBody("webhook job")
        scene.ann.apply("// A".map { .key(.character($0)) })
        scene.ann.apply([.key(.escape)])
        try scene.openBody("on fail")
        scene.ann.apply("// B".map { .key(.character($0)) })
        scene.ann.apply([.key(.control("z"))])
        #expect(
            scene.body("on fail", in: scene.ann.session) == "console.log('on fail')\nfn(state => state)\n")
        #expect(
            scene.body("webhook job", in: scene.ann.session)?.hasPrefix("// Aconsole.log") == true,
            "the typing in the other job stays")
    }

    @Test func aPasteIsAnUndoStepOfItsOwn() throws {
        let scene = try Scene()
        defer { scene.close() }
        try scene.openBody("webhook job")
        scene.ann.apply(
            "ab".map { .key(.character($0)) } + [.paste("PASTED")] + "cd".map { .key(.character($0)) })
        #expect(scene.body("webhook job", in: scene.ann.session)?.hasPrefix("abPASTEDcd") == true)
        scene.ann.apply([.key(.control("z"))])
        #expect(
            scene.body("webhook job", in: scene.ann.session)?.hasPrefix("abPASTEDconsole") == true,
            "the typing after")
        scene.ann.apply([.key(.control("z"))])
        #expect(
            scene.body("webhook job", in: scene.ann.session)?.hasPrefix("abconsole") == true,
            "the paste alone")
        scene.ann.apply([.key(.control("z"))])
        #expect(
            scene.body("webhook job", in: scene.ann.session)?.hasPrefix("console") == true,
            "the typing before")
    }

    /// A teammate writes a new text for the body (as a client that replaces the value does): ann's
    /// relative position no longer resolves, so her cursor is anchored again in the new text and
    /// published, and bob sees it there without ann having to move.
    @Test func ourCursorIsPublishedAgainWhenItsTextIsReplaced() throws {
        let scene = try Scene()
        defer { scene.close() }
        try scene.openBody("webhook job")
        let jobID = try scene.jobID("webhook job")
        scene.ann.apply(Array(repeating: .key(.right), count: 8))
        func annForBob(_ bob: EditorSession) -> Int? {
            bob.collaborators.first { $0.name == "ann" }?.bodyCursor.flatMap { bob.utf16Offset(of: $0) }
        }
        try scene.waitForBob("ann's cursor") { annForBob($0) == 8 }
        scene.bob.edit { edit in
            for value in edit.doc.array("jobs").values {
                guard let job = value.mapValue, job["id"]?.anyValue?.stringValue == jobID else { continue }
                job.set("body", .text("fn(state => ({ ...state, replaced: true }))\n"), in: edit.transaction)
            }
        }
        try scene.waitForAnn("the new body") {
            $0.state.body?.buffer.text.hasPrefix("fn(state => ({") == true
        }
        #expect(scene.ann.state.body?.cursor == 8, "the cursor keeps its offset in the new text")
        try scene.waitForBob("ann's cursor in the new text") { annForBob($0) == 8 }
    }

    @Test func aTeammatesRefusedSaveShowsItsProblemsToEveryone() throws {
        let scene = try Scene()
        defer { scene.close() }
        let jobID = try scene.jobID("on fail")
        scene.ann.apply([.key(.character("/"))] + "on fail".map { .key(.character($0)) } + [.key(.enter)])
        #expect(scene.ann.state.selectedID == jobID)
        try scene.bob.edit { try $0.renameJob(jobID, to: "") }
        try scene.bob.save()
        try scene.waitForAnn("bob's refused save") {
            !$0.state.relayErrors.messages(for: jobID, field: "name").isEmpty
        }
        let screen = ScreenRenderer.render(scene.ann.state)
        let text = (0..<screen.height).map(screen.line).joined(separator: "\n")
        #expect(text.contains("name:") && text.contains("(at the last save)"), "\(text)")

        try scene.bob.edit { try $0.renameJob(jobID, to: "on fail again") }
        try scene.bob.save()
        try scene.waitForAnn("bob's good save") { $0.state.relayErrors.isEmpty }
    }
}
