/// How the screen is drawn: which glyphs, and whether colour is available.
public struct RenderOptions: Hashable, Sendable {
    public var glyphs: GlyphSet
    /// No colour (a monochrome theme, `NO_COLOR`, or a terminal without colours): the unsaved marker
    /// becomes `[+]`, since a coloured dot would then say nothing.
    public var isMonochrome: Bool

    public init(glyphs: GlyphSet = .unicode, isMonochrome: Bool = false) {
        self.glyphs = glyphs
        self.isMonochrome = isMonochrome
    }
}

/// Draws a whole ``EditorState`` into a ``CellGrid`` of the state's size: the graph panel, the
/// details panel, the status bar, the message line, and the help overlay when it is open.
///
/// Pure: the same state and options always give the same grid, which is what golden files check.
public enum ScreenRenderer {
    public static func render(_ state: EditorState, options: RenderOptions = RenderOptions()) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height)
        let screen = state.screen
        guard !screen.isTooSmall else {
            grid.write("Weft needs \(ScreenLayout.minimumSize.width)×\(ScreenLayout.minimumSize.height)", x: 0, y: 0, role: .alert, maxColumns: grid.width)
            return grid
        }
        let glyphs = options.glyphs
        if state.mode == .body, let editor = state.body {
            BodyPane.draw(state, editor: editor, glyphs: glyphs, into: &grid)
        } else {
            if !screen.graphPanel.isEmpty { drawGraphPanel(state, screen: screen, glyphs: glyphs, into: &grid) }
            if let panel = screen.detailPanel {
                drawDetailPanel(state, panel: panel, screen: screen, glyphs: glyphs, into: &grid)
            }
        }
        StatusBar.draw(state, row: screen.statusRow, options: options, into: &grid)
        MessageLine.draw(state, row: screen.messageRow, glyphs: glyphs, into: &grid)
        if case .help(let scroll) = state.mode { drawHelp(state, scroll: scroll, glyphs: glyphs, into: &grid) }
        if case .who(let scroll) = state.mode {
            drawBox(
                title: "Who is here", lines: WhoOverlay.lines(for: state), scroll: scroll, glyphs: glyphs, into: &grid)
        }
        return grid
    }

    // MARK: Panels

    static func drawFrame(
        _ rect: Rect, title: String, role: StyleRole, glyphs: GlyphSet, into grid: inout CellGrid
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let corners = glyphs.panelCorners
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        grid.put(corners.0, x: rect.x, y: rect.y, role: role)
        grid.put(corners.1, x: right, y: rect.y, role: role)
        grid.put(corners.2, x: rect.x, y: bottom, role: role)
        grid.put(corners.3, x: right, y: bottom, role: role)
        for x in (rect.x + 1)..<right {
            grid.put(glyphs.horizontal, x: x, y: rect.y, role: role)
            grid.put(glyphs.horizontal, x: x, y: bottom, role: role)
        }
        for y in (rect.y + 1)..<bottom {
            grid.put(glyphs.vertical, x: rect.x, y: y, role: role)
            grid.put(glyphs.vertical, x: right, y: y, role: role)
        }
        if !title.isEmpty, rect.width > 6 {
            grid.write(" \(title) ", x: rect.x + 2, y: rect.y, role: .title, maxColumns: rect.width - 4)
        }
    }

    private static func drawGraphPanel(_ state: EditorState, screen: ScreenLayout, glyphs: GlyphSet, into grid: inout CellGrid) {
        let panel = screen.graphPanel
        let name = state.workflow.name.isEmpty ? state.workflow.id : state.workflow.name
        drawFrame(panel, title: GraphLayout.singleLine(name), role: .borderFocused, glyphs: glyphs, into: &grid)
        let area = screen.graphArea
        guard area.width > 0, area.height > 0 else { return }
        let layout = state.layout
        if layout.nodes.isEmpty {
            grid.write("No triggers or jobs yet.", x: area.x, y: area.y, role: .muted, maxColumns: area.width)
            return
        }
        // A graph narrower than the window sits in its middle.
        let centring = layout.width < area.width ? (area.width - layout.width) / 2 : 0
        let scroll = Point(x: state.graphScroll.x - centring, y: state.graphScroll.y)
        var presence: [String: [PresenceMark]] = [:]
        for participant in state.participants {
            guard let id = participant.selectedID else { continue }
            presence[id, default: []].append(PresenceMark(initials: participant.initials, colourIndex: participant.colourIndex))
        }
        let decorations = GraphDecorations(
            selectedID: state.selectedID, changedBy: state.badges.mapValues(\.initials), presence: presence)
        GraphRenderer(layout: layout, workflow: state.workflow, glyphs: glyphs, decorations: decorations)
            .draw(into: &grid, area: area, scroll: scroll)

        // Arrows on the frame where there is more to scroll to.
        let middleRow = panel.y + panel.height / 2
        let middleColumn = panel.x + panel.width / 2
        if state.graphScroll.x > 0 { grid.put(glyphs.scrollLeft, x: panel.x, y: middleRow, role: .accent) }
        if state.graphScroll.x + area.width < layout.width {
            grid.put(glyphs.scrollRight, x: panel.maxX - 1, y: middleRow, role: .accent)
        }
        if state.graphScroll.y > 0 { grid.put(glyphs.scrollUp, x: middleColumn, y: panel.y, role: .accent) }
        if state.graphScroll.y + area.height < layout.height {
            grid.put(glyphs.scrollDown, x: middleColumn, y: panel.maxY - 1, role: .accent)
        }
    }

    private static func drawDetailPanel(
        _ state: EditorState, panel: Rect, screen: ScreenLayout, glyphs: GlyphSet, into grid: inout CellGrid
    ) {
        if let inspector = state.mode.inspector {
            drawInspector(state, inspector: inspector, panel: panel, screen: screen, glyphs: glyphs, into: &grid)
            return
        }
        var title = DetailPane.title(for: state)
        if let id = state.selectedID, title != "Workflow" { title += ": " + state.displayName(of: id) }
        drawFrame(panel, title: title, role: .border, glyphs: glyphs, into: &grid)
        guard let area = screen.detailArea, area.width > 0, area.height > 0 else { return }
        let lines = DetailPane.lines(for: state, width: area.width, glyphs: glyphs)
        drawLines(lines, scroll: state.detailScroll, panel: panel, area: area, glyphs: glyphs, into: &grid)
    }

    /// The inspector in the details panel, focused (its frame is the focused one), scrolled so the
    /// focused field shows.
    private static func drawInspector(
        _ state: EditorState, inspector: Inspector, panel: Rect, screen: ScreenLayout, glyphs: GlyphSet,
        into grid: inout CellGrid
    ) {
        let title = InspectorPane.title(for: state, inspector: inspector)
        drawFrame(panel, title: title, role: .borderFocused, glyphs: glyphs, into: &grid)
        guard let area = screen.detailArea, area.width > 0, area.height > 0 else { return }
        let (lines, focused) = InspectorPane.lines(for: state, inspector: inspector, width: area.width, glyphs: glyphs)
        let scroll = max(0, min(focused - area.height / 2, lines.count - area.height))
        drawLines(lines, scroll: scroll, panel: panel, area: area, glyphs: glyphs, into: &grid)
    }

    private static func drawLines(
        _ lines: [StyledLine], scroll: Int, panel: Rect, area: Rect, glyphs: GlyphSet, into grid: inout CellGrid
    ) {
        for (row, line) in lines.dropFirst(scroll).prefix(area.height).enumerated() {
            line.draw(into: &grid, x: area.x, y: area.y + row, maxColumns: area.width)
        }
        let middleColumn = panel.x + panel.width / 2
        if scroll > 0 { grid.put(glyphs.scrollUp, x: middleColumn, y: panel.y, role: .accent) }
        if scroll + area.height < lines.count {
            grid.put(glyphs.scrollDown, x: middleColumn, y: panel.maxY - 1, role: .accent)
        }
    }

    // MARK: Help

    private static func drawHelp(_ state: EditorState, scroll: Int, glyphs: GlyphSet, into grid: inout CellGrid) {
        drawBox(title: "Keys", lines: HelpOverlay.lines(state.keymap), scroll: scroll, glyphs: glyphs, into: &grid)
    }

    /// A box over the middle of the screen holding `lines` from `scroll` on (the help, the
    /// collaborators list).
    private static func drawBox(
        title: String, lines: [StyledLine], scroll: Int, glyphs: GlyphSet, into grid: inout CellGrid
    ) {
        let contentWidth = min(lines.map(\.width).max() ?? 40, grid.width - 6)
        let width = contentWidth + 4
        let height = min(lines.count + 2, grid.height - 2)
        let box = Rect(x: (grid.width - width) / 2, y: max(0, (grid.height - 2 - height) / 2), width: width, height: height)
        grid.fill(box)
        drawFrame(box, title: title, role: .borderFocused, glyphs: glyphs, into: &grid)
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: contentWidth, height: height - 2)
        for (row, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            line.draw(into: &grid, x: inner.x, y: inner.y + row, maxColumns: inner.width)
        }
        if scroll + inner.height < lines.count {
            grid.put(glyphs.scrollDown, x: box.x + box.width / 2, y: box.maxY - 1, role: .accent)
        }
    }
}
