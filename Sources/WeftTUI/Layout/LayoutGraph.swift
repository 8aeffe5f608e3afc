import WorkflowModel

/// The working graph of one layout run: the boxes plus a waypoint for every layer a long edge
/// crosses, with each edge cut into segments that join adjacent layers.
struct LayoutGraph {
    enum VertexKind: Hashable {
        case trigger, job
        /// Where a long edge crosses a layer.
        case waypoint
    }

    struct Vertex {
        var id: String
        var kind: VertexKind
        var label: String
        var width: Int
        var layer: Int
        /// The position in the workflow's own lists, the tie-breaker everywhere.
        var documentIndex: Int
        var isUnreachable = false
        /// Left column, set by placement.
        var x = 0
        var centerX: Double { Double(x) + Double(width) / 2 }
    }

    /// An edge that will be drawn, in the layout's direction (upper layer to lower layer).
    struct DrawnEdge {
        var edge: Edge
        /// Vertex indices: the upper end, the waypoints in order, the lower end.
        var chain: [Int]
        var isReversed: Bool
    }

    /// One piece of a drawn edge, joining two adjacent layers.
    struct Segment {
        var upper: Int
        var lower: Int
        var edgeIndex: Int
        /// The columns where it leaves the upper vertex and enters the lower one (set by port assignment).
        var upperX = 0
        var lowerX = 0
        /// Its track in the channel (nil when it goes straight down).
        var track: Int?
    }

    var vertices: [Vertex] = []
    var indexByID: [String: Int] = [:]
    var edges: [DrawnEdge] = []
    var segments: [Segment] = []
    /// Vertex indices of each layer, left to right once ordered.
    var layers: [[Int]] = []
    var undrawnEdgeIDs: [String] = []

    /// Segments by the vertex above them and below them.
    var segmentsBelow: [[Int]] = []
    var segmentsAbove: [[Int]] = []

    mutating func addVertex(_ vertex: Vertex) -> Int {
        vertices.append(vertex)
        indexByID[vertex.id] = vertices.count - 1
        return vertices.count - 1
    }

    mutating func indexSegments() {
        segmentsBelow = Array(repeating: [], count: vertices.count)
        segmentsAbove = Array(repeating: [], count: vertices.count)
        for (index, segment) in segments.enumerated() {
            segmentsBelow[segment.upper].append(index)
            segmentsAbove[segment.lower].append(index)
        }
    }

    /// The id of the waypoint of `edgeID` in `layer`.
    static func waypointID(edgeID: String, layer: Int) -> String { "\u{1}\(edgeID)@\(layer)" }
}
