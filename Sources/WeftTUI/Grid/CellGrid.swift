/// A screen as a value: a rectangle of ``Cell``s that renderers draw into and a terminal shows.
///
/// Writes outside the grid, or outside the `clip` rectangle a call passes, are dropped, so renderers
/// may draw a large canvas through a small window without checking bounds. A wide character (two
/// columns) takes its cell and a continuation cell to its right; one that would straddle the clip's
/// right edge is drawn as a space. Control characters are drawn as `?` so they cannot move the
/// terminal's cursor.
public struct CellGrid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major: the cell at (x, y) is `cells[y * width + x]`.
    public private(set) var cells: [Cell]

    /// A blank grid of `width` × `height` cells.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole grid as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Draws one character at (x, y) and returns the columns it took (0 when it was clipped away or
    /// takes no columns).
    @discardableResult
    public mutating func put(_ character: Character, x: Int, y: Int, role: StyleRole, clip: Rect? = nil) -> Int {
        let area = clip.map { $0.intersection(bounds) } ?? bounds
        let safe = Self.printable(character)
        let columns = DisplayWidth.of(safe)
        guard columns > 0 else { return 0 }
        guard area.contains(Point(x: x, y: y)) else { return columns }
        clearWideNeighbours(x: x, y: y)
        if columns == 2 {
            guard x + 1 < area.maxX else {
                self[x, y] = Cell(" ", role: role)
                return columns
            }
            clearWideNeighbours(x: x + 1, y: y)
            self[x, y] = Cell(safe, role: role)
            self[x + 1, y] = Cell(" ", role: role, isContinuation: true)
        } else {
            self[x, y] = Cell(safe, role: role)
        }
        return columns
    }

    /// Draws `text` from (x, y) rightwards, at most `maxColumns` columns (cut with `…` when longer),
    /// and returns the columns written.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, role: StyleRole, maxColumns: Int? = nil, clip: Rect? = nil
    ) -> Int {
        let shown = maxColumns.map { DisplayWidth.truncate(text, toColumns: $0) } ?? text
        var column = x
        for character in shown { column += put(character, x: column, y: y, role: role, clip: clip) }
        return column - x
    }

    /// Fills `rect` with `character` in `role`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: StyleRole = .text) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { self[x, y] = Cell(character, role: role) }
        }
    }

    /// Sets the role of every cell of `rect`, keeping what is drawn there.
    public mutating func restyle(_ rect: Rect, role: StyleRole) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { self[x, y].role = role }
        }
    }

    /// A wide character that half-overlaps (x, y) loses its other half, which becomes a space.
    private mutating func clearWideNeighbours(x: Int, y: Int) {
        if self[x, y].isContinuation, x > 0 {
            self[x - 1, y] = Cell(" ", role: self[x - 1, y].role)
        }
        if x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(" ", role: self[x + 1, y].role)
        }
    }

    /// `character`, or `?` for a control character, or a space for a tab (text is expanded before).
    static func printable(_ character: Character) -> Character {
        guard let first = character.unicodeScalars.first else { return " " }
        if first.value == 0x09 { return " " }
        if first.value < 0x20 || (first.value >= 0x7F && first.value < 0xA0) { return "?" }
        return character
    }
}
