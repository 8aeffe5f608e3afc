/// One line of a body as the editor reads it: grapheme clusters (what the cursor steps over), UTF-16
/// columns (what the document counts) and display columns (what the screen shows: ``DisplayWidth``,
/// with a tab reaching the next multiple of ``tabWidth``).
///
/// The cursor only ever stands on a grapheme boundary: an `é` made of two scalars, an emoji with its
/// modifiers or a flag are stepped over, deleted and measured as one. A `\r` before the line feed is
/// part of the line break, not of the line: ``contentLength`` stops before it, so End, the cursor and
/// the screen never go past it.
///
/// **Cost.** Every step works from where it is, never from the line's start: a step is a grapheme
/// break found around one index (`String.index(before:)`/`index(after:)`, with UTF-16 offsets turned
/// into indices by the string's own breadcrumbs). A *plain* line — printable ASCII only, the usual
/// case for a minified bundle or a base64 token — has one column per UTF-16 unit, so its display
/// columns cost nothing to find; on a long line that is not, a display column costs the graphemes
/// since the nearest of its ``LineCheckpoints`` (on a short one, those since its start).
struct BodyLine {
    /// Tab stops every this many columns (as the details pane shows tabs).
    static let tabWidth = 4

    /// A grapheme of a line and where it is.
    struct Glyph {
        var character: Character
        /// Its UTF-16 column in the line.
        var utf16: Int
        /// Its first display column in the line.
        var column: Int
        /// The display columns it takes (a tab: up to the next stop).
        var width: Int
    }

    /// The line's text (its `\r` included, its `\n` not).
    let text: String
    /// Where its content ends, in UTF-16 units: before a `\r` that belongs to the line break.
    let contentLength: Int
    /// Whether its content is printable ASCII only: one grapheme and one display column per unit.
    let isPlain: Bool
    /// Where its graphemes stand every so often, when it is long and not plain.
    let checkpoints: LineCheckpoints?

    /// The line `text`; `endsInLineBreak` says whether a line feed follows it, so that a `\r` at its
    /// end is part of a `\r\n`; `isPlain` is ``BodyLine/isPlain(_:)`` of it, when known.
    init(
        _ text: String, endsInLineBreak: Bool, isPlain: Bool? = nil, utf16Count: Int? = nil,
        checkpoints: LineCheckpoints? = nil
    ) {
        self.text = text
        self.checkpoints = checkpoints
        let utf16Count = utf16Count ?? text.utf16.count
        let dropsReturn = endsInLineBreak && text.utf8.last == 13
        contentLength = dropsReturn ? utf16Count - 1 : utf16Count
        self.isPlain = !(text.utf8.last == 13 && !dropsReturn) && (isPlain ?? Self.isPlain(text))
    }

