import Foundation

extension EditorState {
    mutating func handleKey(_ key: Key) -> [EditorEffect] {
        // Ctrl-S saves from anywhere; a field being typed is kept first.
        if keymap.keys(for: .save).contains(key) {
            let committed = commitPendingTyping()
            if case .confirmQuit = mode { setMode(.normal) }
            if case .confirmDelete = mode { setMode(.normal) }
            if case .confirmRebase(let stale) = mode {
                setMode(.normal)
                return rebaseAndSave(onto: stale.currentLockVersion)
            }
            if let stale = pendingRebase {
                setPendingRebase(nil)
                dismissToast()
                return committed + rebaseAndSave(onto: stale.currentLockVersion)
            }
            return committed + requestSave()
        }
        if case .alt(let character) = key, mode != .body {
            // Alt means nothing outside a body: it was Esc and a key, typed quickly.
            return handleKey(.escape) + handleKey(.character(character))
        }
        switch mode {
        case .normal: return handleNormalKey(key)
        case .help: return handleHelpKey(key)
        case .command(let text): return handleCommandKey(key, text: text)
        case .search(let text, let origin): return handleSearchKey(key, text: text, origin: origin)
        case .confirmQuit: return handleConfirmQuitKey(key)
        case .inspector(let inspector): return handleInspectorKey(key, inspector: inspector)
        case .confirmDelete(let id): return handleConfirmDeleteKey(key, id: id)
        case .connect(let source): return handleConnectKey(key, source: source)
        case .who: return handleWhoKey(key)
        case .confirmRebase(let stale): return handleConfirmRebaseKey(key, stale: stale)
        case .body: return handleBodyKey(key)
        }
    }

    private mutating func handleNormalKey(_ key: Key) -> [EditorEffect] {
        guard let action = keymap.action(for: key) else { return [] }
        return perform(action)
    }

    /// Does what a key of the table does.
    mutating func perform(_ action: EditorAction) -> [EditorEffect] {
        let area = screen.graphArea
        if isReadOnly, action.changesTheWorkflow {
            refuseReadOnly()
            return []
        }
        switch action {
        case .moveUp: return moveSelection(.up)
        case .moveDown: return moveSelection(.down)
        case .moveLeft: return moveSelection(.left)
        case .moveRight: return moveSelection(.right)
        case .nextEntity: return cycleSelection(by: 1)
        case .previousEntity: return cycleSelection(by: -1)
        case .firstNode: return selectAndAnnounce(layout.readingOrder.first { layout.node($0) != nil })
        case .lastNode: return selectAndAnnounce(layout.readingOrder.last { layout.node($0) != nil })
        case .scrollGraphUp: scrollGraph(dx: 0, dy: -max(1, area.height / 2))
        case .scrollGraphDown: scrollGraph(dx: 0, dy: max(1, area.height / 2))
        case .scrollGraphLeft: scrollGraph(dx: -max(1, area.width / 2), dy: 0)
        case .scrollGraphRight: scrollGraph(dx: max(1, area.width / 2), dy: 0)
        case .scrollDetailsUp: scrollDetails(by: -max(1, (screen.detailArea?.height ?? 2) / 2))
        case .scrollDetailsDown: scrollDetails(by: max(1, (screen.detailArea?.height ?? 2) / 2))
        case .toggleDetails: toggleDetails()
        case .openInspector: return openInspectorOnSelection()
        case .addJob: return addJob()
        case .addTrigger: return addTrigger()
        case .rename: return rename()
        case .delete: return requestDelete()
        case .connect: return startConnecting()
        case .undo: return requestUndo()
        case .redo: return requestRedo()
        case .showCollaborators: setMode(.who(scroll: 0))
        case .save: return requestSave()
        case .quit: return requestQuit()
        case .openHelp: setMode(.help(scroll: 0))
        case .openCommandLine: setMode(.command(""))
        case .openSearch: setMode(.search("", origin: selectedID))
        case .searchNext: return searchAgain(forward: true)
        case .searchPrevious: return searchAgain(forward: false)
        case .dismiss: dismissToast()
        case .redraw: return [.redraw]
        case .openBody: return openBody()
        }
        return []
    }

    /// Says why nothing happened in a viewer's editor.
    mutating func refuseReadOnly() {
        toast(.warning, "You can view this workflow but not change it: your role in the project is viewer.")
    }

    mutating func requestSave() -> [EditorEffect] {
        if isReadOnly {
            refuseReadOnly()
            return []
        }
        guard connection == .connected else {
            toast(.warning, "Not connected to the relay: the save waits until the connection is back.")
            return []
        }
        return [.save]
    }

