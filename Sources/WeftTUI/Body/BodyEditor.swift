/// One edit of a body, in the document's units: delete `deleteCount` UTF-16 units at `utf16Offset`,
/// then insert `insert` there.
public struct BodyEdit: Hashable, Sendable {
    public var utf16Offset: Int
    public var deleteCount: Int
    public var insert: String

    public init(utf16Offset: Int, deleteCount: Int, insert: String) {
        self.utf16Offset = utf16Offset
        self.deleteCount = deleteCount
        self.insert = insert
    }
}

/// The body editor of one job as a value: the text (``BodyBuffer``), the cursor and the selection,
/// and what part of the text the window shows.
///
/// Positions are UTF-16 offsets into the body, as the document counts them, and always on a grapheme
/// boundary when they come from here. The editor applies its own edits to its buffer at once (the
/// screen follows the keystroke without waiting for the document) and hands the same edit out as a
/// ``BodyEdit`` for the document.
public struct BodyEditor: Hashable, Sendable {
    /// How the cursor moves.
    public enum Motion: Hashable, Sendable {
        case left, right, up, down
        case wordLeft, wordRight
        case lineStart, lineEnd
        case bodyStart, bodyEnd
        case pageUp, pageDown
    }

    /// The job whose body this is.
    public let jobID: String
    public private(set) var buffer: BodyBuffer
    /// The cursor, a UTF-16 offset into the body.
    public private(set) var cursor = 0
    /// The other end of the selection; nil when nothing is selected.
    public private(set) var anchor: Int?
    /// Whether the mark is set (Ctrl-Space): plain moves extend the selection until an edit or Esc.
    public private(set) var isMarking = false
    /// The display column vertical moves aim for (kept across short lines).
    private var goalColumn: Int?
    /// The first line and display column the window shows.
    public private(set) var scroll = Point.zero

    /// An editor on `text`, the cursor at its start.
    public init(jobID: String, text: String) {
        self.jobID = jobID
        buffer = BodyBuffer(text)
    }

    // MARK: Reading

    /// The cursor's line and UTF-16 column.
    public var cursorLocation: (line: Int, column: Int) { buffer.location(ofUTF16: cursor) }

    /// The cursor's display column in its line.
    public var cursorDisplayColumn: Int {
        let (line, column) = cursorLocation
        return buffer.line(line).displayColumn(ofUTF16: column)
    }

    /// The line break Enter inserts: `\r\n` in a line that ends with one (or, on the last line, after
    /// a line that does), so a body with Windows line ends keeps them; `\n` otherwise.
    public var lineBreak: String {
        let line = cursorLocation.line
        let endsInCRLF = { (index: Int) in
            index + 1 < buffer.lineCount && buffer.contentLength(ofLine: index) < buffer.length(ofLine: index)
        }
        if endsInCRLF(line) || (line + 1 == buffer.lineCount && line > 0 && endsInCRLF(line - 1)) {
            return "\r\n"
        }
        return "\n"
    }

    /// The selected UTF-16 range, when something is selected.
    public var selection: Range<Int>? {
        guard let anchor, anchor != cursor else { return nil }
        return min(anchor, cursor)..<max(anchor, cursor)
    }

    /// The selected text, when something is selected.
    public var selectedText: String? {
        selection.map { buffer.text(from: $0.lowerBound, to: $0.upperBound) }
    }

    // MARK: Moving

