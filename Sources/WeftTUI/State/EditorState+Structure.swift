import WorkflowModel

/// Changing the workflow's structure: adding jobs, triggers and edges, deleting, renaming, undo and
/// redo, and what comes back once the driver carried an edit out.
extension EditorState {
    /// Asks for `request` and shows it at once: the editor's copy takes the change now (so the new
    /// node can be selected), and the ``LocalChange`` that answers replaces it with the document's.
    mutating func requestEdit(_ request: WorkflowChangeRequest) -> [EditorEffect] {
        var changed = workflow
        do {
            try request.apply(to: &changed)
        } catch {
            toast(.error, "Not changed: \(error.description).")
            return []
        }
        setWorkflow(changed)
        return [.edit(request)]
    }

    /// Our edit, undo or redo as the document has it now.
    mutating func applyLocalChange(_ change: LocalChange) -> [EditorEffect] {
        let selectionBefore = selectedID
        setWorkflow(change.workflow)
        setDirty(change.isDirty)
        setUndoable(canUndo: change.canUndo, canRedo: change.canRedo)
        if let failure = change.failure { toast(.error, "Not changed: \(failure).") }
        closeFormsOnVanishedEntities()
        return selectionBefore == selectedID ? [] : [.select(selectedID)]
    }

    /// Leaves a form or question about an entity that is gone now (undone, or deleted by someone).
    mutating func closeFormsOnVanishedEntities() {
        switch mode {
        case .inspector(let inspector) where !entityExists(inspector.entityID):
            setMode(.normal)
        case .confirmDelete(let id) where !entityExists(id):
            setMode(.normal)
        case .connect(let source?) where !entityExists(source):
            setMode(.connect(source: nil))
        default:
            break
        }
    }

    /// Keeps the form on the field it was on when someone else's change altered which fields there
    /// are (a trigger's type, an edge's condition): the focus is a place in the list, and text being
    /// typed must never be committed into whatever field took that place. A field that is gone takes
    /// the typing with it, said in a message.
    mutating func keepInspectorOnItsField(from before: Workflow) {
        guard case .inspector(var inspector) = mode, let field = inspector.focusedField(in: before) else { return }
        let fields = FormField.fields(for: inspector.entityID, in: workflow)
        if let place = fields.firstIndex(of: field) {
            guard place != inspector.focus else { return }
            inspector.focus = place
        } else {
            if inspector.editing != nil {
                toast(.warning, "“\(field.label)” is gone: someone changed this entity; what you typed was not kept.")
            }
            inspector.editing = nil
            inspector.focus = min(inspector.focus, max(0, fields.count - 1))
        }
        setMode(.inspector(inspector))
    }

    func entityExists(_ id: String) -> Bool {
        id == workflow.id || workflow.job(id) != nil || workflow.trigger(id) != nil
            || workflow.edge(id) != nil
    }

    // MARK: Adding

    /// `a`: a new job below the selection (a job, a trigger, or an edge's target), wired to it with an
    /// `on_job_success` edge (`always` from a trigger, which allows no other), selected, with its
    /// name open for typing.
    mutating func addJob() -> [EditorEffect] {
        let above: String? = {
            guard let id = selectedID else { return nil }
            if workflow.job(id) != nil || workflow.trigger(id) != nil { return id }
            return workflow.edge(id)?.targetJobID
        }()
        let job = Job(id: nextID(), name: uniqueJobName(), body: "fn(state => state);\n")
        let edge = above.map { source in
            workflow.trigger(source) != nil
                ? Edge(id: nextID(), sourceTriggerID: source, targetJobID: job.id, conditionType: .always)
                : Edge(id: nextID(), sourceJobID: source, targetJobID: job.id, conditionType: .onJobSuccess)
        }
        let effects = requestEdit(.addJob(job, edge: edge))
        guard !effects.isEmpty else { return [] }
        _ = select(job.id)
        openInspector(on: job.id, field: FormField.jobName, typing: true, closesAfterEdit: true)
        let place = above.map { " below “\(displayName(of: $0))”" } ?? ""
        toast(
            .info, "Added job “\(job.name)”\(place). Type its name; Enter keeps it, Esc keeps “\(job.name)”.")
        return effects + [.select(job.id)]
    }

    /// `T`: a new webhook trigger, selected, with its form open on the type.
    mutating func addTrigger() -> [EditorEffect] {
        let trigger = Trigger(id: nextID(), type: .webhook)
        let effects = requestEdit(.addTrigger(trigger))
        guard !effects.isEmpty else { return [] }
        _ = select(trigger.id)
        openInspector(on: trigger.id, field: FormField.triggerType, typing: false, closesAfterEdit: false)
        toast(.info, "Added a webhook trigger. Space changes its type; c connects it to a job.")
        return effects + [.select(trigger.id)]
    }

    /// "New job", or "New job 2", … when taken (names must be unique).
    private func uniqueJobName() -> String {
        let taken = Set(workflow.jobs.map { $0.name.lowercased() })
        var name = "New job"
        var number = 2
        while taken.contains(name.lowercased()) {
            name = "New job \(number)"
            number += 1
        }
        return name
    }

    // MARK: Renaming

