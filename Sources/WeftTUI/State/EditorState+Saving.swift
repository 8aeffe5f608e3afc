import WorkflowModel

/// What a refused save does: validation messages go to their fields, a stale refusal asks to rebase
/// and save again; and the collaborators list.
extension EditorState {
    mutating func applySaveRefused(_ refusal: SaveRefusal) -> [EditorEffect] {
        setQuitsAfterSave(false)
        if let stale = refusal.stale, refusal.reason == "stale" {
            if mode == .body {
                setPendingRebase(stale)
                let moved = movedDescription(stale)
                toast(
                    .warning,
                    "Not saved: v\(stale.currentLockVersion) came first\(moved.isEmpty ? "" : " (moved: \(moved))"). "
                        + "Ctrl-S rebases and saves again.", sticky: true)
                return []
            }
            setMode(.confirmRebase(stale))
            return []
        }
        if !refusal.errors.isEmpty {
            setRelayErrors(refusal.errors)
            let count = refusal.errors.count
            var text = "Not saved: \(count) problem\(count == 1 ? "" : "s") to fix"
            if let first = refusal.errors.first {
                let entity =
                    first.id == FieldErrors.workflowKey ? "the workflow" : "“\(displayName(of: first.id))”"
                text += ", first \(entity) \(first.field): \(first.message)"
            }
            toast(.error, text + ". Enter on it shows them at the fields.")
            return []
        }
        toast(.error, "Not saved (\(refusal.reason)): \(refusal.message)")
        return []
    }

    /// The question after a stale refusal: what moved, in words.
    func movedDescription(_ stale: StaleSave) -> String {
        let items = stale.moved.map { line -> String in
            // "changed job <id> <field>", "added edge <id>", "removed trigger <id>".
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 3 else { return line }
            let id = words[2]
            let name = entityExists(id) && id != workflow.id ? "“\(displayName(of: id))”" : words[1]
            let field = words.count > 3 ? " \(words[3...].joined(separator: " "))" : ""
            return "\(words[0]) \(name)\(field)"
        }
        guard !items.isEmpty else { return "" }
        let shown = items.prefix(3).joined(separator: ", ")
        return items.count > 3 ? "\(shown) and \(items.count - 3) more" : shown
    }

    mutating func handleConfirmRebaseKey(_ key: Key, stale: StaleSave) -> [EditorEffect] {
        setMode(.normal)
        guard key == .character("r") || key == .character("R") || key == .enter else {
            toast(.info, "Not saved; your edits stay in the document. Ctrl-S tries again.")
            return []
        }
        return rebaseAndSave(onto: stale.currentLockVersion)
    }

    /// Takes the relay's newest version as the base (our edits stay in the document) and saves
    /// again; when that version has not reached us yet, saves as soon as it does.
    mutating func rebaseAndSave(onto version: Int) -> [EditorEffect] {
        guard lockVersion >= version else {
            setSavesAtVersion(version)
            toast(.info, "Rebasing on version \(version): saving as soon as it arrives.")
            return []
        }
        setSavesAtVersion(nil)
        toast(.info, "Rebased on version \(lockVersion) with your edits kept; saving again.")
        return requestSave()
    }

    /// After a newer version arrived: the save a rebase was waiting for.
    mutating func saveIfRebaseWaited() -> [EditorEffect] {
        guard let waiting = savesAtVersion, lockVersion >= waiting else { return [] }
        return rebaseAndSave(onto: waiting)
    }

    // MARK: Who is here

    mutating func handleWhoKey(_ key: Key) -> [EditorEffect] {
        switch key {
        case .escape, .character("q"), .character("w"), .enter, .control("c"): setMode(.normal)
        case .down, .character("j"):
            if case .who(let scroll) = mode {
                setMode(.who(scroll: min(scroll + 1, max(0, participants.count))))
            }
        case .up, .character("k"):
            if case .who(let scroll) = mode { setMode(.who(scroll: max(0, scroll - 1))) }
        default: break
        }
        return []
    }

    /// What `participant` is looking at, in words.
    public func lookingAt(_ selectedID: String?) -> String {
        guard let id = selectedID else { return "nothing selected" }
        if workflow.job(id) != nil { return "job “\(displayName(of: id))”" }
        if workflow.trigger(id) != nil { return "trigger “\(displayName(of: id))”" }
        if workflow.edge(id) != nil { return "edge \(displayName(of: id))" }
        return "something gone (\(id))"
    }
}
