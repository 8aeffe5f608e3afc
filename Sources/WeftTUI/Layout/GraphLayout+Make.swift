import Foundation
import WorkflowModel

extension GraphLayout {
    /// Lays out `workflow`: layers, order, columns, ports, tracks and routes.
    ///
    /// Pass the layout shown so far as `previous` (whatever workflow it was for): the order within
    /// each layer is seeded from it by id, so nodes that stay keep their relative places.
    ///
    /// - Complexity: O(V + E) for layering and routing, plus the ordering sweeps of a first layout
    ///   (O(E log V) each). A 500-job workflow takes a few milliseconds in a release build.
    public static func make(
        for workflow: Workflow, previous: GraphLayout? = nil, options: LayoutOptions = LayoutOptions()
    ) -> GraphLayout {
        var graph = LayoutGraph()
        var triggerIndices: [Int] = []
        for trigger in workflow.triggers where graph.indexByID[trigger.id] == nil {
            let index = graph.addVertex(
                .init(
                    id: trigger.id, kind: .trigger, label: Self.label(of: trigger), width: 0, layer: 0,
                    documentIndex: graph.vertices.count))
            triggerIndices.append(index)
        }
        for job in workflow.jobs where graph.indexByID[job.id] == nil {
            _ = graph.addVertex(
                .init(
                    id: job.id, kind: .job, label: Self.label(of: job), width: 0, layer: 0,
                    documentIndex: graph.vertices.count))
        }

        // Which edges can be drawn, as (source, target) vertex pairs.
        var drawable: [(edge: Edge, source: Int, target: Int)] = []
        var undrawn: [String] = []
        for edge in workflow.edges {
            guard let source = sourceVertex(of: edge, in: graph),
                let target = graph.indexByID[edge.targetJobID], graph.vertices[target].kind == .job,
                source != target
            else {
                undrawn.append(edge.id)
                continue
            }
            drawable.append((edge, source, target))
        }

        let ranking = Ranking.rank(
            vertexCount: graph.vertices.count, triggerIndices: triggerIndices,
            edges: drawable.map { ($0.source, $0.target) })
        for index in graph.vertices.indices { graph.vertices[index].layer = ranking.layers[index] }
        markUnreachable(&graph, triggerIndices: triggerIndices, edges: drawable.map { ($0.source, $0.target) })

        // Long edges get a waypoint in every layer they cross.
        for (edgeIndex, entry) in drawable.enumerated() {
            let reversed = ranking.reversed[edgeIndex]
            let (upper, lower) = reversed ? (entry.target, entry.source) : (entry.source, entry.target)
            var chain = [upper]
            let upperLayer = graph.vertices[upper].layer
            let lowerLayer = graph.vertices[lower].layer
            if lowerLayer > upperLayer + 1 {
                for layer in (upperLayer + 1)..<lowerLayer {
                    chain.append(
                        graph.addVertex(
                            .init(
                                id: LayoutGraph.waypointID(edgeID: entry.edge.id, layer: layer), kind: .waypoint,
                                label: "", width: 1, layer: layer, documentIndex: 1_000_000 + edgeIndex)))
                }
            }
            chain.append(lower)
            graph.edges.append(.init(edge: entry.edge, chain: chain, isReversed: reversed))
            for (a, b) in zip(chain, chain.dropFirst()) {
                graph.segments.append(.init(upper: a, lower: b, edgeIndex: graph.edges.count - 1))
            }
        }
        graph.indexSegments()
        graph.undrawnEdgeIDs = undrawn

        let layerCount = (graph.vertices.map(\.layer).max() ?? -1) + 1
        graph.layers = Array(repeating: [], count: layerCount)
        for (index, vertex) in graph.vertices.enumerated() { graph.layers[vertex.layer].append(index) }
        for index in graph.vertices.indices where graph.vertices[index].kind != .waypoint {
            let ports = max(graph.segmentsBelow[index].count, graph.segmentsAbove[index].count)
            let labelWidth = DisplayWidth.of(graph.vertices[index].label)
            let width = max(
                min(max(labelWidth + 4, options.minimumBoxWidth), options.maximumBoxWidth), 2 * ports + 1)
            graph.vertices[index].width = width
            graph.vertices[index].label = DisplayWidth.truncate(graph.vertices[index].label, toColumns: width - 4)
        }

        Ordering.order(&graph, previousKeys: previous?.orderKeys, sweeps: options.orderingSweeps)
        Placement.place(&graph, options: options)
        ChannelRouting.assignPorts(&graph)
        let trackCounts = ChannelRouting.assignTracks(&graph)
        return assemble(graph, trackCounts: trackCounts)
    }

    private static func sourceVertex(of edge: Edge, in graph: LayoutGraph) -> Int? {
        if let id = edge.sourceJobID, let index = graph.indexByID[id], graph.vertices[index].kind == .job {
            return index
        }
        if let id = edge.sourceTriggerID, let index = graph.indexByID[id], graph.vertices[index].kind == .trigger {
            return index
        }
        return nil
    }

