/// A job's body as lines, addressed the way the document addresses it: UTF-16 offsets.
///
/// The body editor keeps one of these instead of the body's string so that a keystroke in a long body
/// touches one line, not the whole text: ``replace(utf16Offset:count:with:)`` splices the lines it
/// covers, and ``matches(_:)`` tells without splitting whether a body read back from the document is
/// still the same text (the usual case after our own edit). Lines exclude their `\n`; a body that ends
/// with a newline has an empty last line, and an empty body is one empty line. A line keeps the `\r`
/// of a `\r\n` (the offsets are the document's), but its content (``contentLength(ofLine:)``) stops
/// before it.
public struct BodyBuffer: Hashable, Sendable {
    /// The lines, without their line feeds.
    public private(set) var lines: [String]
    /// Each line's length in UTF-16 units.
    private var lengths: [Int]
    /// Whether each line is printable ASCII (``BodyLine/isPlain(_:)``), found once per version of it.
    private var plainLines: [Bool]
    /// Each long line's checkpoints (``LineCheckpoints``); nil for the others.
    private var checkpoints: [LineCheckpoints?]
    /// The whole body's length in UTF-16 units (line feeds included).
    public private(set) var utf16Count: Int

    /// The lines of `text`, split at line feeds (`\r` stays part of its line).
    public init(_ text: String) {
        lines = Self.split(text)
        lengths = lines.map(\.utf16.count)
        plainLines = lines.map(BodyLine.isPlain)
        checkpoints = zip(lines, plainLines).map { line, isPlain in
            LineCheckpoints.areWorthKeeping(length: line.utf16.count, isPlain: isPlain)
                ? LineCheckpoints(text: line) : nil
        }
        utf16Count = lengths.reduce(lines.count - 1, +)
    }

    /// The body as one string.
    public var text: String { lines.joined(separator: "\n") }

    public var lineCount: Int { lines.count }

    /// The UTF-16 length of line `index`.
    public func length(ofLine index: Int) -> Int { lengths[index] }

    /// The UTF-16 length of line `index` without the `\r` of a `\r\n` ending it: where End goes.
    public func contentLength(ofLine index: Int) -> Int { line(index).contentLength }

    /// Line `index` as the editor steps through it and draws it.
    func line(_ index: Int) -> BodyLine {
        BodyLine(
            lines[index], endsInLineBreak: index + 1 < lines.count, isPlain: plainLines[index],
            utf16Count: lengths[index], checkpoints: checkpoints[index])
    }

    /// Where a UTF-16 offset falls: its line and its UTF-16 column in that line. Offsets outside the
    /// body are clamped to it.
    ///
    /// - Complexity: O(lines before it).
    public func location(ofUTF16 offset: Int) -> (line: Int, column: Int) {
        var remaining = max(0, min(offset, utf16Count))
        for (index, length) in lengths.enumerated() {
            if remaining <= length { return (index, remaining) }
            remaining -= length + 1
        }
        return (lines.count - 1, lengths[lines.count - 1])
    }

    /// The UTF-16 offset of a column of a line (both clamped to the body).
    ///
    /// - Complexity: O(lines before it).
    public func utf16Offset(line: Int, column: Int) -> Int {
        let line = max(0, min(line, lines.count - 1))
        var offset = 0
        for index in 0..<line { offset += lengths[index] + 1 }
        return offset + max(0, min(column, lengths[line]))
    }

    /// The text between two UTF-16 offsets (clamped and ordered).
    public func text(from start: Int, to end: Int) -> String {
        let (low, high) = (max(0, min(start, end)), min(utf16Count, max(start, end)))
        guard low < high else { return "" }
        let first = location(ofUTF16: low)
        let last = location(ofUTF16: high)
        if first.line == last.line {
            return Self.slice(lines[first.line], from: first.column, to: last.column)
        }
        var pieces = [Self.slice(lines[first.line], from: first.column, to: lengths[first.line])]
        pieces += lines[(first.line + 1)..<last.line]
        pieces.append(Self.slice(lines[last.line], from: 0, to: last.column))
        return pieces.joined(separator: "\n")
    }

    /// Replaces `count` UTF-16 units from `offset` by `text`, as the document does with the same edit.
    /// Only the lines the edit touches are rebuilt.
    public mutating func replace(utf16Offset offset: Int, count: Int, with text: String) {
        let low = max(0, min(offset, utf16Count))
        let high = max(low, min(offset + max(0, count), utf16Count))
        let start = location(ofUTF16: low)
        let end = location(ofUTF16: high)
        let head = Self.slice(lines[start.line], from: 0, to: start.column)
        let tail = Self.slice(lines[end.line], from: end.column, to: lengths[end.line])
        let middle = Self.split(head + text + tail)
        lines.replaceSubrange(start.line...end.line, with: middle)
        lengths.replaceSubrange(start.line...end.line, with: middle.map(\.utf16.count))
        let plain = middle.map(BodyLine.isPlain)
        plainLines.replaceSubrange(start.line...end.line, with: plain)
        // The first new line starts as the old one did, up to the edit: its checkpoints there stay.
        let previous = checkpoints[start.line]
        let newCheckpoints = middle.indices.map { index -> LineCheckpoints? in
            guard LineCheckpoints.areWorthKeeping(length: middle[index].utf16.count, isPlain: plain[index])
            else {
                return nil
            }
            return index == 0
                ? LineCheckpoints(text: middle[index], keeping: previous, unchangedBefore: start.column)
                : LineCheckpoints(text: middle[index])
        }
        checkpoints.replaceSubrange(start.line...end.line, with: newCheckpoints)
        utf16Count += text.utf16.count - (high - low)
    }

    /// Whether `text` is exactly this body, compared byte by byte without splitting it.
    ///
    /// - Complexity: O(n), no allocation.
    public func matches(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        for (index, line) in lines.enumerated() {
            if index > 0 { guard bytes.next() == 10 else { return false } }
            for byte in line.utf8 { guard bytes.next() == byte else { return false } }
        }
        return bytes.next() == nil
    }

    // MARK: Strings

    /// `text` split at line feeds, on its UTF-8 bytes (a `\r\n` is one `Character` to Swift, so a
    /// split on characters would miss it).
    static func split(_ text: String) -> [String] {
        text.utf8.split(separator: 10, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// The part of `line` between two UTF-16 columns.
    static func slice(_ line: String, from start: Int, to end: Int) -> String {
        let utf16 = line.utf16
        let low = utf16.index(utf16.startIndex, offsetBy: max(0, min(start, utf16.count)))
        let high = utf16.index(utf16.startIndex, offsetBy: max(0, min(end, utf16.count)))
        guard low < high else { return "" }
        return String(line[low..<high])
    }
}
