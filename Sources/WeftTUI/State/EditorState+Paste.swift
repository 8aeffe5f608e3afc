/// Pasted text (``EditorEvent/paste(_:)``): where it goes depends on what is being typed into.
extension EditorState {
    /// - In a body: inserted at the cursor (over the selection) as one edit, so one update to the
    ///   others and one undo step of its own. Line breaks stay (`\r\n` and `\r` become the body's
    ///   line break, as Enter types it); a tab becomes the spaces a typed Tab would insert there.
    /// - In a text field being typed: its first line, at the cursor.
    /// - Anywhere else: nothing happens but a word on where pasting works — pasted text is never taken
    ///   for the graph's one-letter commands.
    mutating func handlePaste(_ text: String) -> [EditorEffect] {
        let normalised = text.replacingLineBreaks()
        switch mode {
        case .body:
            return pasteIntoBody(normalised)
        case .inspector(var inspector):
            guard var input = inspector.editing else { break }
            input.insert(String(normalised.prefix { $0 != "\n" }))
            inspector.editing = input
            setMode(.inspector(inspector))
            return []
        default:
            break
        }
        if !normalised.isEmpty {
            toast(.info, "Pasting works in a body (b) or a field being typed (Enter on it).")
        }
        return []
    }

    private mutating func pasteIntoBody(_ text: String) -> [EditorEffect] {
        guard var editor = body else { return [] }
        if isReadOnly {
            refuseReadOnly()
            return []
        }
        // Tabs expand as typed Tabs do: to the next indent stop, counted from the line's start.
        var expanded = ""
        let (line, utf16) = editor.buffer.location(ofUTF16: editor.selection?.lowerBound ?? editor.cursor)
        var column = editor.buffer.line(line).displayColumn(ofUTF16: utf16)
        let lineBreak = editor.lineBreak
        for character in text {
            switch character {
            case "\t":
                let width = BodyEditor.indentWidth - column % BodyEditor.indentWidth
                expanded += String(repeating: " ", count: width)
                column += width
            case "\n":
                expanded += lineBreak
                column = 0
            default:
                expanded.append(character)
                column += DisplayWidth.of(character)
            }
        }
        guard let edit = editor.insert(expanded) else { return [] }
        editor.scrollCursorIntoView(bodyTextSize(lineCount: editor.buffer.lineCount))
        body = editor
        return [
            .endUndoStep,
            .editBody(
                jobID: editor.jobID, utf16Offset: edit.utf16Offset, deleteCount: edit.deleteCount,
                insert: edit.insert),
            .endUndoStep,
        ]
    }
}

extension String {
    /// `\r\n` and a lone `\r` as `\n`.
    fileprivate func replacingLineBreaks() -> String {
        guard contains("\r") || contains("\r\n") else { return self }
        var result = ""
        for character in self {
            if character == "\r\n" || character == "\r" { result.append("\n") } else { result.append(character) }
        }
        return result
    }
}