    private static func markUnreachable(
        _ graph: inout LayoutGraph, triggerIndices: [Int], edges: [(upper: Int, lower: Int)]
    ) {
        guard !triggerIndices.isEmpty else { return }
        var successors = Array(repeating: [Int](), count: graph.vertices.count)
        for edge in edges { successors[edge.upper].append(edge.lower) }
        var reached = Set(triggerIndices)
        var queue = triggerIndices
        while let vertex = queue.popLast() {
            for next in successors[vertex] where reached.insert(next).inserted { queue.append(next) }
        }
        for index in graph.vertices.indices where !reached.contains(index) {
            graph.vertices[index].isUnreachable = true
        }
    }

    /// Rows, routes and the public values.
    private static func assemble(_ graph: LayoutGraph, trackCounts: [Int]) -> GraphLayout {
        let boxHeight = LayoutOptions.boxHeight
        var layerTop: [Int] = []
        var y = 0
        for (layer, tracks) in trackCounts.enumerated() {
            layerTop.append(y)
            y += boxHeight
            if layer < trackCounts.count - 1 { y += ChannelRouting.channelHeight(tracks: tracks) }
        }
        let height = y
        func bottom(_ layer: Int) -> Int { layerTop[layer] + boxHeight - 1 }

        var layout = GraphLayout()
        var nodes: [Node] = []
        var keys: [String: Double] = [:]
        var width = 0
        for vertex in graph.vertices {
            keys[vertex.id] = vertex.centerX
            width = max(width, vertex.x + vertex.width)
            guard vertex.kind != .waypoint else { continue }
            nodes.append(
                Node(
                    id: vertex.id, kind: vertex.kind == .trigger ? .trigger : .job, label: vertex.label,
                    layer: vertex.layer,
                    frame: Rect(x: vertex.x, y: layerTop[vertex.layer], width: vertex.width, height: boxHeight),
                    isUnreachable: vertex.isUnreachable))
        }
        layout.setNodes(nodes)
        layout.orderKeys = keys

        var segmentsOfEdge = Array(repeating: [Int](), count: graph.edges.count)
        for (index, segment) in graph.segments.enumerated() { segmentsOfEdge[segment.edgeIndex].append(index) }
        var routes: [Route] = []
        for (edgeIndex, drawn) in graph.edges.enumerated() {
            var points: [Point] = []
            for segmentIndex in segmentsOfEdge[edgeIndex] {
                let segment = graph.segments[segmentIndex]
                let upperLayer = graph.vertices[segment.upper].layer
                let lowerLayer = graph.vertices[segment.lower].layer
                let channelTop = bottom(upperLayer) + 1
                if graph.vertices[segment.upper].kind == .waypoint {
                    points.append(Point(x: segment.upperX, y: layerTop[upperLayer]))
                }
                points.append(Point(x: segment.upperX, y: bottom(upperLayer)))
                if let track = segment.track {
                    points.append(Point(x: segment.upperX, y: channelTop + 1 + track))
                    points.append(Point(x: segment.lowerX, y: channelTop + 1 + track))
                }
                points.append(Point(x: segment.lowerX, y: layerTop[lowerLayer]))
            }
            routes.append(
                Route(
                    edgeID: drawn.edge.id, sourceID: drawn.edge.sourceID ?? "", targetID: drawn.edge.targetJobID,
                    condition: drawn.edge.conditionType, isEnabled: drawn.edge.enabled,
                    points: simplified(points), isReversed: drawn.isReversed))
        }
        layout.setRoutes(routes, width: width, height: height, undrawn: graph.undrawnEdgeIDs)
        #if DEBUG
            layout._checkInvariants()
        #endif
        return layout
    }

    /// The points without repeats and without middle points of straight runs.
    static func simplified(_ points: [Point]) -> [Point] {
        var result: [Point] = []
        for point in points {
            if result.last == point { continue }
            if result.count >= 2 {
                let a = result[result.count - 2]
                let b = result[result.count - 1]
                if (a.x == b.x && b.x == point.x) || (a.y == b.y && b.y == point.y) {
                    result[result.count - 1] = point
                    continue
                }
            }
            result.append(point)
        }
        return result
    }

    // MARK: Labels

    /// What a trigger's box says: its kind and what starts it.
    static func label(of trigger: Trigger) -> String {
        var text: String
        switch trigger.type {
        case .webhook: text = "webhook"
        case .cron: text = "cron " + (trigger.cronExpression ?? "")
        case .kafka: text = "kafka " + (trigger.kafkaConfiguration?.topicsString ?? "")
        }
        text = singleLine(text)
        if !trigger.enabled { text += " (off)" }
        return text
    }

    static func label(of job: Job) -> String {
        let name = singleLine(job.name)
        return name.isEmpty ? "(unnamed)" : name
    }

    /// `text` on one line: control characters and line breaks become spaces, ends trimmed.
    static func singleLine(_ text: String) -> String {
        let mapped = text.map { character -> Character in
            character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? " " : character
        }
        return String(mapped).trimmingCharacters(in: .whitespaces)
    }
}