    /// Moves the cursor; with `extending` (or the mark set) the selection grows from where it was,
    /// otherwise it goes. `page` is the window's height for page moves.
    public mutating func move(_ motion: Motion, extending: Bool = false, page: Int = 10) {
        let extend = extending || isMarking
        if extend, anchor == nil { anchor = cursor }
        if !extend { anchor = nil }
        switch motion {
        case .up, .down, .pageUp, .pageDown:
            let lines: Int
            switch motion {
            case .up: lines = -1
            case .down: lines = 1
            case .pageUp: lines = -max(1, page)
            default: lines = max(1, page)
            }
            moveVertically(by: lines)
            if motion == .pageUp || motion == .pageDown {
                scroll.y = max(0, min(scroll.y + lines, buffer.lineCount - 1))
            }
            return
        case .left: cursor = step(left: cursor)
        case .right: cursor = step(right: cursor)
        case .wordLeft: cursor = wordStart(before: cursor)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .lineStart:
            let line = cursorLocation.line
            let indent = buffer.lines[line].prefix { $0 == " " || $0 == "\t" }.utf16.count
            // Home goes to the first non-blank character, and from there to the very start.
            let column = cursorLocation.column == indent ? 0 : indent
            cursor = buffer.utf16Offset(line: line, column: column)
        case .lineEnd:
            let line = cursorLocation.line
            cursor = buffer.utf16Offset(line: line, column: buffer.contentLength(ofLine: line))
        case .bodyStart: cursor = 0
        case .bodyEnd: cursor = buffer.utf16Count
        }
        goalColumn = nil
    }

    /// Sets or clears the mark (Ctrl-Space): set, moves select; cleared, the selection goes.
    public mutating func toggleMark() {
        if isMarking || anchor != nil {
            isMarking = false
            anchor = nil
        } else {
            isMarking = true
            anchor = cursor
        }
    }

    /// Drops the selection and the mark; returns whether there was one.
    @discardableResult
    public mutating func clearSelection() -> Bool {
        let had = anchor != nil || isMarking
        anchor = nil
        isMarking = false
        return had
    }

    // MARK: Editing

    /// Typing `text`: it replaces the selection, or goes in at the cursor. Nil when nothing changes.
    public mutating func insert(_ text: String) -> BodyEdit? {
        let range = selection ?? cursor..<cursor
        guard !text.isEmpty || !range.isEmpty else { return nil }
        return apply(BodyEdit(utf16Offset: range.lowerBound, deleteCount: range.count, insert: text))
    }

    /// Backspace: the selection, or the grapheme (or line break) before the cursor.
    public mutating func deleteBackward() -> BodyEdit? {
        if let range = selection {
            return apply(BodyEdit(utf16Offset: range.lowerBound, deleteCount: range.count, insert: ""))
        }
        let start = step(left: cursor)
        guard start < cursor else { return nil }
        return apply(BodyEdit(utf16Offset: start, deleteCount: cursor - start, insert: ""))
    }

    /// Delete: the selection, or the grapheme (or line break) after the cursor.
    public mutating func deleteForward() -> BodyEdit? {
        if let range = selection {
            return apply(BodyEdit(utf16Offset: range.lowerBound, deleteCount: range.count, insert: ""))
        }
        let end = step(right: cursor)
        guard end > cursor else { return nil }
        return apply(BodyEdit(utf16Offset: cursor, deleteCount: end - cursor, insert: ""))
    }

    /// Spaces from the cursor to the next indent stop (every ``indentWidth`` columns).
    public var indentation: String {
        String(repeating: " ", count: Self.indentWidth - cursorDisplayColumn % Self.indentWidth)
    }

    /// Tab indents by spaces to the next multiple of this many columns.
    public static let indentWidth = 2

    /// Makes `edit` in the buffer; the cursor goes to the end of what was inserted.
    @discardableResult
    mutating func apply(_ edit: BodyEdit) -> BodyEdit {
        buffer.replace(utf16Offset: edit.utf16Offset, count: edit.deleteCount, with: edit.insert)
        cursor = edit.utf16Offset + edit.insert.utf16.count
        anchor = nil
        isMarking = false
        goalColumn = nil
        return edit
    }

    // MARK: The document moved on

    /// Takes the body as the document has it now. Unchanged text (our own edit coming back) costs a
    /// compare, not a split. The cursor and selection are clamped; the driver then places them where
    /// their relative positions say (``place(cursor:anchor:)``).
    public mutating func reload(_ text: String) {
        guard !buffer.matches(text) else { return }
        buffer = BodyBuffer(text)
        cursor = onContent(cursor)
        anchor = anchor.map(onContent)
        scroll.y = min(scroll.y, buffer.lineCount - 1)
    }

