/// The body editor on screen: the whole area above the status bar, a frame titled with the job, line
/// numbers, the text scrolled to the cursor (long lines scroll sideways, tabs show as spaces), our
/// cursor and selection, and each collaborator's cursor and selection in their colour with their
/// initials beside the line number.
///
/// Draws only the lines in the window, and of a long line only the part in the window (a plain ASCII
/// line is not even read before it), so a long body or a 50,000-character line costs what the window
/// shows. The `\r` of a `\r\n` is part of the line break and never drawn (a lone `\r` shows as a
/// space).
public enum BodyPane {
    /// The pane with its frame, for a terminal of `size`.
    static func panel(size: Size) -> Rect {
        Rect(x: 0, y: 0, width: size.width, height: max(0, size.height - 2))
    }

    /// Columns of line numbers (at least 3).
    static func numberWidth(lineCount: Int) -> Int { max(3, String(lineCount).count) }

    /// The number, a space, two columns of initials and the gutter line.
    static func gutterWidth(lineCount: Int) -> Int { numberWidth(lineCount: lineCount) + 4 }

    /// Where the text shows.
    static func textArea(size: Size, lineCount: Int) -> Rect {
        let inner = panel(size: size).inset(by: 1)
        let gutter = gutterWidth(lineCount: lineCount)
        return Rect(x: inner.x + gutter, y: inner.y, width: inner.width - gutter, height: inner.height)
    }

    /// A collaborator's cursor in this body.
    private struct Remote {
        var initials: String
        var colour: Int
        var cursor: Int
        var selection: Range<Int>?
        var line: Int
    }

    static func draw(_ state: EditorState, editor: BodyEditor, glyphs: GlyphSet, into grid: inout CellGrid) {
        let buffer = editor.buffer
        let panel = panel(size: state.size)
        grid.fill(panel)
        ScreenRenderer.drawFrame(
            panel, title: "Body: " + state.displayName(of: editor.jobID), role: .borderFocused,
            glyphs: glyphs,
            into: &grid)
        let (cursorLine, _) = editor.cursorLocation
        var position = "Ln \(cursorLine + 1), Col \(editor.cursorDisplayColumn + 1)"
        if let selection = editor.selection { position += ", \(selection.count) selected" }
        if editor.isMarking { position += ", mark set" }
        let footer = " \(position) "
        let footerWidth = DisplayWidth.of(footer)
        if panel.width > footerWidth + 4 {
            grid.write(footer, x: panel.maxX - 2 - footerWidth, y: panel.maxY - 1, role: .title)
        }

        let area = textArea(size: state.size, lineCount: buffer.lineCount)
        guard area.width > 0, area.height > 0 else { return }
        let remotes: [Remote] = state.participants.compactMap { participant in
            guard let presence = participant.bodyCursor, presence.jobID == editor.jobID else { return nil }
            let cursor = max(0, min(presence.utf16Offset, buffer.utf16Count))
            let selection = presence.anchor.flatMap { anchor -> Range<Int>? in
                let anchor = max(0, min(anchor, buffer.utf16Count))
                return anchor == cursor ? nil : min(anchor, cursor)..<max(anchor, cursor)
            }
            return Remote(
                initials: participant.initials, colour: participant.colourIndex, cursor: cursor,
                selection: selection, line: buffer.location(ofUTF16: cursor).line)
        }

        func role(at offset: Int) -> StyleRole {
            if offset == editor.cursor { return .codeCursor }
            if let remote = remotes.first(where: { $0.cursor == offset }) {
                return .presenceCursor(remote.colour)
            }
            if editor.selection?.contains(offset) == true { return .selection }
            if let remote = remotes.first(where: { $0.selection?.contains(offset) == true }) {
                return .presence(remote.colour)
            }
            return .code
        }

        let numberWidth = numberWidth(lineCount: buffer.lineCount)
        let gutterX = area.x - gutterWidth(lineCount: buffer.lineCount)
        let scroll = editor.scroll
        var lineStart = buffer.utf16Offset(line: scroll.y, column: 0)
        for row in 0..<area.height {
            let index = scroll.y + row
            guard index < buffer.lineCount else { break }
            let y = area.y + row
            let line = buffer.line(index)
            let number = String(index + 1)
            grid.write(
                String(repeating: " ", count: max(0, numberWidth - number.count)) + number, x: gutterX, y: y,
                role: .codeLineNumber)
            if let remote = remotes.first(where: { $0.line == index }) {
                grid.write(
                    remote.initials, x: gutterX + numberWidth + 1, y: y, role: .presence(remote.colour),
                    maxColumns: 2)
            }
            grid.put(glyphs.gutter, x: area.x - 1, y: y, role: .codeLineNumber)

            let (end, isComplete) = line.forEachGlyph(from: scroll.x, to: scroll.x + area.width) { glyph in
                let end = glyph.column + glyph.width
                let cellRole = role(at: lineStart + glyph.utf16)
                let x = area.x + glyph.column - scroll.x
                if glyph.character == "\t" || glyph.character == "\r" || glyph.column < scroll.x {
                    // A tab shows as spaces, a lone `\r` as one; a wide character cut by the left edge too.
                    for column in max(glyph.column, scroll.x)..<end {
                        grid.put(" ", x: area.x + column - scroll.x, y: y, role: cellRole, clip: area)
                    }
                } else {
                    grid.put(glyph.character, x: x, y: y, role: cellRole, clip: area)
                }
            }
            // The line's end: a cursor standing there, or a selected line break (`\r\n` is one).
            let endOffset = lineStart + line.contentLength
            let endRole = role(at: endOffset)
            if isComplete, endRole != .code, end >= scroll.x,
                endOffset < buffer.utf16Count || endRole != .selection
            {
                grid.put(" ", x: area.x + end - scroll.x, y: y, role: endRole, clip: area)
            }
            lineStart += buffer.length(ofLine: index) + 1
        }

        let middleRow = panel.y + panel.height / 2
        if scroll.x > 0 { grid.put(glyphs.scrollLeft, x: panel.x, y: middleRow, role: .accent) }
        if scroll.y > 0 { grid.put(glyphs.scrollUp, x: panel.x + panel.width / 2, y: panel.y, role: .accent) }
        if scroll.y + area.height < buffer.lineCount {
            grid.put(glyphs.scrollDown, x: panel.x + panel.width / 2, y: panel.maxY - 1, role: .accent)
        }
    }
}
