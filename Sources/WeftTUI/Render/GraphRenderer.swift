import WorkflowModel

/// Draws a ``GraphLayout`` through a window of the screen: edges, then boxes, then the ports and
/// arrowheads on the boxes' borders, then decorations and edge labels.
///
/// Only what falls inside `area` is touched; `scroll` is the canvas cell shown at the area's top left.
/// The cost is proportional to what is visible plus one pass over the routes and nodes.
public struct GraphRenderer {
    public var layout: GraphLayout
    public var workflow: Workflow
    public var glyphs: GlyphSet
    public var decorations: GraphDecorations

    public init(layout: GraphLayout, workflow: Workflow, glyphs: GlyphSet, decorations: GraphDecorations) {
        self.layout = layout
        self.workflow = workflow
        self.glyphs = glyphs
        self.decorations = decorations
    }

    /// One cell of an edge line in the window.
    private struct LineCell {
        var directions: LineDirections = []
        var stroke: LineStroke = .solid
        var role: StyleRole = .text
        var owner = -1
        var isShared = false
    }

    public func draw(into grid: inout CellGrid, area: Rect, scroll: Point) {
        let visible = Rect(x: scroll.x, y: scroll.y, width: area.width, height: area.height)
        func toScreen(_ point: Point) -> Point { Point(x: point.x - scroll.x + area.x, y: point.y - scroll.y + area.y) }

        // Edges, rasterised into the window; the selected one last so it shows where lines cross.
        var lines = Array(repeating: LineCell(), count: area.width * area.height)
        let order = layout.routes.indices.sorted {
            (layout.routes[$0].edgeID == decorations.selectedID ? 1 : 0, $0)
                < (layout.routes[$1].edgeID == decorations.selectedID ? 1 : 0, $1)
        }
        let routeBounds = layout.routes.map(Self.bounds)
        for routeIndex in order where !routeBounds[routeIndex].intersection(visible).isEmpty {
            let route = layout.routes[routeIndex]
            let role = edgeRole(route)
            let stroke = GlyphSet.stroke(for: route.condition)
            func mark(_ point: Point, _ direction: LineDirections) {
                guard visible.contains(point) else { return }
                let index = (point.y - visible.y) * area.width + (point.x - visible.x)
                if lines[index].owner != -1 && lines[index].owner != routeIndex { lines[index].isShared = true }
                lines[index].directions.formUnion(direction)
                lines[index].stroke = stroke
                lines[index].role = role
                lines[index].owner = routeIndex
            }
            for (from, to) in zip(route.points, route.points.dropFirst()) {
                if from.x == to.x {
                    let step = to.y > from.y ? 1 : -1
                    var y = from.y
                    while y != to.y {
                        mark(Point(x: from.x, y: y), step > 0 ? .down : .up)
                        mark(Point(x: from.x, y: y + step), step > 0 ? .up : .down)
                        y += step
                    }
                } else {
                    let step = to.x > from.x ? 1 : -1
                    var x = from.x
                    while x != to.x {
                        mark(Point(x: x, y: from.y), step > 0 ? .right : .left)
                        mark(Point(x: x + step, y: from.y), step > 0 ? .left : .right)
                        x += step
                    }
                }
            }
        }
        for row in 0..<area.height {
            for column in 0..<area.width {
                let cell = lines[row * area.width + column]
                guard !cell.directions.isEmpty else { continue }
                grid.put(
                    glyphs.line(cell.directions, stroke: cell.stroke), x: area.x + column, y: area.y + row,
                    role: cell.role, clip: area)
            }
        }

        // Boxes.
        for node in layout.nodes where node.frame.intersection(visible).isEmpty == false {
            drawBox(node, into: &grid, origin: toScreen(Point(x: node.frame.x, y: node.frame.y)), clip: area)
        }

        // Where edges meet the boxes.
        for (routeIndex, route) in layout.routes.enumerated() where !routeBounds[routeIndex].intersection(visible).isEmpty {
            guard let first = route.points.first, let last = route.points.last else { continue }
            let role = edgeRole(route)
            let stroke = GlyphSet.stroke(for: route.condition)
            let hollow = route.condition == .jsExpression
            let (top, bottom): (Character, Character) =
                route.isReversed
                ? (glyphs.arrowhead(down: false, hollow: hollow), glyphs.port(stroke: stroke, downward: false))
                : (glyphs.port(stroke: stroke, downward: true), glyphs.arrowhead(down: true, hollow: hollow))
            let start = toScreen(first)
            let end = toScreen(last)
            grid.put(top, x: start.x, y: start.y, role: role, clip: area)
            grid.put(bottom, x: end.x, y: end.y, role: role, clip: area)
        }

        // Badges and presence on the boxes' top borders.
        for node in layout.nodes where node.frame.intersection(visible).isEmpty == false {
            drawDecorations(node, into: &grid, origin: toScreen(Point(x: node.frame.x, y: node.frame.y)), clip: area)
        }

        // Edge labels, into blank cells only.
        for (routeIndex, route) in layout.routes.enumerated() where !routeBounds[routeIndex].intersection(visible).isEmpty {
            drawLabel(route, index: routeIndex, into: &grid, area: area, scroll: scroll, lines: lines)
        }
    }

