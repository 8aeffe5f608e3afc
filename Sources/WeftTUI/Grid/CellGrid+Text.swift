extension CellGrid {
    /// The grid as text, one line per row, trailing spaces removed: what golden files hold and what
    /// `tmux capture-pane` shows of the same screen.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height { lines.append(line(y)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Row `y` as text, trailing spaces removed.
    public func line(_ y: Int) -> String {
        var line = ""
        for x in 0..<width where !self[x, y].isContinuation { line.append(self[x, y].character) }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The roles of the grid as runs, one line per run of equal role that is not `text`:
    /// `row 23, columns 12-12: status.dirty "●"`. Golden files of screens whose styling matters (the
    /// unsaved marker's colour) hold this below the text.
    public var styleRuns: String {
        var runs: [String] = []
        for y in 0..<height {
            var x = 0
            while x < width {
                let role = self[x, y].role
                var end = x
                var shown = ""
                while end < width, self[end, y].role == role {
                    if !self[end, y].isContinuation { shown.append(self[end, y].character) }
                    end += 1
                }
                if role != .text {
                    runs.append("row \(y), columns \(x)-\(end - 1): \(role.name) \"\(shown)\"")
                }
                x = end
            }
        }
        return runs.joined(separator: "\n") + "\n"
    }
}
