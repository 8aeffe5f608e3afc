extension EditorState {
    enum Direction {
        case up, down, left, right
    }

    /// Selects `id`; when that changed the selection, tells the others (presence).
    mutating func selectAndAnnounce(_ id: String?) -> [EditorEffect] {
        select(id) ? [.select(id)] : []
    }

    /// Moves to the nearest node in `direction`: up and down go to the nearest layer that way, then the
    /// closest column; left and right stay in the layer when they can, then go to the nearest column.
    /// From an edge, movement starts at its source's box.
    mutating func moveSelection(_ direction: Direction) -> [EditorEffect] {
        guard let current = selectedID, let from = anchorNode(of: current) else {
            return selectAndAnnounce(layout.readingOrder.first)
        }
        let candidates = layout.nodes.filter { $0.id != from.id }
        func score(_ node: GraphLayout.Node) -> (Int, Int, Int)? {
            let layerDistance = node.layer - from.layer
            let columnDistance = node.centerX - from.centerX
            switch direction {
            case .down: return layerDistance > 0 ? (layerDistance, abs(columnDistance), node.frame.x) : nil
            case .up: return layerDistance < 0 ? (-layerDistance, abs(columnDistance), node.frame.x) : nil
            case .right: return columnDistance > 0 ? (abs(layerDistance), columnDistance, node.layer) : nil
            case .left: return columnDistance < 0 ? (abs(layerDistance), -columnDistance, node.layer) : nil
            }
        }
        let best = candidates.compactMap { node in score(node).map { (node, $0) } }.min { $0.1 < $1.1 }
        guard let best else {
            // Nothing that way: an edge selection still comes back to its node.
            return current == from.id ? [] : selectAndAnnounce(from.id)
        }
        return selectAndAnnounce(best.0.id)
    }

    /// Tab and Shift-Tab: the next or previous node or edge in reading order, wrapping.
    mutating func cycleSelection(by step: Int) -> [EditorEffect] {
        let order = layout.readingOrder
        guard !order.isEmpty else { return [] }
        guard let current = selectedID, let index = order.firstIndex(of: current) else {
            return selectAndAnnounce(step > 0 ? order.first : order.last)
        }
        return selectAndAnnounce(order[(index + step + order.count) % order.count])
    }

    /// The node movement starts from: the node itself, or an edge's source (its target when the
    /// source is not drawn).
    private func anchorNode(of id: String) -> GraphLayout.Node? {
        if let node = layout.node(id) { return node }
        if let route = layout.route(id) { return layout.node(route.sourceID) ?? layout.node(route.targetID) }
        return nil
    }
}
