/// The columns of the vertices: each layer keeps its order and its gaps, and every vertex goes as
/// close as it can to the mean of its neighbours' centres in the layer above (then below, then above
/// again), so a job sits under what leads to it and a trigger over what it starts.
///
/// Each pass solves, per layer, "minimise Σ(xᵢ − dᵢ)² with xᵢ₊₁ ≥ xᵢ + wᵢ + gapᵢ" exactly: shifting by
/// the running offsets turns it into isotonic regression, which pool-adjacent-violators solves in O(n).
///
/// - Complexity: O(passes · (V + E)).
enum Placement {
    static func place(_ graph: inout LayoutGraph, options: LayoutOptions) {
        for layer in graph.layers {
            var x = 0
            for (position, vertex) in layer.enumerated() {
                if position > 0 { x += gap(graph, layer[position - 1], vertex, options) }
                graph.vertices[vertex].x = x
                x += graph.vertices[vertex].width
            }
        }
        guard graph.layers.count > 1 else { return }
        for downward in [true, false, true] {
            let order = downward ? Array(graph.layers.indices.dropFirst()) : graph.layers.indices.dropLast().reversed()
            for layer in order { placeLayer(&graph, layer: layer, downward: downward, options: options) }
        }
        let smallest = graph.vertices.map(\.x).min() ?? 0
        for index in graph.vertices.indices { graph.vertices[index].x -= smallest }
    }

    private static func gap(_ graph: LayoutGraph, _ left: Int, _ right: Int, _ options: LayoutOptions) -> Int {
        graph.vertices[left].kind == .waypoint || graph.vertices[right].kind == .waypoint
            ? options.waypointGap : options.boxGap
    }

    private static func placeLayer(_ graph: inout LayoutGraph, layer: Int, downward: Bool, options: LayoutOptions) {
        let members = graph.layers[layer]
        guard !members.isEmpty else { return }
        var desired: [Double] = []
        var widths: [Int] = []
        var gaps: [Int] = []
        for (position, vertex) in members.enumerated() {
            let segments = downward ? graph.segmentsAbove[vertex] : graph.segmentsBelow[vertex]
            let centres = segments.map { index -> Double in
                let segment = graph.segments[index]
                return graph.vertices[downward ? segment.upper : segment.lower].centerX
            }
            let centre = centres.isEmpty ? graph.vertices[vertex].centerX : centres.reduce(0, +) / Double(centres.count)
            desired.append(centre - Double(graph.vertices[vertex].width) / 2)
            widths.append(graph.vertices[vertex].width)
            if position > 0 { gaps.append(gap(graph, members[position - 1], vertex, options)) }
        }
        let lefts = solve(desiredLefts: desired, widths: widths, gaps: gaps)
        for (vertex, left) in zip(members, lefts) { graph.vertices[vertex].x = left }
    }

    /// The integer left columns closest (least squares) to `desiredLefts` that keep the order and the
    /// gaps: `left[i + 1] ≥ left[i] + widths[i] + gaps[i]`.
    static func solve(desiredLefts: [Double], widths: [Int], gaps: [Int]) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        for index in desiredLefts.indices {
            if index > 0 { offset += widths[index - 1] + gaps[index - 1] }
            offsets.append(offset)
        }
        // Pool adjacent violators over the shifted targets.
        var blocks: [(sum: Double, count: Int)] = []
        for (index, target) in desiredLefts.enumerated() {
            blocks.append((target - Double(offsets[index]), 1))
            while blocks.count > 1 {
                let last = blocks[blocks.count - 1]
                let previous = blocks[blocks.count - 2]
                guard previous.sum / Double(previous.count) > last.sum / Double(last.count) else { break }
                blocks.removeLast(2)
                blocks.append((previous.sum + last.sum, previous.count + last.count))
            }
        }
        var lefts: [Int] = []
        for block in blocks {
            let shifted = Int((block.sum / Double(block.count)).rounded())
            for _ in 0..<block.count { lefts.append(shifted + offsets[lefts.count]) }
        }
        return lefts
    }
}
