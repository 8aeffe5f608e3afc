import WorkflowModel

/// What a cell of the screen is, for the theme to decide how it looks.
///
/// Roles are semantic, like htop's colour elements: the renderer says "this is a selected node" and
/// the theme says "reverse and bold". Each role has a dotted ``name`` that theme files use; a theme
/// that does not style a role falls back to its longest dotted prefix (`edge.on_job_failure`, then
/// `edge`), then to `text`.
public enum StyleRole: Hashable, Sendable {
    case text, muted, accent, alert, selection
    case border, borderFocused, title
    case nodeTrigger, nodeJob, nodeSelected, nodeInvalid
    /// The badge on an entity someone else just changed.
    case nodeChanged
    /// A condition's stroke and label.
    case edge(Edge.Condition)
    case edgeDisabled, edgeSelected
    case code, codeLineNumber
    /// The cursor in the body editor.
    case codeCursor
    case fieldName, fieldError
    case status, statusDirty, statusSaved, statusOffline
    case toastInfo, toastWarn, toastError
    case helpKey
    /// A collaborator's initials: the theme's presence colour number `index` (cycled).
    case presence(Int)
    /// A collaborator's cursor in a body: their presence colour, reversed.
    case presenceCursor(Int)

    /// The name theme files use for this role.
    public var name: String {
        switch self {
        case .text: "text"
        case .muted: "muted"
        case .accent: "accent"
        case .alert: "alert"
        case .selection: "selection"
        case .border: "border"
        case .borderFocused: "border.focused"
        case .title: "title"
        case .nodeTrigger: "node.trigger"
        case .nodeJob: "node.job"
        case .nodeSelected: "node.selected"
        case .nodeInvalid: "node.invalid"
        case .nodeChanged: "node.changed"
        case .edge(let condition): "edge.\(condition.rawValue)"
        case .edgeDisabled: "edge.disabled"
        case .edgeSelected: "edge.selected"
        case .code: "code"
        case .codeLineNumber: "code.line_number"
        case .codeCursor: "code.cursor"
        case .fieldName: "field.name"
        case .fieldError: "field.error"
        case .status: "status"
        case .statusDirty: "status.dirty"
        case .statusSaved: "status.saved"
        case .statusOffline: "status.offline"
        case .toastInfo: "toast.info"
        case .toastWarn: "toast.warn"
        case .toastError: "toast.error"
        case .helpKey: "help.key"
        case .presence(let index): "presence.\(index)"
        case .presenceCursor(let index): "presence.\(index).cursor"
        }
    }

    /// Every role but the numbered presence ones, for themes to resolve up front.
    public static let allNamed: [StyleRole] =
        [
            .text, .muted, .accent, .alert, .selection, .border, .borderFocused, .title, .nodeTrigger, .nodeJob,
            .nodeSelected, .nodeInvalid, .nodeChanged, .edgeDisabled, .edgeSelected, .code, .codeLineNumber,
            .codeCursor,
            .fieldName, .fieldError, .status, .statusDirty, .statusSaved, .statusOffline, .toastInfo, .toastWarn,
            .toastError, .helpKey,
        ] + Edge.Condition.allCases.map(StyleRole.edge)
}
