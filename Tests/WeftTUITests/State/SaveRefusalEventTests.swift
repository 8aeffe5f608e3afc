import Testing
import WeftClient
import WorkflowModel
import YCRDT

@testable import WeftTUI

/// A refused save as the relay says it becomes the editor's ``SaveRefusal``: the validation
/// messages by entity and field, and for a stale save the version now saved and what moved.
@Suite struct SaveRefusalEventTests {
    /// A session that never connects: the mapping reads only the failure.
    static func session() -> EditorSession {
        EditorSession(configuration: .init(socketPath: "/nonexistent/weft.sock", userName: "ann"))
    }

    @Test func aStaleRefusalCarriesTheVersionAndWhatMoved() {
        let failure = SaveFailure(
            reason: .stale, message: "the workflow moved to version 5 since you opened version 4",
            currentLockVersion: 5, moved: .array([.string("changed job j1 name"), .string("added edge e2")]))
        let events = SessionEvents.events(for: .saveFailed(failure), session: Self.session())
        guard case .saveRefused(let refusal) = events.first else {
            Issue.record("not a refusal: \(events)")
            return
        }
        #expect(refusal.reason == "stale")
        #expect(
            refusal.stale
                == StaleSave(currentLockVersion: 5, moved: ["changed job j1 name", "added edge e2"]))
        #expect(refusal.message.contains("version 5"))
    }

    @Test func anInvalidRefusalCarriesTheMessagesByEntityAndField() {
        let issues: [ValidationIssue] = [
            .error(.workflow, nil, "name", "the workflow needs a name"),
            .error(.job, "j1", "name", "a job needs a name"),
            .error(.job, "j1", "adaptor", "a job needs an adaptor"),
            .error(.edge, "e1", "condition_expression", "needs an expression"),
        ]
        let failure = SaveFailure(
            reason: .invalid, message: "4 problem(s)", errors: ValidationIssue.errorsMap(issues))
        let events = SessionEvents.events(for: .saveFailed(failure), session: Self.session())
        guard case .saveRefused(let refusal) = events.first else {
            Issue.record("not a refusal: \(events)")
            return
        }
        #expect(refusal.stale == nil)
        #expect(refusal.errors.count == 4)
        #expect(refusal.errors.messages(for: nil, field: "name") == ["the workflow needs a name"])
        #expect(refusal.errors.messages(for: "j1", field: "adaptor") == ["a job needs an adaptor"])
        #expect(refusal.errors.messages(for: "e1", field: "condition_expression") == ["needs an expression"])
    }

    @Test func anErrorsMapOfAnotherShapeIsSkippedNotTrusted() {
        let odd: YAny = .object(["jobs": .array([.string("?")]), "edges": .object(["e1": .string("bad")])])
        #expect(FieldErrors(errorsMap: odd).isEmpty)
        #expect(FieldErrors(errorsMap: nil).isEmpty)
    }
}
