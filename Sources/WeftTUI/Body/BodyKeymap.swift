/// What a key does in the body editor.
public enum BodyAction: Hashable, Sendable, CaseIterable {
    case left, right, up, down, wordLeft, wordRight, lineStart, lineEnd, bodyStart, bodyEnd, pageUp, pageDown
    case selectLeft, selectRight, selectUp, selectDown, selectLineStart, selectLineEnd
    case toggleMark
    case newline, indent, deleteBackward, deleteForward
    case copy, cut, paste
    case save, undo, redo
    case redraw
    case close
}

/// One line of the body editor's key table.
public struct BodyKeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: BodyAction
    public var help: String

    public init(_ keys: [Key], _ action: BodyAction, _ help: String) {
        self.keys = keys
        self.action = action
        self.help = help
    }
}

/// The body editor's key table (any printable key not in it is typed). docs/editor.md lists it from
/// here, and a test keeps the two equal.
///
/// Terminals differ in what they send for modified keys: Shift-arrows, Ctrl-arrows and Alt-letters
/// reach the editor in tmux and xterm-like terminals; where they do not, Ctrl-Space (the mark, as in
/// Emacs) selects with plain arrows and Alt-b / Alt-f move by words.
public struct BodyKeymap: Hashable, Sendable {
    public var bindings: [BodyKeyBinding]
    private var actionByKey: [Key: BodyAction]

    public init(_ bindings: [BodyKeyBinding]) {
        self.bindings = bindings
        var map: [Key: BodyAction] = [:]
        for binding in bindings {
            for key in binding.keys where map[key] == nil { map[key] = binding.action }
        }
        actionByKey = map
    }

    /// What `key` does, if it is in the table.
    public func action(for key: Key) -> BodyAction? { actionByKey[key] }

    /// The table as Markdown rows (`| keys | what they do |`), for docs/editor.md.
    public var markdownRows: String {
        bindings.map { binding in
            "| \(binding.keys.map { "`\($0.description)`" }.joined(separator: " ")) | \(binding.help) |"
        }.joined(separator: "\n")
    }

    public static let standard = BodyKeymap([
        BodyKeyBinding([.left], .left, "cursor left (a whole character: é, emoji and CJK are one)"),
        BodyKeyBinding([.right], .right, "cursor right"),
        BodyKeyBinding([.up], .up, "line up (keeps the column)"),
        BodyKeyBinding([.down], .down, "line down"),
        BodyKeyBinding([.controlLeft, .alt("b")], .wordLeft, "word left"),
        BodyKeyBinding([.controlRight, .alt("f")], .wordRight, "word right"),
        BodyKeyBinding([.home, .control("a")], .lineStart, "start of the line's text, again: column 1"),
        BodyKeyBinding([.end, .control("e")], .lineEnd, "end of the line"),
        BodyKeyBinding([.controlHome, .alt("<")], .bodyStart, "start of the body"),
        BodyKeyBinding([.controlEnd, .alt(">")], .bodyEnd, "end of the body"),
        BodyKeyBinding([.pageUp], .pageUp, "a window up"),
        BodyKeyBinding([.pageDown], .pageDown, "a window down"),
        BodyKeyBinding([.shiftLeft], .selectLeft, "select left"),
        BodyKeyBinding([.shiftRight], .selectRight, "select right"),
        BodyKeyBinding([.shiftUp], .selectUp, "select a line up"),
        BodyKeyBinding([.shiftDown], .selectDown, "select a line down"),
        BodyKeyBinding([.shiftHome], .selectLineStart, "select to the line's start"),
        BodyKeyBinding([.shiftEnd], .selectLineEnd, "select to the line's end"),
        BodyKeyBinding([.control(" ")], .toggleMark, "set the mark: moves select until an edit or Esc"),
        BodyKeyBinding([.enter], .newline, "new line"),
        BodyKeyBinding([.tab], .indent, "spaces to the next multiple of 2 columns"),
        BodyKeyBinding([.backspace], .deleteBackward, "delete the selection or the character before"),
        BodyKeyBinding(
            [.delete, .control("d")], .deleteForward, "delete the selection or the character after"),
        BodyKeyBinding([.control("c")], .copy, "copy the selection (the editor's own clipboard)"),
        BodyKeyBinding([.control("x")], .cut, "cut the selection"),
        BodyKeyBinding([.control("v")], .paste, "paste over the selection or at the cursor"),
        BodyKeyBinding([.control("s")], .save, "save a new version"),
        BodyKeyBinding([.control("z")], .undo, "undo your last edit (never a teammate's)"),
        BodyKeyBinding([.control("y")], .redo, "redo"),
        BodyKeyBinding([.control("l")], .redraw, "redraw the screen"),
        BodyKeyBinding([.escape], .close, "drop the selection; with none, back to the graph"),
    ])
}
