import Testing
import WorkflowModel

@testable import WeftTUI

/// A viewer's editor (issue #5's roles, seen from issue #7's editor): everything can be looked at,
/// nothing can be changed. The relay refuses a viewer's updates, so an editor that applied them
/// locally would show a document nobody else has.
@Suite struct ReadOnlyTests {
    static func viewer() throws -> EditorState {
        EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "val", size: Size(width: 100, height: 30),
            isReadOnly: true)
    }

    static let editingKeys: [Key] = [
        .character("e"), .enter, .character("a"), .character("T"), .character("r"), .character("d"), .delete,
        .character("c"), .character("b"), .character("u"), .control("r"), .control("s"),
    ]

    @Test(arguments: editingKeys)
    func anEditingKeyChangesNothingAndSaysWhy(key: Key) throws {
        var state = try Self.viewer()
        state.press(.down)
        let before = state.workflow

        let effects = state.press(key)

        #expect(effects.isEmpty, "\(key) asked for \(effects)")
        #expect(state.mode == .normal, "\(key) opened \(state.mode)")
        #expect(state.workflow == before)
        #expect(state.toasts.current?.text.contains("your role in the project is viewer") == true)
    }

    @Test func theCommandLineCannotSaveEither() throws {
        var state = try Self.viewer()
        state.press(.character(":"))
        state.type("w")
        #expect(state.press(.enter).isEmpty)
        #expect(state.toasts.current?.text.contains("viewer") == true)
    }

    @Test func lookingAroundStillWorksAndTheStatusBarSaysReadOnly() throws {
        var state = try Self.viewer()
        let first = state.selectedID
        #expect(state.press(.down).contains { if case .select = $0 { true } else { false } })
        #expect(state.selectedID != first)
        state.press(.character("w"))
        #expect(state.mode == .who(scroll: 0), "the collaborators list is for viewers too")

        let row = state.screen.statusRow
        let status = ScreenRenderer.render(state, options: RenderOptions(glyphs: .unicode)).line(row)
        #expect(status.contains("read-only"), "\(status)")
        let editor = EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "ann", size: Size(width: 100, height: 30))
        #expect(!ScreenRenderer.render(editor, options: RenderOptions(glyphs: .unicode)).line(row).contains("read-only"))
    }
}
