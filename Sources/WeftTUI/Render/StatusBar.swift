/// The status bar: the workflow, its version and the unsaved-changes marker on the left; who else is
/// here, the connection and the selection's place on the right.
///
/// The marker is `●` (U+25CF) in the theme's `status.dirty` colour when the screen is UTF-8 and in
/// colour; `[+]` in ASCII and in monochrome. A clean document shows no marker.
public enum StatusBar {
    public static func draw(_ state: EditorState, row: Int, options: RenderOptions, into grid: inout CellGrid) {
        let glyphs = options.glyphs
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), role: .status)
        var left: [StyledLine.Span] = []
        let name = GraphLayout.singleLine(state.workflow.name.isEmpty ? state.workflow.id : state.workflow.name)
        left.append(.init(" \(name) ", .status))
        left.append(.init("v\(state.lockVersion) ", .status))
        if state.isReadOnly { left.append(.init("read-only ", .statusOffline)) }
        if state.isDirty {
            let marker = options.isMonochrome ? "[+]" : glyphs.unsavedMarker
            left.append(.init(marker, .statusDirty))
            left.append(.init(" ", .status))
        }

        var right: [StyledLine.Span] = []
        if !state.participants.isEmpty {
            right.append(.init("with ", .status))
            for (index, participant) in state.participants.enumerated() {
                if index > 0 { right.append(.init(" ", .status)) }
                right.append(.init(participant.initials, .presence(participant.colourIndex)))
            }
            right.append(.init(" \(glyphs.separator) ", .status))
        }
        let (connection, connectionRole) = connectionText(state.connection)
        right.append(.init(connection, connectionRole))
        if let position = positionText(state) { right.append(.init(" \(glyphs.separator) \(position)", .status)) }
        right.append(.init(" ", .status))

        let leftLine = StyledLine(left)
        let rightLine = StyledLine(right)
        let rightWidth = rightLine.width
        leftLine.draw(into: &grid, x: 0, y: row, maxColumns: max(0, grid.width - rightWidth - 1))
        rightLine.draw(into: &grid, x: max(leftLine.width + 1, grid.width - rightWidth), y: row, maxColumns: rightWidth)
    }

    static func connectionText(_ status: ConnectionStatus) -> (String, StyleRole) {
        switch status {
        case .connected: ("online", .status)
        case .connecting: ("connecting", .statusOffline)
        case .reconnecting(let attempt, let nextIn):
            ("reconnecting (try \(attempt) in \(nextIn.components.seconds)s)", .statusOffline)
        case .disconnected: ("offline", .statusOffline)
        }
    }

    /// "job 2/3": the kind of the selection and its place among its kind in reading order.
    static func positionText(_ state: EditorState) -> String? {
        guard let id = state.selectedID else { return nil }
        let order = state.layout.readingOrder
        let workflow = state.workflow
        let kind: String
        let kindIDs: Set<String>
        if workflow.job(id) != nil {
            kind = "job"
            kindIDs = Set(workflow.jobs.map(\.id))
        } else if workflow.trigger(id) != nil {
            kind = "trigger"
            kindIDs = Set(workflow.triggers.map(\.id))
        } else if workflow.edge(id) != nil {
            kind = "edge"
            kindIDs = Set(workflow.edges.map(\.id))
        } else {
            return nil
        }
        let peers = order.filter(kindIDs.contains)
        guard let index = peers.firstIndex(of: id) else { return kind }
        return "\(kind) \(index + 1)/\(peers.count)"
    }
}