    private mutating func requestQuit() -> [EditorEffect] {
        guard isDirty else { return [.quit] }
        setMode(.confirmQuit)
        return []
    }

    // MARK: Help

    private mutating func handleHelpKey(_ key: Key) -> [EditorEffect] {
        switch key {
        case .escape, .character("q"), .character("?"), .enter: setMode(.normal)
        case .down, .character("j"): scrollHelp(by: 1)
        case .up, .character("k"): scrollHelp(by: -1)
        case .pageDown, .control("d"), .character(" "): scrollHelp(by: 10)
        case .pageUp, .control("u"): scrollHelp(by: -10)
        case .control("c"): setMode(.normal)
        default: break
        }
        return []
    }

    // MARK: Command line

    private mutating func handleCommandKey(_ key: Key, text: String) -> [EditorEffect] {
        switch key {
        case .escape, .control("c"):
            setMode(.normal)
        case .backspace:
            if text.isEmpty { setMode(.normal) } else { setMode(.command(String(text.dropLast()))) }
        case .enter:
            setMode(.normal)
            return runCommand(text.trimmingCharacters(in: .whitespaces))
        case .character(let character):
            setMode(.command(text + String(character)))
        default:
            break
        }
        return []
    }

    /// Runs a `:` command: `w`, `q`, `q!`, `wq`/`x`, `help`.
    mutating func runCommand(_ command: String) -> [EditorEffect] {
        switch command {
        case "": return []
        case "w", "write": return requestSave()
        case "q", "quit": return requestQuit()
        case "q!", "quit!": return [.quit]
        case "wq", "x", "xit":
            guard isDirty else { return [.quit] }
            let effects = requestSave()
            if effects.contains(.save) { setQuitsAfterSave(true) }
            return effects
        case "help", "h": setMode(.help(scroll: 0))
        case "who": setMode(.who(scroll: 0))
        case "undo", "u": return requestUndo()
        case "redo": return requestRedo()
        default:
            toast(.error, "Not a command: :\(command) (:w save, :q quit, :q! quit without asking, :wq, :who, :undo, :redo)")
        }
        return []
    }

    // MARK: Search

    private mutating func handleSearchKey(_ key: Key, text: String, origin: String?) -> [EditorEffect] {
        switch key {
        case .escape, .control("c"):
            setMode(.normal)
            return selectAndAnnounce(origin)
        case .enter:
            setMode(.normal)
            if !text.isEmpty { setLastSearch(text) }
            if !text.isEmpty, firstMatch(text, after: nil, forward: true) == nil {
                toast(.warning, "No node matches “\(text)”.")
            }
            return []
        case .backspace:
            let shorter = String(text.dropLast())
            setMode(.search(shorter, origin: origin))
            return selectAndAnnounce(shorter.isEmpty ? origin : firstMatch(shorter, after: nil, forward: true) ?? origin)
        case .character(let character):
            let longer = text + String(character)
            setMode(.search(longer, origin: origin))
            guard let match = firstMatch(longer, after: nil, forward: true) else { return [] }
            return selectAndAnnounce(match)
        default:
            return []
        }
    }

    private mutating func searchAgain(forward: Bool) -> [EditorEffect] {
        guard !lastSearch.isEmpty else {
            toast(.info, "No search yet: / finds a node by name.")
            return []
        }
        guard let match = firstMatch(lastSearch, after: selectedID, forward: forward) else {
            toast(.warning, "No node matches “\(lastSearch)”.")
            return []
        }
        return selectAndAnnounce(match)
    }

    /// The first node (in reading order, wrapping after `after`) whose name contains `text`, ignoring case.
    func firstMatch(_ text: String, after: String?, forward: Bool) -> String? {
        let nodes = layout.readingOrder.filter { layout.node($0) != nil }
        guard !nodes.isEmpty else { return nil }
        let ordered = forward ? nodes : nodes.reversed()
        let start = after.flatMap { ordered.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        for offset in 0..<ordered.count {
            let id = ordered[(start + offset) % ordered.count]
            if displayName(of: id).localizedCaseInsensitiveContains(text) { return id }
        }
        return nil
    }

    // MARK: Quitting

    private mutating func handleConfirmQuitKey(_ key: Key) -> [EditorEffect] {
        setMode(.normal)
        switch key {
        case .character("y"), .character("Y"):
            return [.quit]
        case .character("s"), .character("S"):
            let effects = requestSave()
            if effects.contains(.save) { setQuitsAfterSave(true) }
            return effects
        default:
            return []
        }
    }
}
