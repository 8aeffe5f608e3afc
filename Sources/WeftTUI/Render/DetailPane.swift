import WorkflowModel
import YCRDT

/// What the details pane says about the selection: every field of the selected job, trigger or
/// edge (the workflow's own when nothing is selected), and a job's body with line numbers.
///
/// Read-only. Long values and body lines wrap to the pane's width; continuation lines of the body
/// have an empty line number so the numbering stays true to the text.
public enum DetailPane {
    /// The pane's title.
    public static func title(for state: EditorState) -> String {
        guard let id = state.selectedID else { return "Workflow" }
        if state.workflow.job(id) != nil { return "Job" }
        if state.workflow.trigger(id) != nil { return "Trigger" }
        if state.workflow.edge(id) != nil { return "Edge" }
        return "Workflow"
    }

    /// The pane's lines for a pane `width` columns wide.
    public static func lines(for state: EditorState, width: Int, glyphs: GlyphSet) -> [StyledLine] {
        var builder = Builder(width: max(8, width), glyphs: glyphs)
        let workflow = state.workflow
        if let id = state.selectedID, let job = workflow.job(id) {
            describe(job, in: state, into: &builder)
        } else if let id = state.selectedID, let trigger = workflow.trigger(id) {
            describe(trigger, in: state, into: &builder)
        } else if let id = state.selectedID, let edge = workflow.edge(id) {
            describe(edge, in: state, into: &builder)
        } else {
            describe(workflow, in: state, into: &builder)
        }
        return builder.lines
    }

    // MARK: Entities

    private static func describe(_ job: Job, in state: EditorState, into builder: inout Builder) {
        builder.field("name", job.name)
        builder.field("id", job.id)
        builder.field("adaptor", job.adaptor)
        builder.field("credential", job.projectCredentialID)
        builder.field("keychain", job.keychainCredentialID)
        builder.extra(job.extra)
        commonNotes(for: job.id, in: state, into: &builder)
        let incoming = state.workflow.edges.filter { $0.targetJobID == job.id }
        let outgoing = state.workflow.edges.filter { $0.sourceJobID == job.id }
        builder.field("from", incoming.isEmpty ? nil : incoming.map { edgeSummary($0, end: $0.sourceID, state, builder.glyphs) }.joined(separator: ", "))
        builder.field("then", outgoing.isEmpty ? nil : outgoing.map { edgeSummary($0, end: $0.targetJobID, state, builder.glyphs) }.joined(separator: ", "))
        let bodyLines = job.body.split(separator: "\n", omittingEmptySubsequences: false)
        let count = job.body.isEmpty ? 0 : (job.body.hasSuffix("\n") ? bodyLines.count - 1 : bodyLines.count)
        builder.blank()
        builder.rule("body, \(count) line\(count == 1 ? "" : "s")")
        let numberWidth = max(2, String(count).count)
        for (index, line) in bodyLines.prefix(count).enumerated() {
            let text = TextWrap.expandTabs(line)
            let pieces = TextWrap.wrap(text, width: max(1, builder.width - numberWidth - 1))
            for (pieceIndex, piece) in pieces.enumerated() {
                let number = pieceIndex == 0 ? String(index + 1) : ""
                builder.lines.append(
                    StyledLine([
                        .init(String(repeating: " ", count: numberWidth - number.count) + number, .codeLineNumber),
                        .init(String(builder.glyphs.gutter), .codeLineNumber),
                        .init(piece, .code),
                    ]))
            }
        }
        if count == 0 { builder.lines.append(StyledLine("(empty)", .muted)) }
    }

    private static func describe(_ trigger: Trigger, in state: EditorState, into builder: inout Builder) {
        builder.field("type", trigger.type.rawValue)
        builder.field("id", trigger.id)
        builder.field("enabled", trigger.enabled ? "yes" : "no")
        builder.field("cron", trigger.cronExpression)
        builder.field("cursor job", trigger.cronCursorJobID.map { "\(state.displayName(of: $0)) (\($0))" })
        builder.field("reply", trigger.webhookReply)
        if let kafka = trigger.kafkaConfiguration {
            builder.field("kafka hosts", kafka.hostsString)
            builder.field("topics", kafka.topicsString)
            builder.field("group id", kafka.groupID)
            builder.field("offset reset", kafka.initialOffsetResetPolicy)
            builder.field("timeout", kafka.connectTimeout.map(String.init))
            builder.field("sasl", kafka.sasl)
            builder.field("ssl", kafka.ssl.map { $0 ? "yes" : "no" })
            builder.field("username", kafka.username)
            builder.field("password", kafka.password.map { _ in "(set, not shown)" })
        }
        builder.extra(trigger.extra)
        commonNotes(for: trigger.id, in: state, into: &builder)
        let outgoing = state.workflow.edges.filter { $0.sourceTriggerID == trigger.id }
        builder.field("starts", outgoing.isEmpty ? nil : outgoing.map { edgeSummary($0, end: $0.targetJobID, state, builder.glyphs) }.joined(separator: ", "))
    }

