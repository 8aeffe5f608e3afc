/// One line of the key table: the keys, what they do, and the words the help overlay shows.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: EditorAction
    public var help: String
    /// The heading the help overlay lists it under.
    public var group: String

    public init(_ keys: [Key], _ action: EditorAction, _ help: String, group: String) {
        self.keys = keys
        self.action = action
        self.help = help
        self.group = group
    }
}

/// The one table of keys: dispatch and the `?` overlay both come from it (as lazygit generates its
/// key docs and menu from one table), so they cannot disagree.
///
/// Conventions of lazygit, k9s, tig and helix (reference §1.1): arrows and hjkl move, `?` helps,
/// `:` takes commands, `/` finds, Esc backs out, lowercase keys are harmless and uppercase ones or
/// Ctrl do more.
public struct Keymap: Hashable, Sendable {
    public var bindings: [KeyBinding]
    private var actionByKey: [Key: EditorAction]

    public init(_ bindings: [KeyBinding]) {
        self.bindings = bindings
        var map: [Key: EditorAction] = [:]
        for binding in bindings {
            for key in binding.keys where map[key] == nil { map[key] = binding.action }
        }
        actionByKey = map
    }

    /// What `key` does in the graph, if anything.
    public func action(for key: Key) -> EditorAction? { actionByKey[key] }

    /// The keys bound to `action`, as the help and the message line name them.
    public func keys(for action: EditorAction) -> [Key] {
        bindings.first { $0.action == action }?.keys ?? []
    }

    public static let standard = Keymap([
        KeyBinding([.up, .character("k")], .moveUp, "select the node above", group: "Move"),
        KeyBinding([.down, .character("j")], .moveDown, "select the node below", group: "Move"),
        KeyBinding([.left, .character("h")], .moveLeft, "select the node to the left", group: "Move"),
        KeyBinding([.right, .character("l")], .moveRight, "select the node to the right", group: "Move"),
        KeyBinding([.tab], .nextEntity, "next node or edge, in reading order", group: "Move"),
        KeyBinding([.backTab], .previousEntity, "previous node or edge", group: "Move"),
        KeyBinding([.character("g"), .home], .firstNode, "first node", group: "Move"),
        KeyBinding([.character("G"), .end], .lastNode, "last node", group: "Move"),
        KeyBinding([.character("K")], .scrollGraphUp, "scroll the graph up", group: "Scroll"),
        KeyBinding([.character("J")], .scrollGraphDown, "scroll the graph down", group: "Scroll"),
        KeyBinding([.character("H")], .scrollGraphLeft, "scroll the graph left", group: "Scroll"),
        KeyBinding([.character("L")], .scrollGraphRight, "scroll the graph right", group: "Scroll"),
        KeyBinding([.pageUp, .control("u")], .scrollDetailsUp, "scroll the details up", group: "Scroll"),
        KeyBinding([.pageDown, .control("d")], .scrollDetailsDown, "scroll the details down", group: "Scroll"),
        KeyBinding([.character("i")], .toggleDetails, "show or hide the details pane", group: "View"),
        KeyBinding([.character("/")], .openSearch, "find a node by name", group: "View"),
        KeyBinding([.character("n")], .searchNext, "next match", group: "View"),
        KeyBinding([.character("N")], .searchPrevious, "previous match", group: "View"),
        KeyBinding([.control("l")], .redraw, "redraw the screen", group: "View"),
        KeyBinding([.escape], .dismiss, "dismiss the message, back out", group: "View"),
        KeyBinding([.character("?")], .openHelp, "this help (Esc, q or ? closes it)", group: "View"),
        KeyBinding([.character("w")], .showCollaborators, "who is here and what each is looking at (:who)", group: "View"),
        KeyBinding([.enter, .character("e")], .openInspector, "edit the selection's fields (Esc leaves the form)", group: "Edit"),
        KeyBinding([.character("a")], .addJob, "add a job below the selection", group: "Edit"),
        KeyBinding([.character("T")], .addTrigger, "add a trigger", group: "Edit"),
        KeyBinding([.character("r")], .rename, "rename the job (an edge: its label)", group: "Edit"),
        KeyBinding([.character("d"), .delete], .delete, "delete the selection and its edges (asks once)", group: "Edit"),
        KeyBinding([.character("c")], .connect, "connect: pick a source, then a target job, with Enter", group: "Edit"),
        KeyBinding([.character("b")], .openBody, "edit the selected job's body (Esc comes back)", group: "Edit"),
        KeyBinding([.character("u")], .undo, "undo your last change (never anyone else's)", group: "Edit"),
        KeyBinding([.control("r")], .redo, "redo", group: "Edit"),
        KeyBinding([.control("s")], .save, "save a new version (:w), from anywhere", group: "Workflow"),
        KeyBinding([.character(":")], .openCommandLine, "command: :w save, :q quit, :q! force, :wq, :who", group: "Workflow"),
        KeyBinding([.character("q"), .control("c")], .quit, "quit (asks once if there are unsaved changes)", group: "Workflow"),
    ])
}
