import WorkflowModel

/// The inspector's keys: moving between fields, typing a text field, stepping a choice, flipping a
/// toggle. Each commit is one ``WorkflowChangeRequest/setField(_:value:of:)`` (one undo step).
extension EditorState {
    /// The entity the inspector edits for the selection: the selected job, trigger or edge, or the
    /// workflow itself when nothing (or something gone) is selected.
    var inspectedID: String {
        guard let id = selectedID, entityExists(id) else { return workflow.id }
        return id
    }

    /// Enter or `e`: the form of the selection.
    mutating func openInspectorOnSelection() -> [EditorEffect] {
        let id = inspectedID
        openInspector(
            on: id, field: FormField.fields(for: id, in: workflow).first, typing: false,
            closesAfterEdit: false)
        return []
    }

    /// Opens the form of `id` with `field` focused (and typed into, with `typing`).
    mutating func openInspector(on id: String, field: FormField?, typing: Bool, closesAfterEdit: Bool) {
        let fields = FormField.fields(for: id, in: workflow)
        let focus = field.flatMap { fields.firstIndex(of: $0) } ?? 0
        var inspector = Inspector(entityID: id, focus: focus, closesAfterEdit: closesAfterEdit)
        if typing, fields.indices.contains(focus), fields[focus].isText {
            // Opened straight for typing (a new job's name, `r`): typing replaces the old text.
            inspector.editing = .suggesting(fields[focus].text(of: id, in: workflow) ?? "")
        }
        showDetails()
        setMode(.inspector(inspector))
    }

    mutating func handleInspectorKey(_ key: Key, inspector: Inspector) -> [EditorEffect] {
        var inspector = inspector
        let fields = FormField.fields(for: inspector.entityID, in: workflow)
        guard !fields.isEmpty else {
            setMode(.normal)
            return []
        }
        inspector.focus = max(0, min(inspector.focus, fields.count - 1))
        let field = fields[inspector.focus]
        if var input = inspector.editing {
            switch key {
            case .escape, .control("c"):
                inspector.editing = nil
                setMode(inspector.closesAfterEdit ? .normal : .inspector(inspector))
                return []
            case .enter:
                return commitTyping(inspector, field: field, thenFocus: inspector.focus)
            case .tab, .backTab:
                let step = key == .tab ? 1 : fields.count - 1
                let effects = commitTyping(
                    inspector, field: field, thenFocus: (inspector.focus + step) % fields.count)
                typeFocusedFieldIfText()
                return effects
            default:
                if input.handle(key) {
                    inspector.editing = input
                    setMode(.inspector(inspector))
                }
                return []
            }
        }
        switch key {
        case .escape, .character("q"), .control("c"):
            setMode(.normal)
        case .up, .character("k"), .backTab:
            inspector.focus = (inspector.focus + fields.count - 1) % fields.count
            setMode(.inspector(inspector))
        case .down, .character("j"), .tab:
            inspector.focus = (inspector.focus + 1) % fields.count
            setMode(.inspector(inspector))
        case .enter, .character("e"), .character(" "):
            return activate(field, inspector: inspector, step: 1)
        case .right, .character("l"):
            return field.isText ? [] : activate(field, inspector: inspector, step: 1)
        case .left, .character("h"):
            return field.isText ? [] : activate(field, inspector: inspector, step: -1)
        case .character("u"):
            return requestUndo()
        case .control("r"):
            return requestRedo()
        case .character(":"):
            setMode(.command(""))
        case .character("?"):
            setMode(.help(scroll: 0))
        case .pageUp, .control("u"):
            scrollDetails(by: -max(1, (screen.detailArea?.height ?? 2) / 2))
        case .pageDown, .control("d"):
            scrollDetails(by: max(1, (screen.detailArea?.height ?? 2) / 2))
        default:
            break
        }
        return []
    }

    /// After Tab from a typed field: the next field is typed too when it is text.
    private mutating func typeFocusedFieldIfText() {
        guard case .inspector(var inspector) = mode, let field = inspector.focusedField(in: workflow),
            field.isText
        else { return }
        inspector.editing = LineInput(field.text(of: inspector.entityID, in: workflow) ?? "")
        setMode(.inspector(inspector))
    }

    /// Enter on a field: starts typing a text field, takes the next (or previous) choice, flips a toggle.
    private mutating func activate(_ field: FormField, inspector: Inspector, step: Int) -> [EditorEffect] {
        var inspector = inspector
        let id = inspector.entityID
        switch field.input {
        case .text:
            inspector.editing = LineInput(field.text(of: id, in: workflow) ?? "")
            setMode(.inspector(inspector))
            return []
        case .choice(let options):
            let current = field.text(of: id, in: workflow)
            let index = options.firstIndex(of: current) ?? (step > 0 ? -1 : 0)
            let next = options[(index + step + options.count) % options.count]
            return commit(field, value: .text(next), of: id, inspector: inspector)
        case .toggle:
            return commit(
                field, value: .flag(!field.flag(of: id, in: workflow)), of: id, inspector: inspector)
        }
    }

