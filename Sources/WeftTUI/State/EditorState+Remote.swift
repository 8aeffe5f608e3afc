import WorkflowModel

extension EditorState {
    func applyRemoteChangeNames(_ ids: Set<String>, before: Workflow) -> String {
        let named = ids.filter { $0 != workflow.id }.sorted { a, b in
            (layout.readingOrder.firstIndex(of: a) ?? Int.max, a) < (layout.readingOrder.firstIndex(of: b) ?? Int.max, b)
        }
        var names = named.map { id -> String in
            let name = exists(id, in: workflow) ? displayName(of: id) : Self.name(of: id, in: before)
            return "“\(name)”"
        }
        if ids.contains(workflow.id) { names.append("the workflow's settings") }
        guard !names.isEmpty else { return "the workflow" }
        if names.count > 3 { return names.prefix(2).joined(separator: ", ") + " and \(names.count - 2) more" }
        if names.count == 1 { return names[0] }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    mutating func applyRemoteChange(_ change: EditorEvent.RemoteChange) -> [EditorEffect] {
        let before = workflow
        let selectionBefore = selectedID
        setWorkflow(change.workflow)
        setDirty(change.isDirty)
        let initials = change.author.map(Participant.initials(of:)) ?? ""
        for id in change.changedIDs where id != workflow.id && exists(id, in: workflow) {
            setBadge(id, initials: initials)
        }
        if !change.changedIDs.isEmpty, !bodyShowsAll(of: change.changedIDs) {
            toast(.info, "\(change.author ?? "Someone") changed \(applyRemoteChangeNames(change.changedIDs, before: before)).")
        }
        return afterSelectionMayHaveGone(selectionBefore, before: before, who: change.author ?? "Someone")
    }

    mutating func applyWorkflowSaved(_ version: EditorEvent.SavedVersion) -> [EditorEffect] {
        let before = workflow
        let selectionBefore = selectedID
        if let newWorkflow = version.workflow { setWorkflow(newWorkflow) }
        setLockVersion(version.lockVersion)
        setDirty(version.isDirty)
        let who = version.author ?? "someone"
        let initials = version.authorIsPerson ? Participant.initials(of: who) : ""
        for id in version.changedIDs where id != workflow.id && exists(id, in: workflow) {
            setBadge(id, initials: initials)
        }
        var text = "Version \(version.lockVersion) from \(who)"
        if let source = version.source, source != "editor" { text += " (\(source))" }
        if !version.changedIDs.isEmpty {
            text += ": changed \(applyRemoteChangeNames(version.changedIDs, before: before))"
        }
        text += version.isDirty ? ". Unsaved changes remain." : ". Nothing unsaved."
        toast(.info, text)
        if !version.conflicts.isEmpty {
            let count = version.conflicts.count
            toast(
                .warning,
                "\(count) unsaved edit\(count == 1 ? "" : "s") gave way to \(who)'s version: \(version.conflicts[0])",
                sticky: true)
        }
        if version.isExternal, let selected = selectionBefore, version.changedIDs.contains(selected),
            exists(selected, in: workflow)
        {
            toast(
                .warning, "\(who) changed “\(displayName(of: selected))”, which you have selected.",
                sticky: true)
        }
        return afterSelectionMayHaveGone(selectionBefore, before: before, who: who)
    }

    /// When the selected entity is gone, says so (it stays said) and tells the others what is
    /// selected now.
    private mutating func afterSelectionMayHaveGone(
        _ selectionBefore: String?, before: Workflow, who: String
    ) -> [EditorEffect] {
        guard selectionBefore != selectedID else { return [] }
        if let gone = selectionBefore {
            toast(.warning, "\(who) removed “\(Self.name(of: gone, in: before))”, which you had selected.", sticky: true)
        }
        return [.select(selectedID)]
    }

    mutating func applyPresence(_ list: [Participant]) {
        let before = Set(participants.map(\.id))
        let after = Set(list.map(\.id))
        for person in list where !before.contains(person.id) {
            toast(.info, "\(person.name) joined.")
        }
        for person in participants where !after.contains(person.id) {
            toast(.info, "\(person.name) left.")
        }
        setParticipants(list)
    }

    mutating func applyConnection(_ status: ConnectionStatus) {
        let before = connection
        setConnection(status)
        switch (before, status) {
        case (.connected, .reconnecting):
            toast(.warning, "Lost the relay; reconnecting. Your edits are kept and sent when it is back.")
        case (.reconnecting, .connected), (.disconnected, .connected), (.connecting, .connected):
            if before != .connecting { toast(.info, "Reconnected.") }
        case (_, .disconnected) where before != .disconnected:
            toast(.error, "Disconnected from the relay; nothing more is sent or received.", sticky: true)
        default:
            break
        }
    }

    private func exists(_ id: String, in workflow: Workflow) -> Bool {
        workflow.job(id) != nil || workflow.trigger(id) != nil || workflow.edge(id) != nil
    }

    static func name(of id: String, in workflow: Workflow) -> String {
        if let job = workflow.job(id) { return job.name.isEmpty ? "(unnamed)" : job.name }
        if let trigger = workflow.trigger(id) { return GraphLayout.label(of: trigger) }
        if let edge = workflow.edge(id) {
            return "\(name(of: edge.sourceID ?? "?", in: workflow)) → \(name(of: edge.targetJobID, in: workflow))"
        }
        return id
    }
}
