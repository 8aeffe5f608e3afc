import WorkflowModel

/// The details pane as a form (the inspector): each field of the entity with its value, the focused
/// one marked, the one being typed with its cursor, and under each field what is wrong with it —
/// the validator's errors (`✗`) and warnings (`⚠`) as you type, and the relay's from the last
/// refused save.
public enum InspectorPane {
    static let labelWidth = 11

    /// The pane's title: "Edit job: fetch".
    public static func title(for state: EditorState, inspector: Inspector) -> String {
        let id = inspector.entityID
        let workflow = state.workflow
        if workflow.job(id) != nil { return "Edit job: " + state.displayName(of: id) }
        if workflow.trigger(id) != nil { return "Edit trigger: " + state.displayName(of: id) }
        if workflow.edge(id) != nil { return "Edit edge: " + state.displayName(of: id) }
        return "Edit workflow"
    }

    /// The form's lines for a pane `width` columns wide, and the line of the focused field.
    public static func lines(
        for state: EditorState, inspector: Inspector, width: Int, glyphs: GlyphSet
    ) -> (lines: [StyledLine], focusedLine: Int) {
        let width = max(16, width)
        let workflow = state.workflow
        let id = inspector.entityID
        let fields = FormField.fields(for: id, in: workflow)
        var lines: [StyledLine] = []
        var focusedLine = 0
        let valueWidth = max(4, width - 2 - labelWidth)
        let indent = String(repeating: " ", count: 2 + labelWidth)
        let issues = state.validate(inspector)
        for (index, field) in fields.enumerated() {
            let focused = index == inspector.focus
            if focused { focusedLine = lines.count }
            let marker = focused ? (glyphs.isUnicode ? "▸ " : "> ") : "  "
            let label = DisplayWidth.pad(field.label, toColumns: labelWidth)
            var valueLines: [[StyledLine.Span]]
            if focused, let input = inspector.editing {
                valueLines = typed(input, width: valueWidth, cursor: glyphs.cursor)
            } else {
                let shown = shownValue(field, of: id, in: workflow, glyphs: glyphs)
                let role: StyleRole = focused ? .selection : shown.isSet ? .text : .muted
                valueLines = TextWrap.wrap(shown.text, width: valueWidth).map { [StyledLine.Span($0, role)] }
            }
            for (row, spans) in valueLines.enumerated() {
                let head: [StyledLine.Span] =
                    row == 0 ? [.init(marker, .accent), .init(label, .fieldName)] : [.init(indent)]
                lines.append(StyledLine(head + spans))
            }
            for problem in state.problems(at: field, of: inspector, issues: issues) {
                lines += problemLines(problem, indent: indent, width: valueWidth, glyphs: glyphs)
            }
        }
        let others = state.otherProblems(of: inspector, issues: issues)
        if !others.isEmpty {
            lines.append(.empty)
            for problem in others { lines += problemLines(problem, indent: "", width: width, glyphs: glyphs) }
        }
        lines.append(.empty)
        let rule = String(repeating: String(glyphs.rule), count: 2)
        lines.append(StyledLine("\(rule) \(hint(for: inspector, fields: fields)) ", .muted))
        return (lines, focusedLine)
    }

    private static func hint(for inspector: Inspector, fields: [FormField]) -> String {
        if inspector.editing != nil { return "Enter keeps, Esc cancels" }
        guard fields.indices.contains(inspector.focus) else { return "Esc done" }
        switch fields[inspector.focus].input {
        case .text: return "Enter types, Esc done"
        case .choice: return "Space next, Esc done"
        case .toggle: return "Space flips, Esc done"
        }
    }

    private static func shownValue(
        _ field: FormField, of id: String, in workflow: Workflow, glyphs: GlyphSet
    ) -> (text: String, isSet: Bool) {
        let unset = glyphs.isUnicode ? "—" : "-"
        switch field.input {
        case .toggle:
            return (field.flag(of: id, in: workflow) ? "yes" : "no", true)
        case .choice(let options):
            let value = field.text(of: id, in: workflow)
            let position = options.firstIndex(of: value).map { " (\($0 + 1)/\(options.count))" } ?? ""
            return ((value ?? unset) + position, value != nil)
        case .text:
            let value = field.text(of: id, in: workflow).map(GraphLayout.singleLine) ?? ""
            return value.isEmpty ? (unset, false) : (value, true)
        }
    }

    /// The typed text on one line `width` columns wide, scrolled so the cursor shows, with the
    /// cursor drawn where it is.
    static func typed(_ input: LineInput, width: Int, cursor: Character) -> [[StyledLine.Span]] {
        let characters = Array(input.text)
        let room = max(2, width)
        let start = max(0, input.cursor - (room - 1))
        let before = String(characters[start..<input.cursor])
        let after = String(characters[input.cursor...].prefix(max(0, room - 1 - (input.cursor - start))))
        // A suggestion shows selected, as text that typing replaces.
        let role: StyleRole = input.isSuggestion ? .selection : .text
        return [[.init(before, role), .init(String(cursor), .accent), .init(after, role)]]
    }

    private static func problemLines(
        _ problem: FieldProblem, indent: String, width: Int, glyphs: GlyphSet
    ) -> [StyledLine] {
        let icon = problem.severity == .error ? glyphs.errorIcon : glyphs.warningIcon
        let role: StyleRole = problem.severity == .error ? .fieldError : .toastWarn
        let text = "\(icon) \(problem.message)" + (problem.fromRelay ? " (at the last save)" : "")
        return TextWrap.wrap(text, width: max(4, width)).map { StyledLine([.init(indent), .init($0, role)]) }
    }
}
