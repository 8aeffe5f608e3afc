/// Where a long line's graphemes stand every ``stride`` UTF-16 units or so: their UTF-16 columns and
/// the display columns they start at. With them a display column is found from the nearest
/// checkpoint before it rather than from the line's start, so the window on a 50,000-character line
/// that is not plain ASCII costs what it shows, not what lies to its left.
///
/// Only lines of at least ``minimumLength`` units that are not plain ASCII get checkpoints (a plain
/// line needs none: a column there is a UTF-16 column). They are made when the line is, and after an
/// edit of the line those before the edit are kept, so typing near a long line's end costs little.
struct LineCheckpoints: Hashable, Sendable {
    /// About how many UTF-16 units lie between two checkpoints.
    static let stride = 256
    /// Shorter lines are read from their start: that costs less than keeping checkpoints.
    static let minimumLength = 1_024

    /// Grapheme boundaries in ascending order, the first 0.
    private(set) var utf16: [Int] = [0]
    /// The display column each of them starts at.
    private(set) var display: [Int] = [0]

    /// The checkpoints of `text` up to its content's end (before a `\r` ending it). Those of
    /// `previous` before UTF-16 column `unchangedBefore`, where `text` reads as the line they were
    /// made for, are kept and reading starts from the last of them.
    init(text: String, keeping previous: LineCheckpoints? = nil, unchangedBefore: Int = 0) {
        let contentLength = text.utf16.count - (text.utf8.last == 13 ? 1 : 0)
        if let previous {
            // A checkpoint is kept only when the character after it is unchanged too: a boundary
            // depends on the characters on both sides of it.
            let kept = previous.utf16.firstIndex { $0 >= unchangedBefore } ?? previous.utf16.count
            if kept > 1 {
                utf16 = Array(previous.utf16[..<kept])
                display = Array(previous.display[..<kept])
            }
        }
        var column = utf16[utf16.count - 1]
        var displayColumn = display[display.count - 1]
        var next = column + Self.stride
        let first = text.utf16.index(text.utf16.startIndex, offsetBy: column)
        for character in text[first...] {
            guard column < contentLength else { break }
            if column >= next {
                utf16.append(column)
                display.append(displayColumn)
                next = column + Self.stride
            }
            displayColumn += BodyLine.width(of: character, at: displayColumn)
            column += character.utf16.count
        }
    }

    /// Whether a line of `length` UTF-16 units that is (not) plain ASCII gets checkpoints.
    static func areWorthKeeping(length: Int, isPlain: Bool) -> Bool { !isPlain && length >= minimumLength }

    /// The last checkpoint at or before UTF-16 column `column`.
    func last(atOrBeforeUTF16 column: Int) -> (utf16: Int, display: Int) {
        let index = Self.lastIndex(in: utf16, atOrBefore: column)
        return (utf16[index], display[index])
    }

    /// The last checkpoint at or before display column `column`.
    func last(atOrBeforeDisplay column: Int) -> (utf16: Int, display: Int) {
        let index = Self.lastIndex(in: display, atOrBefore: column)
        return (utf16[index], display[index])
    }

    /// The index of the last value at or below `value` in ascending `values` (0 when there is none).
    private static func lastIndex(in values: [Int], atOrBefore value: Int) -> Int {
        var low = 0
        var high = values.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if values[middle] <= value { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
