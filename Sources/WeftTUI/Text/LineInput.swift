/// A single line of text being typed, with a cursor: what a field of the inspector holds while it
/// is edited.
///
/// The cursor is a count of characters (grapheme clusters) from the start, so it never splits one.
/// Keys the input does not know are left to the caller (``handle(_:)`` returns false); Enter and
/// Esc are always the caller's.
public struct LineInput: Hashable, Sendable {
    public private(set) var text: String
    /// Characters before the cursor, 0...text.count.
    public private(set) var cursor: Int
    /// The text is only a suggestion (a new job's "New job", a name opened for renaming): the first
    /// character typed replaces all of it, and Backspace or Delete clears it; moving the cursor
    /// first keeps it for editing.
    public private(set) var isSuggestion = false

    /// An input holding `text` with the cursor at its end.
    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// An input offering `text` as a suggestion that typing replaces (``isSuggestion``), cursor at its end.
    public static func suggesting(_ text: String) -> LineInput {
        var input = LineInput(text)
        input.isSuggestion = !text.isEmpty
        return input
    }

    /// An input holding `text` with the cursor after `cursor` characters (clamped).
    public init(_ text: String, cursor: Int) {
        self.text = text
        self.cursor = max(0, min(cursor, text.count))
    }

    /// The text before and after the cursor, for drawing it.
    public var beforeCursor: Substring { text.prefix(cursor) }
    public var afterCursor: Substring { text.dropFirst(cursor) }

    /// Types `string` at the cursor (a line: newlines and tabs become spaces).
    public mutating func insert(_ string: String) {
        dropSuggestion()
        let clean = String(string.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        text = String(beforeCursor) + clean + String(afterCursor)
        cursor += clean.count
    }

    /// Backspace: deletes the character before the cursor.
    public mutating func deleteBackward() {
        if isSuggestion { return dropSuggestion() }
        guard cursor > 0 else { return }
        text = String(text.prefix(cursor - 1)) + String(afterCursor)
        cursor -= 1
    }

    /// Delete: deletes the character under the cursor.
    public mutating func deleteForward() {
        if isSuggestion { return dropSuggestion() }
        guard cursor < text.count else { return }
        text = String(beforeCursor) + String(text.dropFirst(cursor + 1))
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    public mutating func moveToStart() { cursor = 0 }
    public mutating func moveToEnd() { cursor = text.count }

    /// Ctrl-U: deletes everything before the cursor (the shell's "kill line backward").
    public mutating func deleteToStart() {
        text = String(afterCursor)
        cursor = 0
    }

    /// Ctrl-K: deletes everything from the cursor on.
    public mutating func deleteToEnd() {
        text = String(beforeCursor)
    }

    /// Applies an editing key: characters, Backspace, Delete, Left, Right, Home, End, Ctrl-A, Ctrl-E,
    /// Ctrl-U, Ctrl-K. Returns false for any other key, which the input leaves alone.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .left, .right, .home, .end, .control("a"), .control("e"): isSuggestion = false
        default: break
        }
        switch key {
        case .character(let character): insert(String(character))
        case .backspace, .control("h"): deleteBackward()
        case .delete: deleteForward()
        case .left: moveLeft()
        case .right: moveRight()
        case .home, .control("a"): moveToStart()
        case .end, .control("e"): moveToEnd()
        case .control("u"): deleteToStart()
        case .control("k"): deleteToEnd()
        default: return false
        }
        return true
    }

    /// Clears a suggestion (a no-op for text that is the person's own).
    private mutating func dropSuggestion() {
        guard isSuggestion else { return }
        isSuggestion = false
        text = ""
        cursor = 0
    }
}
