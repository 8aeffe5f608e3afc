/// The order of the vertices within each layer.
///
/// The first layout of a workflow starts from the document's order and runs barycentre sweeps
/// (down, then up, alternating), keeping the order with the fewest crossings (counted with a Fenwick
/// tree). Every later layout is seeded from the one before, keyed by id: a vertex that was there keeps
/// its place relative to the others, and a new one goes where its neighbours are. So an edit or a
/// merge arriving live never reshuffles the picture (reference/tui-and-style.md §2.5, step 4).
///
/// - Complexity: O(sweeps · (V log V + E log V)).
enum Ordering {
    static func order(_ graph: inout LayoutGraph, previousKeys: [String: Double]?, sweeps: Int) {
        if let previousKeys, !previousKeys.isEmpty {
            orderFromPrevious(&graph, keys: previousKeys)
        } else {
            orderFromScratch(&graph, sweeps: sweeps)
        }
    }

    // MARK: Seeded

    private static func orderFromPrevious(_ graph: inout LayoutGraph, keys previous: [String: Double]) {
        var key: [Double?] = graph.vertices.map { previous[$0.id] }
        for layer in graph.layers.indices {
            let members = graph.layers[layer]
            var highest = members.compactMap { key[$0] }.max() ?? 0
            for vertex in members where key[vertex] == nil {
                let above = graph.segmentsAbove[vertex].compactMap { key[graph.segments[$0].upper] }
                let below = graph.segmentsBelow[vertex].compactMap { previous[graph.vertices[graph.segments[$0].lower].id] }
                if !above.isEmpty {
                    key[vertex] = above.reduce(0, +) / Double(above.count)
                } else if !below.isEmpty {
                    key[vertex] = below.reduce(0, +) / Double(below.count)
                } else {
                    highest += 4
                    key[vertex] = highest
                }
            }
            graph.layers[layer] = members.sorted {
                (key[$0] ?? 0, graph.vertices[$0].documentIndex) < (key[$1] ?? 0, graph.vertices[$1].documentIndex)
            }
        }
    }

    // MARK: From scratch

    private static func orderFromScratch(_ graph: inout LayoutGraph, sweeps: Int) {
        for layer in graph.layers.indices {
            graph.layers[layer].sort { graph.vertices[$0].documentIndex < graph.vertices[$1].documentIndex }
        }
        guard graph.layers.count > 1 else { return }
        // A first downward pass places each layer under its parents before counting anything.
        for layer in 1..<graph.layers.count { sortByBarycentre(&graph, layer: layer, downward: true) }
        var best = graph.layers
        var bestCrossings = crossings(graph)
        var sweepsWithoutGain = 0
        for sweep in 0..<sweeps where bestCrossings > 0 {
            if sweep % 2 == 0 {
                for layer in stride(from: graph.layers.count - 2, through: 0, by: -1) {
                    sortByBarycentre(&graph, layer: layer, downward: false)
                }
            } else {
                for layer in 1..<graph.layers.count { sortByBarycentre(&graph, layer: layer, downward: true) }
            }
            let count = crossings(graph)
            if count < bestCrossings {
                best = graph.layers
                bestCrossings = count
                sweepsWithoutGain = 0
            } else {
                sweepsWithoutGain += 1
                if sweepsWithoutGain >= 3 { break }
            }
        }
        graph.layers = best
    }

    /// Sorts `layer` by the mean position of each vertex's neighbours in the layer above (downward) or
    /// below; a vertex with no such neighbours keeps its position.
    private static func sortByBarycentre(_ graph: inout LayoutGraph, layer: Int, downward: Bool) {
        let neighbourLayer = downward ? layer - 1 : layer + 1
        var position: [Int: Int] = [:]
        for (index, vertex) in graph.layers[neighbourLayer].enumerated() { position[vertex] = index }
        let members = graph.layers[layer]
        var barycentre: [Int: Double] = [:]
        for (index, vertex) in members.enumerated() {
            let segmentIndices = downward ? graph.segmentsAbove[vertex] : graph.segmentsBelow[vertex]
            let positions = segmentIndices.compactMap { segmentIndex -> Int? in
                let segment = graph.segments[segmentIndex]
                return position[downward ? segment.upper : segment.lower]
            }
            if positions.isEmpty {
                barycentre[vertex] = Double(index) * Double(max(1, graph.layers[neighbourLayer].count))
                    / Double(max(1, members.count))
            } else {
                barycentre[vertex] = Double(positions.reduce(0, +)) / Double(positions.count)
            }
        }
        let current = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        graph.layers[layer] = members.sorted {
            (barycentre[$0] ?? 0, current[$0] ?? 0) < (barycentre[$1] ?? 0, current[$1] ?? 0)
        }
    }

    /// How many pairs of segments cross, over all pairs of adjacent layers.
    static func crossings(_ graph: LayoutGraph) -> Int {
        var position = Array(repeating: 0, count: graph.vertices.count)
        for layer in graph.layers {
            for (index, vertex) in layer.enumerated() { position[vertex] = index }
        }
        var total = 0
        for layer in 0..<max(0, graph.layers.count - 1) {
            var pairs: [(Int, Int)] = []
            for vertex in graph.layers[layer] {
                for segmentIndex in graph.segmentsBelow[vertex] {
                    pairs.append((position[vertex], position[graph.segments[segmentIndex].lower]))
                }
            }
            pairs.sort { $0 < $1 }
            var tree = FenwickTree(size: graph.layers[layer + 1].count)
            for (seen, pair) in pairs.enumerated() {
                // Segments already counted whose lower end is to the right of this one cross it.
                total += seen - tree.prefixSum(through: pair.1)
                tree.add(1, at: pair.1)
            }
        }
        return total
    }
}

/// Prefix sums with point updates in O(log n): counts crossings between two layers (Barth et al.).
struct FenwickTree {
    private var values: [Int]

    init(size: Int) { values = Array(repeating: 0, count: size + 1) }

    mutating func add(_ amount: Int, at index: Int) {
        var position = index + 1
        while position < values.count {
            values[position] += amount
            position += position & -position
        }
    }

    /// The sum of the values at indices 0 through `index`.
    func prefixSum(through index: Int) -> Int {
        var position = min(index + 1, values.count - 1)
        var sum = 0
        while position > 0 {
            sum += values[position]
            position -= position & -position
        }
        return sum
    }
}
