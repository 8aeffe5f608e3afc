import Testing
import WorkflowModel

@testable import WeftTUI

/// Keys in a body that used to leave it by surprise (review findings): a stale save refusal and an
/// Alt key the body does not know.
@Suite struct BodyReviewFixTests {
    @Test func aStaleRefusalWhileTypingInABodyAsksNothingAndCtrlSRebases() throws {
        var state = try BodyEditing.open("fn()\n")
        state.send(.workflowSaved(.init(lockVersion: state.lockVersion + 1, isDirty: true)))
        let stale = StaleSave(currentLockVersion: state.lockVersion, moved: [])
        state.send(.saveRefused(SaveRefusal(reason: "stale", message: "moved", stale: stale)))

        #expect(state.mode == .body, "the refusal does not take over the keyboard")
        #expect(state.pendingRebase == stale)
        #expect(state.toasts.current?.text.contains("Ctrl-S rebases and saves again") == true)
        let typed = state.type("a")
        #expect(typed.contains { if case .editBody = $0 { true } else { false } }, "the next key is typed")
        #expect(state.mode == .body)

        #expect(state.press(.control("s")) == [.save], "Ctrl-S rebases onto the version that is here and saves")
        #expect(state.pendingRebase == nil)
    }

    @Test func anAltKeyTheBodyDoesNotKnowDoesNothing() throws {
        var state = try BodyEditing.open("fn()\n")
        let before = state.workflow
        let effects = state.press(.alt("a"), .alt("u"), .alt("d"))
        #expect(effects.isEmpty, "\(effects)")
        #expect(state.mode == .body, "still in the body")
        #expect(state.workflow == before)
        #expect(state.workflow.jobs.count == before.jobs.count, "Alt-a added no job")
    }
}
