import Testing
import WeftTestSupport
import WorkflowModel
import YCRDT

@testable import WeftTUI

/// Golden screens of editing: the inspector with problems at its fields, the collaborators list,
/// and the questions of deleting and of a stale save.
@Suite struct EditingGoldenTests {
    static func screen(_ state: EditorState, _ options: RenderOptions = ScreenGoldenTests.utf8) -> String {
        ScreenRenderer.render(state, options: options).text
    }

    @Test func theInspectorWithErrorsAsYouTypeAndFromTheRelay() throws {
        var state = EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "ann", size: Size(width: 100, height: 30),
            idSeed: 1)
        var session = FakeSession(state.workflow)
        let errors: YAny = .object([
            "jobs": .object([
                "webhook-job": .object(["adaptor": .array([.string("no such adaptor version")])])
            ])
        ])
        session.drive(
            &state,
            .saveRefused(SaveRefusal(reason: "invalid", message: "", errors: FieldErrors(errorsMap: errors))))
        state.press(.down)
        session.press(&state, .character("r"), .control("u"))
        session.type(&state, "on fail")
        Golden.assertMatches(Self.screen(state), goldenFile: "screen-inspector-job-errors.txt")
        Golden.assertMatches(
            Self.screen(state, ScreenGoldenTests.ascii), goldenFile: "screen-inspector-job-errors-ascii.txt")
    }

    @Test func theInspectorOfACronTriggerWithABadExpression() throws {
        var state = EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "ann", size: Size(width: 80, height: 24),
            idSeed: 1)
        var session = FakeSession(state.workflow)
        session.press(&state, .enter, .character(" "), .character("j"), .enter)
        session.type(&state, "0 25 * * *")
        Golden.assertMatches(Self.screen(state), goldenFile: "screen-inspector-trigger-cron.txt")
    }

    @Test func theCollaboratorsList() throws {
        var state = try ScreenGoldenTests.collaborating()
        state.send(
            .presence(
                state.participants + [
                    Participant(
                        id: "11", name: "Dee Okafor", colourIndex: 3, selectedID: "webhook-job->on-fail")
                ]
            ))
        state.press(.character("w"))
        Golden.assertMatches(Self.screen(state), goldenFile: "screen-who.txt")
    }

    @Test func theDeleteQuestionAndTheStaleSaveQuestion() throws {
        var state = try Editors.canonical(isDirty: true)
        state.press(.down, .character("d"))
        Golden.assertMatches(Self.screen(state), goldenFile: "screen-delete-question.txt")
        state.press(.character("n"), .escape)
        state.send(
            .saveRefused(
                SaveRefusal(
                    reason: "stale", message: "moved",
                    stale: StaleSave(
                        currentLockVersion: 4, moved: ["changed job on-fail name", "added edge e9"]))))
        Golden.assertMatches(Self.screen(state), goldenFile: "screen-stale-question.txt")
    }
}
