import WorkflowModel

/// Where every node and edge of a workflow goes on the graph's canvas: a layered (Sugiyama) layout
/// with the triggers on top, computed by ``make(for:previous:options:)``.
///
/// The layout is a pure function of the workflow and the previous layout, independent of the
/// terminal's size, glyphs and presence, so a resize or a collaborator moving never moves a box.
/// Coordinates are canvas cells, (0, 0) at the top left.
public struct GraphLayout: Hashable, Sendable {
    public enum NodeKind: Hashable, Sendable {
        case trigger, job
    }

    /// A box: a trigger or a job.
    public struct Node: Hashable, Sendable {
        public var id: String
        public var kind: NodeKind
        /// The text inside the box, already cut to fit.
        public var label: String
        /// 0 for the triggers, then one layer per step of the longest path from them.
        public var layer: Int
        public var frame: Rect
        /// Whether the node is not reachable from any trigger (it never runs).
        public var isUnreachable: Bool

        /// The column of the box's centre.
        public var centerX: Int { frame.x + frame.width / 2 }
    }

    /// The path of one edge: axis-parallel segments through the channels between layers.
    public struct Route: Hashable, Sendable {
        public var edgeID: String
        /// The node whose box the edge leaves and the one it enters (in the workflow's direction).
        public var sourceID: String
        public var targetID: String
        public var condition: Edge.Condition
        public var isEnabled: Bool
        /// The corners of the path from the upper end to the lower end: the first point is on the upper
        /// box's bottom border, the last on the lower box's top border.
        public var points: [Point]
        /// Whether the edge points up the page: it closes a cycle, so its source is the lower box.
        public var isReversed: Bool
    }

    public private(set) var nodes: [Node] = []
    public private(set) var routes: [Route] = []
    /// The canvas's size in cells.
    public private(set) var width = 0
    public private(set) var height = 0
    /// Edges that are not drawn: a source or target that does not exist, a trigger as target, or a
    /// job wired to itself. The detail pane still shows them.
    public private(set) var undrawnEdgeIDs: [String] = []
    /// The order of each layer as the next layout's starting point: every node's (and every long
    /// edge's waypoint's) centre column, by id.
    var orderKeys: [String: Double] = [:]
    var nodeIndexByID: [String: Int] = [:]
    var routeIndexByID: [String: Int] = [:]

    public init() {}

    /// The node with this id.
    public func node(_ id: String) -> Node? { nodeIndexByID[id].map { nodes[$0] } }

    /// The route of the edge with this id.
    public func route(_ edgeID: String) -> Route? { routeIndexByID[edgeID].map { routes[$0] } }

    /// The ids of nodes and edges in reading order: layer by layer, left to right, each node followed by
    /// the edges that leave it (left to right by where they go). Tab walks this order.
    public private(set) var readingOrder: [String] = []

    private static func readingOrder(nodes: [Node], routes: [Route]) -> [String] {
        let sortedNodes = nodes.sorted { ($0.layer, $0.frame.x, $0.id) < ($1.layer, $1.frame.x, $1.id) }
        var outgoing: [String: [Route]] = [:]
        for route in routes { outgoing[route.sourceID, default: []].append(route) }
        var order: [String] = []
        for node in sortedNodes {
            order.append(node.id)
            let leaving = (outgoing[node.id] ?? []).sorted {
                ($0.points.last?.x ?? 0, $0.edgeID) < ($1.points.last?.x ?? 0, $1.edgeID)
            }
            order.append(contentsOf: leaving.map(\.edgeID))
        }
        return order
    }

    /// The smallest rectangle holding everything drawn for an entity: a node's box, or an edge's path.
    public func frame(of id: String) -> Rect? {
        if let node = node(id) { return node.frame }
        guard let route = route(id), let first = route.points.first else { return nil }
        var minX = first.x
        var maxX = first.x
        var minY = first.y
        var maxY = first.y
        for point in route.points {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
        return Rect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    mutating func setNodes(_ nodes: [Node]) {
        self.nodes = nodes
        nodeIndexByID = [:]
        for (index, node) in nodes.enumerated() { nodeIndexByID[node.id] = index }
    }

    mutating func setRoutes(_ routes: [Route], width: Int, height: Int, undrawn: [String]) {
        self.routes = routes
        self.width = width
        self.height = height
        self.undrawnEdgeIDs = undrawn
        routeIndexByID = [:]
        for (index, route) in routes.enumerated() where routeIndexByID[route.edgeID] == nil {
            routeIndexByID[route.edgeID] = index
        }
        readingOrder = Self.readingOrder(nodes: nodes, routes: routes)
    }

    #if DEBUG
        /// Checks what must always hold: boxes of one layer do not overlap, every route starts on its
        /// upper box's bottom border and ends on its lower box's top border, and its segments are
        /// axis-parallel.
        func _checkInvariants() {
            var byLayer: [Int: [Node]] = [:]
            for node in nodes { byLayer[node.layer, default: []].append(node) }
            for (_, layer) in byLayer {
                let sorted = layer.sorted { $0.frame.x < $1.frame.x }
                for (left, right) in zip(sorted, sorted.dropFirst()) {
                    precondition(left.frame.maxX <= right.frame.x, "boxes \(left.id) and \(right.id) overlap")
                }
            }
            for route in routes {
                for (a, b) in zip(route.points, route.points.dropFirst()) {
                    precondition(a.x == b.x || a.y == b.y, "route \(route.edgeID) has a diagonal segment")
                }
            }
        }
    #endif
}

/// The knobs of the layout.
public struct LayoutOptions: Hashable, Sendable {
    /// The narrowest and widest a box may be (its label is cut to fit).
    public var minimumBoxWidth = 9
    public var maximumBoxWidth = 28
    /// Columns between two boxes of a layer, and between a box and a long edge passing through it.
    public var boxGap = 3
    public var waypointGap = 2
    /// Barycentre sweeps of the first layout (later layouts keep the previous order).
    public var orderingSweeps = 6

    public init() {}

    /// Rows of a box: border, label, border.
    static let boxHeight = 3
}