    private mutating func commitTyping(
        _ inspector: Inspector, field: FormField, thenFocus focus: Int
    ) -> [EditorEffect] {
        var inspector = inspector
        let text = inspector.editing?.text ?? ""
        inspector.editing = nil
        inspector.focus = focus
        let unchanged = (field.text(of: inspector.entityID, in: workflow) ?? "") == text
        if inspector.closesAfterEdit {
            setMode(.normal)
        } else {
            setMode(.inspector(inspector))
        }
        guard !unchanged else { return [] }
        return commit(field, value: field.value(ofTyped: text), of: inspector.entityID, inspector: nil)
    }

    /// Writes a field (one undo step); the form stays on it unless `inspector` is nil (already placed).
    private mutating func commit(
        _ field: FormField, value: FieldValue, of id: String, inspector: Inspector?
    ) -> [EditorEffect] {
        if let inspector { setMode(.inspector(inspector)) }
        var errors = relayErrors
        errors.remove(field.kind == .workflow ? nil : id, field: field.key)
        setRelayErrors(errors)
        let effects = requestEdit(.setField(field, value: value, of: id))
        // A trigger's type or an edge's condition changes which fields there are: a choice keeps the
        // focus on itself; after typing, the focus stays where Tab sent it (within the fields).
        if case .inspector(var open) = mode {
            let fields = FormField.fields(for: open.entityID, in: workflow)
            let keep = inspector != nil ? fields.firstIndex(of: field) : nil
            open.focus = keep ?? min(open.focus, max(0, fields.count - 1))
            setMode(.inspector(open))
        }
        return effects
    }

    /// Commits the text being typed, if any (before a save from the form).
    mutating func commitPendingTyping() -> [EditorEffect] {
        guard case .inspector(let inspector) = mode, inspector.editing != nil,
            let field = inspector.focusedField(in: workflow)
        else { return [] }
        return commitTyping(inspector, field: field, thenFocus: inspector.focus)
    }

    // MARK: Problems at the fields

    /// The validator's issues with the workflow as it would read with what is being typed.
    func validate(_ inspector: Inspector) -> [ValidationIssue] {
        WorkflowValidator.validate(inspector.draft(of: workflow))
    }

    /// What is wrong with `field` of the inspected entity: the validator's errors and warnings on the
    /// workflow as it would read with what is being typed, then the relay's messages from the last
    /// refused save.
    ///
    /// Pass `issues` (``validate(_:)``) when asking about several fields, to validate once.
    func problems(
        at field: FormField, of inspector: Inspector, issues: [ValidationIssue]? = nil
    ) -> [FieldProblem] {
        let entity: String? = field.kind == .workflow ? nil : inspector.entityID
        var problems = (issues ?? validate(inspector))
            .filter { $0.entityKind == field.kind && $0.entityID == entity && $0.field == field.key }
            .map { FieldProblem(message: $0.message, severity: $0.severity, fromRelay: false) }
        for message in relayErrors.messages(for: entity, field: field.key)
        where !problems.contains(where: { $0.message == message }) {
            problems.append(FieldProblem(message: message, severity: .error, fromRelay: true))
        }
        return problems
    }

    /// Problems of the inspected entity on fields the form does not show (its id, its ends).
    func otherProblems(of inspector: Inspector, issues: [ValidationIssue]? = nil) -> [FieldProblem] {
        let shown = Set(FormField.fields(for: inspector.entityID, in: workflow).map(\.key))
        let isWorkflow = inspector.entityID == workflow.id
        let entity: String? = isWorkflow ? nil : inspector.entityID
        var problems = (issues ?? validate(inspector))
            .filter {
                $0.entityID == entity && !shown.contains($0.field)
                    && (isWorkflow ? $0.entityKind == .workflow : true)
            }
            .map { FieldProblem(message: $0.message, severity: $0.severity, fromRelay: false) }
        for (key, messages) in relayErrors.fields(of: entity) where !shown.contains(key) {
            problems += messages.map {
                FieldProblem(message: "\(key): \($0)", severity: .error, fromRelay: true)
            }
        }
        return problems
    }
}

/// One thing wrong with a field, as the inspector shows it under the field.
public struct FieldProblem: Hashable, Sendable {
    public var message: String
    public var severity: ValidationIssue.Severity
    /// From the relay's `errors` map after a refused save (rather than checked as you type).
    public var fromRelay: Bool
}

extension EditorState.Mode {
    /// The inspector, when the mode is the inspector.
    public var inspector: Inspector? {
        if case .inspector(let inspector) = self { return inspector }
        return nil
    }
}