    /// Whether `text` is printable ASCII (space to `~`) apart from one `\r` at its end.
    static func isPlain(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.last == 13 { bytes = bytes.dropLast() }
        return bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    // MARK: Indices

    /// The string index of UTF-16 `column` (clamped to the content).
    private func index(_ column: Int) -> String.Index {
        let column = max(0, min(column, contentLength))
        if isPlain { return text.utf8.index(text.utf8.startIndex, offsetBy: column) }
        return text.utf16.index(text.utf16.startIndex, offsetBy: column)
    }

    /// The content's end as a string index.
    private var contentEnd: String.Index { index(contentLength) }

    /// The character at a plain line's UTF-16 `column`.
    private func plainCharacter(_ column: Int) -> Character {
        Character(Unicode.Scalar(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: column)]))
    }

    // MARK: Steps

    /// The grapheme boundary before UTF-16 `column` (0 at the start).
    func boundary(before column: Int) -> Int {
        let column = min(column, contentLength)
        guard column > 0 else { return 0 }
        if isPlain { return column - 1 }
        let here = index(column)
        let previous = text.index(before: here)
        return column - text.utf16.distance(from: previous, to: here)
    }

    /// The grapheme boundary after UTF-16 `column` (the content's end at the end).
    func boundary(after column: Int) -> Int {
        guard column < contentLength else { return contentLength }
        if isPlain { return column + 1 }
        let here = index(column)
        let next = text.index(after: here)
        return min(contentLength, column + text.utf16.distance(from: here, to: next))
    }

    /// From UTF-16 `column` forwards over the graphemes that satisfy `test`; where it stops.
    ///
    /// - Complexity: O(graphemes passed).
    func advance(from column: Int, while test: (Character) -> Bool) -> Int {
        var column = min(column, contentLength)
        if isPlain {
            while column < contentLength, test(plainCharacter(column)) { column += 1 }
            return column
        }
        let start = index(column)
        let end = contentEnd
        var position = start
        while position < end, test(text[position]) { position = text.index(after: position) }
        return min(contentLength, column + text.utf16.distance(from: start, to: position))
    }

    /// From UTF-16 `column` backwards over the graphemes that satisfy `test`; where it stops.
    ///
    /// - Complexity: O(graphemes passed).
    func retreat(from column: Int, while test: (Character) -> Bool) -> Int {
        var column = min(column, contentLength)
        if isPlain {
            while column > 0, test(plainCharacter(column - 1)) { column -= 1 }
            return column
        }
        let start = index(column)
        var position = start
        while position > text.startIndex {
            let previous = text.index(before: position)
            guard test(text[previous]) else { break }
            position = previous
        }
        return column - text.utf16.distance(from: position, to: start)
    }

    // MARK: Columns

    /// The display column where UTF-16 `column` starts (the content's end for one past it).
    ///
    /// - Complexity: O(1) on a plain line, else O(graphemes before it).
    func displayColumn(ofUTF16 column: Int) -> Int {
        let column = max(0, min(column, contentLength))
        if isPlain { return column }
        let start = checkpoints?.last(atOrBeforeUTF16: column) ?? (utf16: 0, display: 0)
        var display = start.display
        read(from: start) { glyph in
            guard glyph.utf16 < column else { return false }
            display = glyph.column + glyph.width
            return true
        }
        return display
    }

    /// The UTF-16 column of the last grapheme boundary at or left of display column `target` (the
    /// content's end when it is shorter): where a cursor moving up or down lands.
    ///
    /// - Complexity: O(1) on a plain line, else O(graphemes before it).
    func utf16Column(atDisplay target: Int) -> Int {
        if isPlain { return max(0, min(target, contentLength)) }
        let start = checkpoints?.last(atOrBeforeDisplay: target) ?? (utf16: 0, display: 0)
        var utf16 = start.utf16
        read(from: start) { glyph in
            guard glyph.column + glyph.width <= target else { return false }
            utf16 = glyph.utf16 + glyph.character.utf16.count
            return true
        }
        return utf16
    }

    /// The content's display width.
    var width: Int { displayColumn(ofUTF16: contentLength) }

    /// The glyphs that show in display columns `start..<end`, in order (a wide one cut by `start`
    /// included); returns where the last one ends and whether the content ended before `end`.
    ///
    /// - Complexity: O(glyphs shown) on a plain line, else O(graphemes before `end`).
    @discardableResult
    func forEachGlyph(from start: Int, to end: Int, _ body: (Glyph) -> Void) -> (end: Int, isComplete: Bool) {
        if isPlain {
            let first = max(0, min(start, contentLength))
            let last = max(first, min(end, contentLength))
            if first < last {
                let bytes = text.utf8
                var position = bytes.index(bytes.startIndex, offsetBy: first)
                for column in first..<last {
                    body(
                        Glyph(
                            character: Character(Unicode.Scalar(bytes[position])), utf16: column,
                            column: column, width: 1))
                    position = bytes.index(after: position)
                }
            }
            return (last, last == contentLength)
        }
        let first = checkpoints?.last(atOrBeforeDisplay: start) ?? (utf16: 0, display: 0)
        var column = first.display
        var isComplete = true
        read(from: first) { glyph in
            guard glyph.column < end else {
                isComplete = false
                return false
            }
            if glyph.column + glyph.width > start { body(glyph) }
            column = glyph.column + glyph.width
            return true
        }
        return (column, isComplete)
    }

    /// Reads the content's graphemes from `start` (a grapheme boundary and its display column) while
    /// `body` returns true.
    private func read(from start: (utf16: Int, display: Int), _ body: (Glyph) -> Bool) {
        var utf16 = start.utf16
        var display = start.display
        let first =
            start.utf16 == 0
            ? text.startIndex : text.utf16.index(text.utf16.startIndex, offsetBy: start.utf16)
        for character in text[first...] {
            guard utf16 < contentLength else { return }
            let width = Self.width(of: character, at: display)
            guard body(Glyph(character: character, utf16: utf16, column: display, width: width)) else {
                return
            }
            utf16 += character.utf16.count
            display += width
        }
    }

    /// The columns `character` takes at display column `column` (a tab: to the next stop).
    static func width(of character: Character, at column: Int) -> Int {
        character == "\t" ? tabWidth - column % tabWidth : DisplayWidth.of(character)
    }

    /// Whether a character belongs to a word (for word moves): letters, digits, `_` and `$`.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$"
    }
}
