import Testing
import WorkflowModel

@testable import WeftTUI

/// The document's `errors` map after anyone's refused save (``EditorEvent/validationErrors(_:)``):
/// its messages show at the job, in the details and in the form, marked as from the last save, and
/// go when the map is emptied.
@Suite struct TeammateSaveErrorsTests {
    @Test func aTeammatesRefusedSaveShowsAtTheJobAndInItsForm() throws {
        var state = try Editors.canonical(size: Size(width: 132, height: 40))
        let job = state.workflow.jobs[0]
        state.select(job.id)
        let issues: [ValidationIssue] = [.error(.job, job.id, "name", "a job needs a name")]
        state.send(.validationErrors(FieldErrors(errorsMap: ValidationIssue.errorsMap(issues))))
        let screen = (0..<40).map(ScreenRenderer.render(state).line).joined(separator: "\n")
        #expect(screen.contains("name: a job needs a name (at the last save)"), "\(screen)")

        state.press(.enter)
        let form = (0..<40).map(ScreenRenderer.render(state).line).joined(separator: "\n")
        #expect(form.contains("a job needs a name"), "the form shows it under the field: \(form)")

        state.press(.escape)
        state.send(.validationErrors(FieldErrors()))
        let cleared = (0..<40).map(ScreenRenderer.render(state).line).joined(separator: "\n")
        #expect(!cleared.contains("a job needs a name"))
    }
}