    private static func describe(_ edge: Edge, in state: EditorState, into builder: inout Builder) {
        let sourceKind = edge.sourceJobID != nil ? "job" : "trigger"
        builder.field("from", edge.sourceID.map { "\(state.displayName(of: $0)) (\(sourceKind) \($0))" } ?? "(no source)")
        builder.field("to", "\(state.displayName(of: edge.targetJobID)) (job \(edge.targetJobID))")
        builder.field("condition", "\(builder.glyphs.conditionSymbol(edge.conditionType)) \(edge.conditionType.rawValue)")
        builder.field("expression", edge.conditionExpression)
        builder.field("label", edge.conditionLabel)
        builder.field("enabled", edge.enabled ? "yes" : "no")
        builder.field("id", edge.id)
        builder.extra(edge.extra)
        if state.layout.undrawnEdgeIDs.contains(edge.id) {
            builder.note("Not drawn: its source or target is missing, or it joins a job to itself.", .fieldError)
        }
        commonNotes(for: edge.id, in: state, into: &builder)
    }

    private static func describe(_ workflow: Workflow, in state: EditorState, into builder: inout Builder) {
        builder.field("name", workflow.name)
        builder.field("id", workflow.id)
        builder.field("version", String(state.lockVersion))
        builder.field("concurrency", workflow.concurrency.map(String.init) ?? "unlimited")
        builder.field("job logs", workflow.enableJobLogs.map { $0 ? "on" : "off" })
        builder.field("deleted", workflow.deletedAt)
        builder.field("contents", "\(workflow.triggers.count) triggers, \(workflow.jobs.count) jobs, \(workflow.edges.count) edges")
        builder.extra(workflow.extra)
    }

    private static func commonNotes(for id: String, in state: EditorState, into builder: inout Builder) {
        if let badge = state.badges[id] {
            let who = badge.initials.isEmpty ? "" : " by \(badge.initials)"
            builder.note("\(builder.glyphs.changedBadge) just changed\(who)", .nodeChanged)
        }
        let viewers = state.participants.filter { $0.selectedID == id }
        if !viewers.isEmpty {
            builder.note("Selected by " + viewers.map(\.name).joined(separator: ", "), .accent)
        }
        for (field, messages) in state.relayErrors.fields(of: id).sorted(by: { $0.key < $1.key }) {
            for message in messages {
                builder.note("\(builder.glyphs.errorIcon) \(field): \(message) (at the last save)", .fieldError)
            }
        }
        if let node = state.layout.node(id), node.isUnreachable {
            builder.note("No trigger leads here: it never runs.", .muted)
        }
    }

    private static func edgeSummary(_ edge: Edge, end: String?, _ state: EditorState, _ glyphs: GlyphSet) -> String {
        "\(glyphs.conditionSymbol(edge.conditionType)) \(end.map { state.displayName(of: $0) } ?? "?")"
    }

    // MARK: Building

    struct Builder {
        var width: Int
        var glyphs: GlyphSet
        var lines: [StyledLine] = []
        static let nameWidth = 11

        /// A field: its name, then its value wrapped under itself; "—" for a value that is not set.
        mutating func field(_ name: String, _ value: String?) {
            let shown = value.map { GraphLayout.singleLine($0) }.flatMap { $0.isEmpty ? nil : $0 }
            let valueWidth = max(4, width - Self.nameWidth)
            let pieces = TextWrap.wrap(shown ?? (glyphs.isUnicode ? "—" : "-"), width: valueWidth)
            for (index, piece) in pieces.enumerated() {
                let label = index == 0 ? DisplayWidth.pad(name, toColumns: Self.nameWidth) : String(repeating: " ", count: Self.nameWidth)
                lines.append(StyledLine([.init(label, .fieldName), .init(piece, shown == nil ? .muted : .text)]))
            }
        }

        /// Keys this version of Weft does not know, as JSON.
        mutating func extra(_ extra: [String: YAny]) {
            for key in extra.keys.sorted() { field(key, JSON.stringify(extra[key]!)) }
        }

        mutating func note(_ text: String, _ role: StyleRole) {
            for piece in TextWrap.wrap(text, width: width) { lines.append(StyledLine(piece, role)) }
        }

        mutating func blank() { lines.append(.empty) }

        mutating func rule(_ title: String) {
            let rule = String(repeating: String(glyphs.rule), count: 2)
            let text = "\(rule) \(title) "
            let fill = String(repeating: String(glyphs.rule), count: max(0, width - DisplayWidth.of(text)))
            lines.append(StyledLine(text + fill, .muted))
        }
    }
}
