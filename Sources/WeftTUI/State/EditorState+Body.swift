/// The body editor inside the editor's state: opening and closing it, its keys, and keeping it on the
/// document as our own and others' edits arrive.
extension EditorState {
    /// Opens the selected job's body (`b`); what is typed in it is an undo step of its own, apart from
    /// what was typed in the body open before.
    mutating func openBody() -> [EditorEffect] {
        guard let id = selectedID, let job = workflow.job(id) else {
            toast(.info, "Select a job to edit its body: b opens the selected job's body.")
            return []
        }
        body = BodyEditor(jobID: id, text: job.body)
        setMode(.body)
        return [.endUndoStep]
    }

    /// Back to the graph.
    mutating func closeBody() {
        body = nil
        setMode(.normal)
    }

    /// The window the body's text shows in, for an editor with `lineCount` lines.
    func bodyTextSize(lineCount: Int) -> Size {
        let area = BodyPane.textArea(size: size, lineCount: lineCount)
        return Size(width: area.width, height: area.height)
    }

    mutating func handleBodyKey(_ key: Key) -> [EditorEffect] {
        guard var editor = body else {
            setMode(.normal)
            return []
        }
        let window = bodyTextSize(lineCount: editor.buffer.lineCount)
        var effects: [EditorEffect] = []
        var edit: BodyEdit?
        // A paste is an undo step of its own, not part of the typing around it.
        var isOwnUndoStep = false
        if let action = BodyKeymap.standard.action(for: key) {
            switch action {
            case .left: editor.move(.left)
            case .right: editor.move(.right)
            case .up: editor.move(.up)
            case .down: editor.move(.down)
            case .wordLeft: editor.move(.wordLeft)
            case .wordRight: editor.move(.wordRight)
            case .lineStart: editor.move(.lineStart)
            case .lineEnd: editor.move(.lineEnd)
            case .bodyStart: editor.move(.bodyStart)
            case .bodyEnd: editor.move(.bodyEnd)
            case .pageUp: editor.move(.pageUp, page: window.height)
            case .pageDown: editor.move(.pageDown, page: window.height)
            case .selectLeft: editor.move(.left, extending: true)
            case .selectRight: editor.move(.right, extending: true)
            case .selectUp: editor.move(.up, extending: true)
            case .selectDown: editor.move(.down, extending: true)
            case .selectLineStart: editor.move(.lineStart, extending: true)
            case .selectLineEnd: editor.move(.lineEnd, extending: true)
            case .toggleMark: editor.toggleMark()
            case .newline: edit = editor.insert(editor.lineBreak)
            case .indent: edit = editor.insert(editor.indentation)
            case .deleteBackward: edit = editor.deleteBackward()
            case .deleteForward: edit = editor.deleteForward()
            case .copy:
                if let text = editor.selectedText {
                    bodyClipboard = text
                    editor.clearSelection()
                } else {
                    toast(.info, "Nothing selected to copy: Shift-arrows or Ctrl-Space select.")
                }
            case .cut:
                if let text = editor.selectedText {
                    bodyClipboard = text
                    edit = editor.insert("")
                } else {
                    toast(.info, "Nothing selected to cut: Shift-arrows or Ctrl-Space select.")
                }
            case .paste:
                if bodyClipboard.isEmpty {
                    toast(.info, "Nothing to paste: Ctrl-C or Ctrl-X in a body copies a selection first.")
                } else {
                    edit = editor.insert(bodyClipboard)
                    isOwnUndoStep = true
                }
            case .save: effects = requestSave()
            case .undo: effects = [.undo]
            case .redo: effects = [.redo]
            case .redraw: effects = [.redraw]
            case .close:
                if !editor.clearSelection() {
                    closeBody()
                    return []
                }
            }
        } else if case .character(let character) = key {
            edit = editor.insert(String(character))
        } else if case .alt = key {
            // An Alt the body does not know does nothing: replayed as Esc and a key it would close the
            // body and run a graph command (Alt-a would add a job, Alt-u undo).
            toast(.info, "That key does nothing in a body. ? lists the keys; Esc goes back to the graph.")
            return []
        }
        editor.scrollCursorIntoView(bodyTextSize(lineCount: editor.buffer.lineCount))
        body = editor
        if let edit {
            let change = EditorEffect.editBody(
                jobID: editor.jobID, utf16Offset: edit.utf16Offset, deleteCount: edit.deleteCount,
                insert: edit.insert)
            effects += isOwnUndoStep ? [.endUndoStep, change, .endUndoStep] : [change]
        }
        return effects
    }

    /// After the workflow changed: the open body follows the document's text (a compare when it is
    /// what we already show), and closes when its job is gone.
    mutating func refreshBody() {
        guard var editor = body else { return }
        guard let job = workflow.job(editor.jobID) else {
            body = nil
            if mode == .body { setMode(.normal) }
            toast(.warning, "The job whose body you were editing was removed.", sticky: true)
            return
        }
        editor.reload(job.body)
        editor.scrollCursorIntoView(bodyTextSize(lineCount: editor.buffer.lineCount))
        body = editor
    }

    /// Whether the open body editor already shows every change of `ids` (someone typing in the body
    /// we are in): no message for each of their keystrokes then.
    func bodyShowsAll(of ids: Set<String>) -> Bool {
        guard mode == .body, let body else { return false }
        return ids == [body.jobID]
    }

    /// The document says where our cursor and anchor stand now.
    mutating func placeBodyCursor(jobID: String, utf16Offset: Int, anchor: Int?) {
        guard var editor = body, editor.jobID == jobID else { return }
        editor.place(cursor: utf16Offset, anchor: anchor)
        editor.scrollCursorIntoView(bodyTextSize(lineCount: editor.buffer.lineCount))
        body = editor
    }
}
