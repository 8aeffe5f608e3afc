import WorkflowModel

@testable import WeftTUI

/// Editors with a job's body open, for the body editor's scenarios.
enum BodyEditing {
    /// The canonical workflow with its first job's body set to `text`, that job selected and its body
    /// open (`b`), on a terminal of `size`.
    static func open(_ text: String, size: Size = Size(width: 80, height: 24)) throws -> EditorState {
        var workflow = try SampleWorkflows.canonical()
        workflow.jobs[0].body = text
        var state = EditorState(workflow: workflow, userName: "ann", size: size)
        state.select(workflow.jobs[0].id)
        state.press(.character("b"))
        return state
    }
}

extension EditorState {
    /// The open body's text.
    var bodyText: String { body?.buffer.text ?? "<no body open>" }
    /// The open body's cursor.
    var bodyCursor: Int { body?.cursor ?? -1 }
    /// The open body's job.
    var bodyJobID: String { body?.jobID ?? "<no body open>" }

    /// The body's text with `|` where the cursor is (and `[` `]` around the selection).
    var bodyWithCursor: String {
        guard let body else { return "<no body open>" }
        let text = body.buffer.text
        var marks: [(Int, String)] = []
        if let selection = body.selection {
            marks = [(selection.lowerBound, "["), (selection.upperBound, "]")]
        }
        marks.append((body.cursor, "|"))
        var units = Array(text.utf16)
        // From the end backwards; at one offset the cursor sits inside the brackets: `[|…]` or `[…|]`.
        let order = ["]": 0, "|": 1, "[": 2]
        for (offset, mark) in marks.sorted(by: { ($1.0, order[$0.1]!) < ($0.0, order[$1.1]!) }) {
            units.insert(contentsOf: Array(mark.utf16), at: offset)
        }
        return String(decoding: units, as: UTF16.self)
    }
}
