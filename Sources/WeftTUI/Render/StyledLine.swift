/// A line of text in pieces of different roles, for panes and overlays.
public struct StyledLine: Hashable, Sendable {
    public struct Span: Hashable, Sendable {
        public var text: String
        public var role: StyleRole

        public init(_ text: String, _ role: StyleRole = .text) {
            self.text = text
            self.role = role
        }
    }

    public var spans: [Span]

    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, _ role: StyleRole = .text) { self.spans = [Span(text, role)] }

    public static let empty = StyledLine([])

    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    /// Draws the line from (x, y), at most `maxColumns` wide.
    public func draw(into grid: inout CellGrid, x: Int, y: Int, maxColumns: Int, clip: Rect? = nil) {
        var column = x
        for span in spans {
            let room = x + maxColumns - column
            guard room > 0 else { break }
            column += grid.write(span.text, x: column, y: y, role: span.role, maxColumns: room, clip: clip)
        }
    }
}

/// Breaking text into lines of a given display width.
enum TextWrap {
    /// `text` cut into pieces of at most `width` columns, at spaces when a word fits, anywhere otherwise.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [text] }
        guard DisplayWidth.of(text) > width else { return [text] }
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        var lastSpace: String.Index?
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if currentWidth + characterWidth > width {
                if let space = lastSpace, space > current.startIndex {
                    let head = String(current[..<space])
                    let tail = String(current[current.index(after: space)...])
                    lines.append(head)
                    current = tail
                    currentWidth = DisplayWidth.of(tail)
                } else {
                    lines.append(current)
                    current = ""
                    currentWidth = 0
                }
                lastSpace = nil
            }
            if character == " " { lastSpace = current.endIndex }
            current.append(character)
            currentWidth += characterWidth
        }
        lines.append(current)
        return lines
    }

    /// `text` with tabs expanded to the next multiple of 4 columns.
    static func expandTabs(_ text: some StringProtocol) -> String {
        guard text.contains("\t") else { return String(text) }
        var result = ""
        var column = 0
        for character in text {
            if character == "\t" {
                let spaces = 4 - column % 4
                result += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                result.append(character)
                column += DisplayWidth.of(character)
            }
        }
        return result
    }
}
