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
    /// Alt (Meta) and a character, which terminals send as Esc then the character: Alt-b is `.alt("b")`.
    case alt(Character)
    /// Shift and an arrow, Home or End (selecting in the body editor).
    case shiftUp, shiftDown, shiftLeft, shiftRight, shiftHome, shiftEnd
    /// Ctrl (or Alt) and an arrow, Home or End (word and whole-body moves in the body editor).
    case controlLeft, controlRight, controlHome, controlEnd

    /// How the help overlay names the key.
    public var description: String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .control(" "): "Ctrl-Space"
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
        case .alt(let character): "Alt-" + String(character)
        case .shiftUp: "Shift-Up"
        case .shiftDown: "Shift-Down"
        case .shiftLeft: "Shift-Left"
        case .shiftRight: "Shift-Right"
        case .shiftHome: "Shift-Home"
        case .shiftEnd: "Shift-End"
        case .controlLeft: "Ctrl-Left"
        case .controlRight: "Ctrl-Right"
        case .controlHome: "Ctrl-Home"
        case .controlEnd: "Ctrl-End"
        }
    }
}