    /// Puts the cursor (and the selection's anchor) where the document says they are now.
    public mutating func place(cursor newCursor: Int, anchor newAnchor: Int?) {
        cursor = onContent(newCursor)
        if anchor != nil || isMarking, let newAnchor { anchor = onContent(newAnchor) }
    }

    /// Scrolls so the cursor is inside a window of `size`.
    public mutating func scrollCursorIntoView(_ size: Size) {
        let (line, _) = cursorLocation
        let height = max(1, size.height)
        let width = max(1, size.width)
        if line < scroll.y { scroll.y = line }
        if line >= scroll.y + height { scroll.y = line - height + 1 }
        let column = cursorDisplayColumn
        if column < scroll.x { scroll.x = max(0, column - width / 4) }
        if column >= scroll.x + width { scroll.x = column - width + 1 + min(width / 4, 8) }
        scroll.y = max(0, min(scroll.y, buffer.lineCount - 1))
    }

    // MARK: Steps

    private mutating func moveVertically(by lines: Int) {
        let (line, column) = cursorLocation
        let goal = goalColumn ?? buffer.line(line).displayColumn(ofUTF16: column)
        let target = line + lines
        if target < 0 {
            cursor = 0
        } else if target >= buffer.lineCount {
            cursor = buffer.utf16Count
        } else {
            cursor = buffer.utf16Offset(
                line: target, column: buffer.line(target).utf16Column(atDisplay: goal))
        }
        goalColumn = goal
    }

    /// `offset` clamped to the body and moved off the middle of a `\r\n` (to before the `\r`).
    private func onContent(_ offset: Int) -> Int {
        let offset = max(0, min(offset, buffer.utf16Count))
        let (line, column) = buffer.location(ofUTF16: offset)
        let end = buffer.contentLength(ofLine: line)
        return column > end ? offset - (column - end) : offset
    }

    /// One grapheme (or line break: a `\r\n` is one) left of `offset`.
    func step(left offset: Int) -> Int {
        let (line, column) = buffer.location(ofUTF16: offset)
        if column == 0 {
            return line > 0
                ? buffer.utf16Offset(line: line - 1, column: buffer.contentLength(ofLine: line - 1)) : offset
        }
        return offset - column + buffer.line(line).boundary(before: column)
    }

    /// One grapheme (or line break: a `\r\n` is one) right of `offset`.
    func step(right offset: Int) -> Int {
        let (line, column) = buffer.location(ofUTF16: offset)
        let text = buffer.line(line)
        if column >= text.contentLength {
            return line + 1 < buffer.lineCount ? offset - column + buffer.length(ofLine: line) + 1 : offset
        }
        return offset - column + text.boundary(after: column)
    }

    /// Where Ctrl-Left goes from `offset`: back over what is not a word (line breaks too), then to the
    /// start of the word before it.
    ///
    /// - Complexity: O(graphemes passed), plus finding the line (O(lines before it)).
    func wordStart(before offset: Int) -> Int {
        var (line, column) = buffer.location(ofUTF16: offset)
        while true {
            let text = buffer.line(line)
            column = text.retreat(from: column) { !BodyLine.isWordCharacter($0) }
            if column > 0 || line == 0 { break }
            line -= 1
            column = buffer.contentLength(ofLine: line)
        }
        column = buffer.line(line).retreat(from: column, while: BodyLine.isWordCharacter)
        return buffer.utf16Offset(line: line, column: column)
    }

    /// Where Ctrl-Right goes from `offset`: over what is not a word (line breaks too), then to the
    /// end of the word after it.
    ///
    /// - Complexity: O(graphemes passed), plus finding the line (O(lines before it)).
    func wordEnd(after offset: Int) -> Int {
        var (line, column) = buffer.location(ofUTF16: offset)
        while true {
            let text = buffer.line(line)
            column = text.advance(from: column) { !BodyLine.isWordCharacter($0) }
            if column < text.contentLength || line + 1 == buffer.lineCount { break }
            line += 1
            column = 0
        }
        column = buffer.line(line).advance(from: column, while: BodyLine.isWordCharacter)
        return buffer.utf16Offset(line: line, column: column)
    }
}
