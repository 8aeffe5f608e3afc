import WorkflowModel

/// The inspector: the details pane as a form over the fields of one entity (``FormField``), with
/// one field focused and, while it is typed into, its text in a ``LineInput``.
public struct Inspector: Hashable, Sendable {
    /// The entity the form edits (the workflow's id for the workflow's own fields).
    public var entityID: String
    /// The focused field's place in ``FormField/fields(for:in:)``.
    public var focus: Int
    /// The focused text field's text while it is edited.
    public var editing: LineInput?
    /// Opened to type one field (rename, a new job's name): committing or cancelling it closes the form.
    public var closesAfterEdit: Bool

    public init(entityID: String, focus: Int = 0, editing: LineInput? = nil, closesAfterEdit: Bool = false) {
        self.entityID = entityID
        self.focus = focus
        self.editing = editing
        self.closesAfterEdit = closesAfterEdit
    }

    /// The focused field of the form in `workflow`.
    public func focusedField(in workflow: Workflow) -> FormField? {
        let fields = FormField.fields(for: entityID, in: workflow)
        return fields.indices.contains(focus) ? fields[focus] : fields.last
    }

    /// The workflow as it would read with the text being typed committed: what the validator
    /// checks as you type.
    public func draft(of workflow: Workflow) -> Workflow {
        guard let editing, let field = focusedField(in: workflow) else { return workflow }
        var draft = workflow
        try? WorkflowChangeRequest.setField(field, value: field.value(ofTyped: editing.text), of: entityID)
            .apply(to: &draft)
        return draft
    }
}

/// A save the relay refused because someone saved a newer version first.
public struct StaleSave: Hashable, Sendable {
    /// The version saved now.
    public var currentLockVersion: Int
    /// What changed between our version and that one, each as the relay says it
    /// (`changed job <id> <field>`, `added edge <id>`).
    public var moved: [String]

    public init(currentLockVersion: Int, moved: [String]) {
        self.currentLockVersion = currentLockVersion
        self.moved = moved
    }
}

/// A save the relay refused, with its reasons.
public struct SaveRefusal: Hashable, Sendable {
    /// `stale`, `invalid`, `forbidden`, `disconnected`, or a newer reason.
    public var reason: String
    public var message: String
    /// The validation messages (for `invalid`).
    public var errors: FieldErrors
    /// For `stale`: the version saved now and what moved.
    public var stale: StaleSave?

    public init(reason: String, message: String, errors: FieldErrors = FieldErrors(), stale: StaleSave? = nil)
    {
        self.reason = reason
        self.message = message
        self.errors = errors
        self.stale = stale
    }
}