    /// `r`: types the selection's name (a job's name, an edge's label, the workflow's name when
    /// nothing is selected).
    mutating func rename() -> [EditorEffect] {
        guard let id = selectedID else {
            openInspector(on: workflow.id, field: FormField.workflowName, typing: true, closesAfterEdit: true)
            return []
        }
        if workflow.job(id) != nil {
            openInspector(on: id, field: FormField.jobName, typing: true, closesAfterEdit: true)
        } else if workflow.edge(id) != nil {
            openInspector(on: id, field: FormField.edgeLabel, typing: true, closesAfterEdit: true)
        } else {
            toast(.info, "A trigger has no name: Enter opens its fields.")
        }
        return []
    }

    // MARK: Deleting

    /// `d`: asks once before deleting the selection (with the edges that hang on a node).
    mutating func requestDelete() -> [EditorEffect] {
        guard let id = selectedID, entityExists(id), id != workflow.id else {
            toast(.info, "Nothing selected to delete.")
            return []
        }
        setMode(.confirmDelete(id))
        return []
    }

    /// What the delete question says about `id`: "job “fetch” and its 2 edges".
    func deletionDescription(of id: String) -> String {
        let kind = workflow.job(id) != nil ? "job" : workflow.trigger(id) != nil ? "trigger" : "edge"
        let edges = WorkflowChangeRequest.edgesDeleted(with: id, in: workflow).count
        let tail = edges == 0 ? "" : " and its \(edges == 1 ? "edge" : "\(edges) edges")"
        return "\(kind) “\(displayName(of: id))”\(tail)"
    }

    mutating func handleConfirmDeleteKey(_ key: Key, id: String) -> [EditorEffect] {
        setMode(.normal)
        guard key == .character("y") || key == .character("Y") else {
            toast(.info, "Kept \(deletionDescription(of: id)).")
            return []
        }
        let description = deletionDescription(of: id)
        let next = neighbourAfterDeleting(id)
        let effects = requestEdit(.delete(id))
        guard !effects.isEmpty else { return [] }
        toast(.info, "Deleted \(description). u undoes it.")
        _ = select(next)
        return effects + [.select(selectedID)]
    }

    /// What to select once `id` is gone: an edge's source, a node's parent, else the first node.
    private func neighbourAfterDeleting(_ id: String) -> String? {
        if let edge = workflow.edge(id) { return edge.sourceID ?? edge.targetJobID }
        let parent = workflow.edges.first { $0.targetJobID == id }?.sourceID
        if let parent, parent != id { return parent }
        return layout.readingOrder.first { $0 != id && layout.node($0) != nil }
    }

    // MARK: Connecting

    /// `c`: add an edge by picking its source, then its target, with the move keys and Enter.
    mutating func startConnecting() -> [EditorEffect] {
        guard !workflow.jobs.isEmpty else {
            toast(.info, "An edge needs a job to lead to: a adds one.")
            return []
        }
        setMode(.connect(source: nil))
        return []
    }

    mutating func handleConnectKey(_ key: Key, source: String?) -> [EditorEffect] {
        switch key {
        case .escape, .control("c"):
            setMode(.normal)
            toast(.info, "No edge added.")
            return []
        case .enter:
            return pickForConnection(source: source)
        default:
            guard let action = keymap.action(for: key) else { return [] }
            switch action {
            case .moveUp, .moveDown, .moveLeft, .moveRight, .nextEntity, .previousEntity, .firstNode,
                .lastNode,
                .scrollGraphUp, .scrollGraphDown, .scrollGraphLeft, .scrollGraphRight, .redraw:
                return perform(action)
            default:
                return []
            }
        }
    }

    private mutating func pickForConnection(source: String?) -> [EditorEffect] {
        guard let picked = selectedID, workflow.job(picked) != nil || workflow.trigger(picked) != nil else {
            toast(.warning, "Pick a job or a trigger (an edge joins nodes).")
            return []
        }
        guard let source else {
            setMode(.connect(source: picked))
            return []
        }
        guard workflow.job(picked) != nil else {
            toast(.warning, "An edge leads to a job, not into a trigger: pick a job.")
            return []
        }
        guard picked != source else {
            toast(.warning, "A job cannot lead to itself: pick another job.")
            return []
        }
        if let existing = workflow.edges.first(where: { $0.sourceID == source && $0.targetJobID == picked }) {
            setMode(.normal)
            toast(.info, "“\(displayName(of: source))” already leads to “\(displayName(of: picked))”.")
            return selectAndAnnounce(existing.id)
        }
        let edge =
            workflow.trigger(source) != nil
            ? Edge(id: nextID(), sourceTriggerID: source, targetJobID: picked, conditionType: .always)
            : Edge(id: nextID(), sourceJobID: source, targetJobID: picked, conditionType: .onJobSuccess)
        setMode(.normal)
        let effects = requestEdit(.addEdge(edge))
        guard !effects.isEmpty else { return [] }
        _ = select(edge.id)
        openInspector(on: edge.id, field: FormField.edgeCondition, typing: false, closesAfterEdit: false)
        toast(
            .info,
            "Connected “\(displayName(of: source))” to “\(displayName(of: picked))”. "
                + "Space changes the condition.")
        return effects + [.select(edge.id)]
    }

    // MARK: Undo

    mutating func requestUndo() -> [EditorEffect] {
        guard canUndo else {
            toast(.info, "Nothing of yours to undo.")
            return []
        }
        return [.undo]
    }

    mutating func requestRedo() -> [EditorEffect] {
        guard canRedo else {
            toast(.info, "Nothing to redo.")
            return []
        }
        return [.redo]
    }
}
