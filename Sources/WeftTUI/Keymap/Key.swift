/// A key press, as the terminal decoded it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (with Shift already applied: `G`, `?`).
    case character(Character)
    /// Ctrl and a letter, as its lower-case letter: Ctrl-S is `.control("s")`.
    case control(Character)
    case up, down, left, right
    case tab, backTab, enter, escape, backspace, delete
    case pageUp, pageDown, home, end
    case function(Int)

    /// How the help overlay names the key.
    public var description: String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .control(let letter): "Ctrl-" + String(letter).uppercased()
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .function(let number): "F\(number)"
        }
    }
}
