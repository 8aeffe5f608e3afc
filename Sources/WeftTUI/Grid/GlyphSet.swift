import WorkflowModel

/// The characters the screen is drawn with: box drawing and symbols when the terminal's locale is
/// UTF-8, plain ASCII otherwise (reference/tui-and-style.md §2.5: under a non-UTF-8 locale ncursesw
/// prints `┌` as `~T~L`).
///
/// Edge conditions differ by stroke and label as well as colour, so they stay apart in monochrome,
/// for colour-blind users and in ASCII:
///
/// | condition | UTF-8 | ASCII | label |
/// |---|---|---|---|
/// | always | heavy `━┃` | `=` `#` | `∀` / `always` |
/// | on_job_success | solid `─│` | `-` `|` | `✓` / `ok` |
/// | on_job_failure | dashed `┄┆` | `.` `:` | `✗` / `fail` |
/// | js_expression | solid, hollow head `▽` | `-` `|`, head `v` | `ƒ` / `js` and the label |
public struct GlyphSet: Hashable, Sendable {
    /// Whether these are the UTF-8 glyphs.
    public let isUnicode: Bool

    public static let unicode = GlyphSet(isUnicode: true)
    public static let ascii = GlyphSet(isUnicode: false)

    // MARK: Boxes

    /// Corners (top left, top right, bottom left, bottom right) and sides of a job's box.
    public var jobCorners: (Character, Character, Character, Character) {
        isUnicode ? ("┌", "┐", "└", "┘") : ("+", "+", "+", "+")
    }
    /// A trigger's box has round corners (slashes in ASCII) so it reads as a different kind of node.
    public var triggerCorners: (Character, Character, Character, Character) {
        isUnicode ? ("╭", "╮", "╰", "╯") : ("/", "\\", "\\", "/")
    }
    public var horizontal: Character { isUnicode ? "─" : "-" }
    public var vertical: Character { isUnicode ? "│" : "|" }
    /// A panel's frame.
    public var panelCorners: (Character, Character, Character, Character) { jobCorners }

    // MARK: Edges

    /// The glyph of an edge cell joining the directions in `directions`, in `stroke`.
    public func line(_ directions: LineDirections, stroke: LineStroke) -> Character {
        if !isUnicode { return asciiLine(directions, stroke: stroke) }
        let vertical = directions.contains(.up) || directions.contains(.down)
        let horizontal = directions.contains(.left) || directions.contains(.right)
        if vertical && !horizontal {
            return stroke == .heavy ? "┃" : stroke == .dashed ? "┆" : "│"
        }
        if horizontal && !vertical {
            return stroke == .heavy ? "━" : stroke == .dashed ? "┄" : "─"
        }
        let heavy = stroke == .heavy
        switch directions {
        case [.down, .right]: return heavy ? "┏" : "┌"
        case [.down, .left]: return heavy ? "┓" : "┐"
        case [.up, .right]: return heavy ? "┗" : "└"
        case [.up, .left]: return heavy ? "┛" : "┘"
        case [.up, .down, .right]: return heavy ? "┣" : "├"
        case [.up, .down, .left]: return heavy ? "┫" : "┤"
        case [.down, .left, .right]: return heavy ? "┳" : "┬"
        case [.up, .left, .right]: return heavy ? "┻" : "┴"
        default: return heavy ? "╋" : "┼"
        }
    }

    private func asciiLine(_ directions: LineDirections, stroke: LineStroke) -> Character {
        let vertical = directions.contains(.up) || directions.contains(.down)
        let horizontal = directions.contains(.left) || directions.contains(.right)
        if vertical && !horizontal { return stroke == .heavy ? "#" : stroke == .dashed ? ":" : "|" }
        if horizontal && !vertical { return stroke == .heavy ? "=" : stroke == .dashed ? "." : "-" }
        return "+"
    }

    /// Where an edge leaves a box's border.
    public func port(stroke: LineStroke, downward: Bool) -> Character {
        guard isUnicode else { return "+" }
        if downward { return stroke == .heavy ? "┰" : "┬" }
        return stroke == .heavy ? "┸" : "┴"
    }

    /// The arrowhead where an edge enters its target: pointing down (into a box below) or up (a
    /// back-edge into a box above). Expression edges get a hollow head.
    public func arrowhead(down: Bool, hollow: Bool) -> Character {
        guard isUnicode else { return down ? "v" : "^" }
        if hollow { return down ? "▽" : "△" }
        return down ? "▼" : "▲"
    }

    /// The stroke of an edge with this condition.
    public static func stroke(for condition: Edge.Condition) -> LineStroke {
        switch condition {
        case .always: .heavy
        case .onJobSuccess, .jsExpression: .solid
        case .onJobFailure: .dashed
        }
    }

    /// The short label drawn beside an edge of this condition.
    public func conditionSymbol(_ condition: Edge.Condition) -> String {
        switch condition {
        case .always: isUnicode ? "∀" : "always"
        case .onJobSuccess: isUnicode ? "✓" : "ok"
        case .onJobFailure: isUnicode ? "✗" : "fail"
        case .jsExpression: isUnicode ? "ƒ" : "js"
        }
    }

    // MARK: Symbols

    /// The unsaved-changes marker of the status bar in colour; `[+]` (helix's form) is used in ASCII
    /// and in monochrome, where a coloured dot would say nothing.
    public var unsavedMarker: String { isUnicode ? "●" : "[+]" }
    /// The badge on an entity someone else just changed.
    public var changedBadge: Character { isUnicode ? "✱" : "*" }
    public var ellipsis: Character { isUnicode ? "…" : "~" }
    /// Between line numbers and the body in the detail pane.
    public var gutter: Character { vertical }
    /// A title rule, as in `── body ──`.
    public var rule: Character { horizontal }
    public var scrollLeft: Character { isUnicode ? "◀" : "<" }
    public var scrollRight: Character { isUnicode ? "▶" : ">" }
    public var scrollUp: Character { isUnicode ? "▲" : "^" }
    public var scrollDown: Character { isUnicode ? "▼" : "v" }
    public var separator: Character { isUnicode ? "│" : "|" }
    public var infoIcon: String { isUnicode ? "⟳" : "*" }
    public var warningIcon: String { isUnicode ? "⚠" : "!" }
    public var errorIcon: String { isUnicode ? "✗" : "x" }
    public var cursor: Character { isUnicode ? "▏" : "_" }
}

/// The directions an edge cell connects to.
public struct LineDirections: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let up = LineDirections(rawValue: 1)
    public static let down = LineDirections(rawValue: 2)
    public static let left = LineDirections(rawValue: 4)
    public static let right = LineDirections(rawValue: 8)
}

/// How an edge's line is drawn.
public enum LineStroke: Hashable, Sendable {
    case solid, dashed, heavy
}
