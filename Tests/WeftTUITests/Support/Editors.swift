import WorkflowModel

@testable import WeftTUI

/// Editors in known states, for scenarios and golden screens.
enum Editors {
    /// The canonical workflow open as `ann` on an 80×24 terminal at time zero.
    static func canonical(size: Size = Size(width: 80, height: 24), isDirty: Bool = false) throws -> EditorState {
        EditorState(workflow: try SampleWorkflows.canonical(), isDirty: isDirty, userName: "ann", size: size)
    }
}

extension EditorState {
    /// Applies `events` in order and returns every effect, in order.
    @discardableResult
    mutating func apply(_ events: [EditorEvent]) -> [EditorEffect] {
        events.flatMap { apply($0) }
    }

    /// Applies `event` when its effects do not matter to the test.
    mutating func send(_ event: EditorEvent) {
        _ = apply(event)
    }

    /// Presses each key in turn.
    @discardableResult
    mutating func press(_ keys: Key...) -> [EditorEffect] {
        apply(keys.map(EditorEvent.key))
    }

    /// Types `text` a character at a time.
    @discardableResult
    mutating func type(_ text: String) -> [EditorEffect] {
        apply(text.map { EditorEvent.key(.character($0)) })
    }
}
