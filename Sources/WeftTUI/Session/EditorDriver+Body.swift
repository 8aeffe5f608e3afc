import WeftClient

/// The body cursor last published: which job, where, and the selection's other end.
struct PublishedBodyCursor: Hashable {
    var jobID: String
    var cursor: Int
    var anchor: Int?
}

/// The body editor's side of the driver: making its edits in the document, reading its cursor back
/// from the relative position the session keeps (so it stays on its character while others type),
/// and publishing it as presence.
extension EditorDriver {
    /// Makes a body edit in the document as one transaction; returns what went wrong, if anything.
    func editBody(jobID: String, utf16Offset: Int, deleteCount: Int, insert: String) -> String? {
        documentChangedLocally = true
        do {
            try session.edit { edit in
                if deleteCount > 0 {
                    try edit.deleteText(inBodyOf: jobID, atUTF16: utf16Offset, count: deleteCount)
                }
                if !insert.isEmpty { try edit.insertText(insert, intoBodyOf: jobID, atUTF16: utf16Offset) }
            }
            return nil
        } catch {
            return "The body was not changed: \(error)"
        }
    }

    /// What follows a batch that changed the document itself: the document as it reads now, and after
    /// an undo or redo, where the cursor went.
    func eventsAfterLocalChanges() -> [EditorEvent] {
        guard documentChangedLocally else { return [] }
        documentChangedLocally = false
        var events: [EditorEvent] = [
            .localChange(
                LocalChange(
                    workflow: session.workflow, isDirty: session.isDirty, canUndo: session.canUndo,
                    canRedo: session.canRedo))
        ]
        if cursorNeedsResolving {
            cursorNeedsResolving = false
            events += resolvedBodyCursor()
        }
        // Others' cursors stay on their characters through our edits too.
        let collaborators = session.collaborators
        if collaborators.contains(where: { $0.bodyCursor != nil }) {
            events.append(.presence(collaborators.map { SessionEvents.participant($0, in: session) }))
        }
        return events
    }

    /// After others changed the document: where our cursor stands now, and everyone's body cursors
    /// resolved again against the new text (also while no body is open, so a body opened later shows
    /// them where they are).
    func bodyEventsAfterDocumentChange() -> [EditorEvent] {
        let collaborators = session.collaborators
        guard collaborators.contains(where: { $0.bodyCursor != nil }) else { return resolvedBodyCursor() }
        return resolvedBodyCursor() + [
            .presence(collaborators.map { SessionEvents.participant($0, in: session) })
        ]
    }

    /// Our cursor read back from its relative position, when the body editor is open on its job.
    private func resolvedBodyCursor() -> [EditorEvent] {
        guard let editor = state.body, let cursor = session.ownBodyCursor, cursor.jobID == editor.jobID else {
            return []
        }
        guard let offset = session.utf16Offset(of: cursor) else {
            // What it stood on is gone for good (the body's text was replaced as a whole): the cursor
            // stays at its offset, clamped to the new text, and is anchored and published again there
            // after this batch — left alone, the others would not see it until it moved.
            publishedBodyCursor = nil
            return []
        }
        let anchor = session.utf16OffsetOfAnchor(of: cursor)
        publishedBodyCursor = PublishedBodyCursor(jobID: editor.jobID, cursor: offset, anchor: anchor)
        return [.bodyCursorMoved(jobID: editor.jobID, utf16Offset: offset, anchor: anchor)]
    }

    /// Tells the others where our body cursor is when it moved (or that it left the body).
    func publishBodyCursor() {
        let current = state.body.map { editor in
            // The anchor goes with the mark even before anything is selected, so it too stays on its
            // character while others type.
            PublishedBodyCursor(jobID: editor.jobID, cursor: editor.cursor, anchor: editor.anchor)
        }
        guard current != publishedBodyCursor else { return }
        publishedBodyCursor = current
        if let current {
            try? session.setBodyCursor(
                jobID: current.jobID, utf16Offset: current.cursor, anchorUTF16: current.anchor)
        } else {
            session.clearBodyCursor()
        }
    }
}
