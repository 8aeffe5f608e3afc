/// One character cell of the terminal: what is drawn there and its role.
public struct Cell: Hashable, Sendable {
    /// The grapheme drawn in the cell. A wide grapheme (two columns) sits in its left cell; the right
    /// one is a continuation.
    public var character: Character
    public var role: StyleRole
    /// Whether this cell is the right half of a wide character to its left (draw nothing here).
    public var isContinuation: Bool

    public init(_ character: Character = " ", role: StyleRole = .text, isContinuation: Bool = false) {
        self.character = character
        self.role = role
        self.isContinuation = isContinuation
    }

    /// An empty cell.
    public static let blank = Cell()

    /// Whether the cell shows nothing (a space, not part of a wide character).
    public var isBlank: Bool { character == " " && !isContinuation }
}

/// A point on a grid or canvas: column `x`, row `y`, from the top left.
public struct Point: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    public static let zero = Point(x: 0, y: 0)

    public var description: String { "(\(x),\(y))" }
}

/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    public func contains(_ point: Point) -> Bool {
        point.x >= x && point.x < maxX && point.y >= y && point.y < maxY
    }

    /// The part of this rectangle inside `other`.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }

    /// This rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}