    /// The rectangle a route's points span, with room for a label beside it.
    private static func bounds(_ route: GraphLayout.Route) -> Rect {
        guard let first = route.points.first else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        var (minX, maxX, minY, maxY) = (first.x, first.x, first.y, first.y)
        for point in route.points {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
        let labelRoom = 24
        return Rect(x: minX - labelRoom, y: minY, width: maxX - minX + 1 + 2 * labelRoom, height: maxY - minY + 1)
    }

    // MARK: Boxes

    private func drawBox(_ node: GraphLayout.Node, into grid: inout CellGrid, origin: Point, clip: Rect) {
        let isSelected = node.id == decorations.selectedID
        let role: StyleRole =
            isSelected ? .borderFocused
            : node.isUnreachable ? .muted : node.kind == .trigger ? .nodeTrigger : .nodeJob
        let corners = node.kind == .trigger ? glyphs.triggerCorners : glyphs.jobCorners
        let width = node.frame.width
        let right = origin.x + width - 1
        grid.put(corners.0, x: origin.x, y: origin.y, role: role, clip: clip)
        grid.put(corners.1, x: right, y: origin.y, role: role, clip: clip)
        grid.put(corners.2, x: origin.x, y: origin.y + 2, role: role, clip: clip)
        grid.put(corners.3, x: right, y: origin.y + 2, role: role, clip: clip)
        for x in (origin.x + 1)..<right {
            grid.put(glyphs.horizontal, x: x, y: origin.y, role: role, clip: clip)
            grid.put(glyphs.horizontal, x: x, y: origin.y + 2, role: role, clip: clip)
        }
        grid.put(glyphs.vertical, x: origin.x, y: origin.y + 1, role: role, clip: clip)
        grid.put(glyphs.vertical, x: right, y: origin.y + 1, role: role, clip: clip)
        let inside = width - 2
        let labelRole: StyleRole = isSelected ? .nodeSelected : role
        let label = DisplayWidth.truncate(node.label, toColumns: inside - 2, ellipsis: glyphs.ellipsis)
        let padding = inside - DisplayWidth.of(label)
        let leftPad = padding / 2
        let text = String(repeating: " ", count: leftPad) + label + String(repeating: " ", count: padding - leftPad)
        grid.write(text, x: origin.x + 1, y: origin.y + 1, role: labelRole, clip: clip)
    }

    private func drawDecorations(_ node: GraphLayout.Node, into grid: inout CellGrid, origin: Point, clip: Rect) {
        let right = origin.x + node.frame.width - 1
        var leftEnd = origin.x + 1
        if let who = decorations.changedBy[node.id] {
            leftEnd = writeOnBorder(
                String(glyphs.changedBadge) + who, from: origin.x + 1, limit: right, y: origin.y, role: .nodeChanged,
                into: &grid, clip: clip)
        }
        let marks = decorations.presence[node.id] ?? []
        guard !marks.isEmpty else { return }
        // Right-aligned before the corner; each person's initials in their colour.
        let total = marks.reduce(0) { $0 + DisplayWidth.of($1.initials) } + marks.count - 1
        var x = max(leftEnd + 1, right - total)
        for (index, mark) in marks.enumerated() {
            if index > 0 { x += 1 }
            x = writeOnBorder(mark.initials, from: x, limit: right, y: origin.y, role: .presence(mark.colourIndex), into: &grid, clip: clip)
        }
    }

    /// Writes `text` over plain border cells from `from`, stopping before `limit` or a port or
    /// arrowhead; returns the column after the last one written.
    private func writeOnBorder(
        _ text: String, from: Int, limit: Int, y: Int, role: StyleRole, into grid: inout CellGrid, clip: Rect
    ) -> Int {
        var x = from
        for character in text {
            let width = DisplayWidth.of(character)
            guard x + width <= limit else { break }
            if clip.contains(Point(x: x, y: y)) && grid[x, y].character != glyphs.horizontal { break }
            x += grid.put(character, x: x, y: y, role: role, clip: clip)
        }
        return x
    }

    // MARK: Edges

    private func edgeRole(_ route: GraphLayout.Route) -> StyleRole {
        if route.edgeID == decorations.selectedID { return .edgeSelected }
        if !route.isEnabled { return .edgeDisabled }
        return .edge(route.condition)
    }

    /// The text beside an edge: its condition's symbol, then its label (or a js expression), cut short.
    func labelText(_ route: GraphLayout.Route) -> String {
        var text = glyphs.conditionSymbol(route.condition)
        let edge = workflow.edge(route.edgeID)
        let detail = [edge?.conditionLabel, route.condition == .jsExpression ? edge?.conditionExpression : nil]
            .compactMap { $0.map(GraphLayout.singleLine) }.first { !$0.isEmpty }
        if let detail { text += " " + DisplayWidth.truncate(detail, toColumns: 14, ellipsis: glyphs.ellipsis) }
        if !route.isEnabled { text += " (off)" }
        if let who = decorations.changedBy[route.edgeID] { text = String(glyphs.changedBadge) + who + " " + text }
        return text
    }

    private func drawLabel(
        _ route: GraphLayout.Route, index routeIndex: Int, into grid: inout CellGrid, area: Rect, scroll: Point,
        lines: [LineCell]
    ) {
        let text = labelText(route)
        let width = DisplayWidth.of(text)
        let role = edgeRole(route)
        func screen(_ x: Int, _ y: Int) -> Point { Point(x: x - scroll.x + area.x, y: y - scroll.y + area.y) }
        func isFree(_ point: Point) -> Bool {
            !area.contains(point) || grid[point.x, point.y].isBlank
        }
        func isOwnHorizontal(_ point: Point) -> Bool {
            guard area.contains(point) else { return true }
            let cell = lines[(point.y - area.y) * area.width + (point.x - area.x)]
            return cell.owner == routeIndex && !cell.isShared && cell.directions == [.left, .right]
        }
        let segments = Array(zip(route.points, route.points.dropFirst()))
        // On its longest horizontal run, with a line cell either side.
        if let (a, b) = segments.filter({ $0.0.y == $0.1.y }).max(by: { abs($0.0.x - $0.1.x) < abs($1.0.x - $1.1.x) }),
            abs(a.x - b.x) - 1 >= width + 2
        {
            let start = min(a.x, b.x) + 1 + (abs(a.x - b.x) - 1 - width) / 2
            let cells = (0..<width).map { screen(start + $0, a.y) }
            if cells.allSatisfy(isOwnHorizontal) {
                grid.write(text, x: cells[0].x, y: cells[0].y, role: role, clip: area)
                return
            }
        }
        // Beside a vertical run: the last one first (nearest the target), then the first.
        let verticals = segments.filter { $0.0.x == $0.1.x && abs($0.0.y - $0.1.y) >= 2 }
        for (a, b) in [verticals.last, verticals.first].compactMap({ $0 }) {
            let top = min(a.y, b.y) + 1
            let bottom = max(a.y, b.y) - 1
            let rows = Array(top...bottom)
            let middle = rows[rows.count / 2]
            for y in [middle] + rows.filter({ $0 != middle }) {
                for x in [a.x + 1, a.x - width] where x >= 0 && x + width <= layout.width {
                    let candidate = screen(x, y)
                    guard area.contains(candidate) || area.contains(Point(x: candidate.x + width - 1, y: candidate.y))
                    else { continue }
                    // One blank column between the label and any other line, on the side away from ours.
                    let cells = (-1...width).map { Point(x: candidate.x + $0, y: candidate.y) }
                    let ownLine = x == a.x + 1 ? cells.first : cells.last
                    guard cells.allSatisfy({ $0 == ownLine || isFree($0) }) else { continue }
                    grid.write(text, x: candidate.x, y: candidate.y, role: role, clip: area)
                    return
                }
            }
        }
    }
}
