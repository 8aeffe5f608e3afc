import WorkflowModel

@testable import WeftTUI

/// Stands in for the driver and its session in scenarios: carries out the editor's edits, undo and
/// redo on a document of its own (with whole-document snapshots as undo steps, one per request) and
/// answers each with a ``LocalChange``, as ``EditorDriver`` does.
struct FakeSession {
    var document: Workflow
    var base: Workflow
    var undoSteps: [Workflow] = []
    var redoSteps: [Workflow] = []
    /// Every request carried out, in order.
    var requests: [WorkflowChangeRequest] = []
    var saves = 0

    init(_ workflow: Workflow) {
        document = workflow
        base = workflow
    }

    var isDirty: Bool { UnsavedChanges.differ(document: document, base: base) }

    /// Applies `event` to `state` and carries out what comes out, feeding the answers back; returns
    /// every effect, answers' included.
    @discardableResult
    mutating func drive(_ state: inout EditorState, _ event: EditorEvent) -> [EditorEffect] {
        var queue = [event]
        var all: [EditorEffect] = []
        while !queue.isEmpty {
            let effects = state.apply(queue.removeFirst())
            all += effects
            for effect in effects {
                switch effect {
                case .edit(let request):
                    requests.append(request)
                    var next = document
                    do {
                        try request.apply(to: &next)
                        undoSteps.append(document)
                        redoSteps.removeAll()
                        document = next
                        queue.append(.localChange(change()))
                    } catch {
                        queue.append(.localChange(change(failure: error.description)))
                    }
                case .undo:
                    if let previous = undoSteps.popLast() {
                        redoSteps.append(document)
                        document = previous
                    }
                    queue.append(.localChange(change()))
                case .redo:
                    if let next = redoSteps.popLast() {
                        undoSteps.append(document)
                        document = next
                    }
                    queue.append(.localChange(change()))
                case .save:
                    saves += 1
                default:
                    break
                }
            }
        }
        return all
    }

    /// Presses `keys` in turn.
    @discardableResult
    mutating func press(_ state: inout EditorState, _ keys: Key...) -> [EditorEffect] {
        keys.flatMap { drive(&state, .key($0)) }
    }

    /// Types `text` a character at a time.
    mutating func type(_ state: inout EditorState, _ text: String) {
        for character in text { drive(&state, .key(.character(character))) }
    }

    private func change(failure: String? = nil) -> LocalChange {
        LocalChange(
            workflow: document, isDirty: isDirty, canUndo: !undoSteps.isEmpty, canRedo: !redoSteps.isEmpty,
            failure: failure)
    }
}