/// The line under the status bar: the command line or search while typing, the quit question, the
/// newest message, or key hints when there is nothing to say.
public enum MessageLine {
    public static func draw(_ state: EditorState, row: Int, glyphs: GlyphSet, into grid: inout CellGrid) {
        let width = grid.width
        let line: StyledLine
        switch state.mode {
        case .command(let text):
            line = StyledLine([.init(":" + text), .init(String(glyphs.cursor), .accent)])
        case .search(let text, _):
            line = StyledLine([.init("/" + text), .init(String(glyphs.cursor), .accent)])
        case .confirmQuit:
            line = StyledLine([
                .init("Unsaved changes. Quit anyway? ", .toastWarn), .init("y", .helpKey), .init(" quit  "),
                .init("s", .helpKey), .init(" save, then quit  "), .init("any other key", .helpKey), .init(" stay"),
            ])
        case .help:
            line = StyledLine([.init("Esc", .helpKey), .init(" closes the help, "), .init("j k", .helpKey), .init(" scroll")])
        case .confirmDelete(let id):
            line = StyledLine([
                .init("Delete \(state.deletionDescription(of: id))? ", .toastWarn), .init("y", .helpKey),
                .init(" delete  "), .init("any other key", .helpKey), .init(" keep"),
            ])
        case .connect(let source):
            if let source {
                line = StyledLine([
                    .init("From “\(state.displayName(of: source))” to: ", .accent), .init("arrows", .helpKey),
                    .init(" pick the target job, "), .init("Enter", .helpKey), .init(" connect, "),
                    .init("Esc", .helpKey), .init(" cancel"),
                ])
            } else {
                line = StyledLine([
                    .init("New edge: ", .accent), .init("arrows", .helpKey), .init(" pick the source, "),
                    .init("Enter", .helpKey), .init(" take it, "), .init("Esc", .helpKey), .init(" cancel"),
                ])
            }
        case .who:
            line = StyledLine([.init("Esc", .helpKey), .init(" closes the list")])
        case .confirmRebase(let stale):
            // The keys first, so they show on a narrow screen; what moved after them.
            let moved = state.movedDescription(stale)
            line = StyledLine([
                .init("Not saved: v\(stale.currentLockVersion) came first. ", .toastWarn), .init("r", .helpKey),
                .init(" rebase and save again  "), .init("Esc", .helpKey), .init(" not now"),
                .init(moved.isEmpty ? "" : "  \(glyphs.separator) moved: \(moved)", .muted),
            ])
        case .inspector(let inspector):
            if inspector.editing == nil, let toast = state.toasts.current {
                line = toastLine(toast, state: state, glyphs: glyphs)
            } else if inspector.editing != nil {
                line = StyledLine([
                    .init("Enter", .helpKey), .init(" keeps  "), .init("Tab", .helpKey), .init(" next field  "),
                    .init("Esc", .helpKey), .init(" cancels  "), .init("Ctrl-U", .helpKey), .init(" clears  "),
                    .init("Ctrl-S", .helpKey), .init(" save"),
                ])
            } else {
                line = StyledLine([
                    .init("j k", .helpKey), .init(" field  "), .init("Enter", .helpKey), .init(" edit  "),
                    .init("u", .helpKey), .init(" undo  "), .init("Ctrl-S", .helpKey), .init(" save  "),
                    .init("Esc", .helpKey), .init(" done"),
                ])
            }
        case .normal, .body:
            if let toast = state.toasts.current {
                line = toastLine(toast, state: state, glyphs: glyphs)
            } else if state.mode == .body {
                line = StyledLine([
                    .init("Esc", .helpKey), .init(" graph  "), .init("Ctrl-S", .helpKey), .init(" save  "),
                    .init("Ctrl-Z Ctrl-Y", .helpKey), .init(" undo redo  "), .init("Shift-arrows Ctrl-Space", .helpKey),
                    .init(" select  "), .init("Ctrl-C X V", .helpKey), .init(" copy cut paste"),
                ])
            } else {
                line = StyledLine([
                    .init("?", .helpKey), .init(" help  "), .init("arrows", .helpKey), .init(" move  "),
                    .init("Tab", .helpKey), .init(" next  "), .init("Enter", .helpKey), .init(" details  "),
                    .init(":w", .helpKey), .init(" save  "), .init("q", .helpKey), .init(" quit", .text),
                ])
            }
        }
        line.draw(into: &grid, x: 0, y: row, maxColumns: width)
    }

    private static func toastLine(_ toast: Toast, state: EditorState, glyphs: GlyphSet) -> StyledLine {
        let (icon, role): (String, StyleRole) =
            switch toast.level {
            case .info: (glyphs.infoIcon, .toastInfo)
            case .warning: (glyphs.warningIcon, .toastWarn)
            case .error: (glyphs.errorIcon, .toastError)
            }
        var spans: [StyledLine.Span] = [.init(icon + " ", role), .init(toast.text, role)]
        if toast.isSticky { spans.append(.init("  [Esc]", .muted)) }
        if state.toasts.waitingCount > 0 { spans.append(.init("  (+\(state.toasts.waitingCount))", .muted)) }
        return StyledLine(spans)
    }
}
