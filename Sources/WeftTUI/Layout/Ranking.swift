import WorkflowModel

/// Layering: which layer every node goes in.
///
/// Cycles (a retry loop through `on_job_failure`, say) are broken first by reversing the edges a
/// depth-first search from the triggers finds going back up its stack; those are drawn pointing up.
/// Then each node's layer is the length of the longest path to it from the triggers (layer 0). A job
/// nothing leads to sits in the first layer of jobs.
///
/// - Complexity: O(V + E).
enum Ranking {
    /// For each edge (by index into `edges`), whether it is reversed; and each vertex's layer.
    static func rank(
        vertexCount: Int, triggerIndices: [Int], edges: [(upper: Int, lower: Int)]
    ) -> (reversed: [Bool], layers: [Int]) {
        var outgoing = Array(repeating: [Int](), count: vertexCount)
        for (index, edge) in edges.enumerated() { outgoing[edge.upper].append(index) }

        // Depth-first search without recursion, so a long chain of jobs cannot overflow the stack.
        enum Mark { case unseen, onStack, done }
        var mark = Array(repeating: Mark.unseen, count: vertexCount)
        var reversed = Array(repeating: false, count: edges.count)
        let isTrigger = Set(triggerIndices)
        var hasIncoming = Array(repeating: false, count: vertexCount)
        for edge in edges { hasIncoming[edge.lower] = true }
        let roots =
            triggerIndices + (0..<vertexCount).filter { !isTrigger.contains($0) && !hasIncoming[$0] }
            + (0..<vertexCount).filter { !isTrigger.contains($0) && hasIncoming[$0] }
        for root in roots where mark[root] == .unseen {
            var stack: [(vertex: Int, next: Int)] = [(root, 0)]
            mark[root] = .onStack
            while let top = stack.last {
                let out = outgoing[top.vertex]
                if top.next < out.count {
                    stack[stack.count - 1].next += 1
                    let edgeIndex = out[top.next]
                    let target = edges[edgeIndex].lower
                    switch mark[target] {
                    case .unseen:
                        mark[target] = .onStack
                        stack.append((target, 0))
                    case .onStack:
                        reversed[edgeIndex] = true
                    case .done:
                        break
                    }
                } else {
                    mark[top.vertex] = .done
                    stack.removeLast()
                }
            }
        }

        // Longest path over the now acyclic graph (Kahn's order).
        var successors = Array(repeating: [Int](), count: vertexCount)
        var inDegree = Array(repeating: 0, count: vertexCount)
        for (index, edge) in edges.enumerated() {
            let (from, to) = reversed[index] ? (edge.lower, edge.upper) : (edge.upper, edge.lower)
            guard from != to else { continue }
            successors[from].append(to)
            inDegree[to] += 1
        }
        let firstJobLayer = triggerIndices.isEmpty ? 0 : 1
        var layer = Array(repeating: 0, count: vertexCount)
        for vertex in 0..<vertexCount where !isTrigger.contains(vertex) { layer[vertex] = firstJobLayer }
        var queue = (0..<vertexCount).filter { inDegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let vertex = queue[head]
            head += 1
            for next in successors[vertex] {
                layer[next] = max(layer[next], layer[vertex] + 1)
                inDegree[next] -= 1
                if inDegree[next] == 0 { queue.append(next) }
            }
        }
        return (reversed, layer)
    }
}
