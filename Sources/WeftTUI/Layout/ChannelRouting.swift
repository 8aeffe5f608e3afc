/// Edge routing in the channels between layers (Diagon's "adapter" idea, reference §2.5 step 6).
///
/// Every segment leaves its upper box through a port of its own on the bottom border and enters the
/// lower box through a port of its own on the top border, ports spread over the border in the order
/// of where the segments go. A segment whose ports share a column goes straight down; any other
/// goes down, along a horizontal *track* of the channel, and down again. Tracks are handed out
/// greedily (interval colouring) so that segments on one track never touch, with one rule more: a
/// segment that leaves from the column where another arrives must turn above it, or their vertical
/// pieces would overlap.
///
/// - Complexity: O(S²) per channel in the worst case for S segments in it; linear-ish in practice.
enum ChannelRouting {
    /// Sets every segment's ports.
    static func assignPorts(_ graph: inout LayoutGraph) {
        for vertex in graph.vertices.indices {
            let node = graph.vertices[vertex]
            let below = graph.segmentsBelow[vertex].sorted {
                portOrder(graph, graph.segments[$0].lower, $0) < portOrder(graph, graph.segments[$1].lower, $1)
            }
            for (index, segment) in below.enumerated() {
                graph.segments[segment].upperX = portColumn(node, index: index, count: below.count)
            }
            let above = graph.segmentsAbove[vertex].sorted {
                portOrder(graph, graph.segments[$0].upper, $0) < portOrder(graph, graph.segments[$1].upper, $1)
            }
            for (index, segment) in above.enumerated() {
                graph.segments[segment].lowerX = portColumn(node, index: index, count: above.count)
            }
        }
    }

    private static func portOrder(_ graph: LayoutGraph, _ otherEnd: Int, _ segment: Int) -> (Double, String) {
        (graph.vertices[otherEnd].centerX, graph.edges[graph.segments[segment].edgeIndex].edge.id)
    }

    /// Port `index` of `count` spread evenly over the inside of a box's border.
    private static func portColumn(_ vertex: LayoutGraph.Vertex, index: Int, count: Int) -> Int {
        guard vertex.kind != .waypoint, vertex.width > 2 else { return vertex.x }
        let inside = vertex.width - 2
        return vertex.x + 1 + ((2 * index + 1) * inside) / (2 * count)
    }

    /// Gives a track to every segment that does not go straight down; returns the number of tracks
    /// of each channel (the channel under layer `i` is `counts[i]`).
    static func assignTracks(_ graph: inout LayoutGraph) -> [Int] {
        var counts = Array(repeating: 0, count: graph.layers.count)
        var byChannel = Array(repeating: [Int](), count: graph.layers.count)
        for (index, segment) in graph.segments.enumerated() where segment.upperX != segment.lowerX {
            byChannel[graph.vertices[segment.upper].layer].append(index)
        }
        for (channel, members) in byChannel.enumerated() where !members.isEmpty {
            counts[channel] = assignTracks(&graph, channel: members)
        }
        return counts
    }

    private static func assignTracks(_ graph: inout LayoutGraph, channel members: [Int]) -> Int {
        func interval(_ index: Int) -> ClosedRange<Int> {
            let segment = graph.segments[index]
            return min(segment.upperX, segment.lowerX)...max(segment.upperX, segment.lowerX)
        }
        // `before[f]`: segments that must take a track above f's (they leave where f arrives).
        var arrivingAt: [Int: Int] = [:]
        for index in members { arrivingAt[graph.segments[index].lowerX] = index }
        var mustFollow: [Int: [Int]] = [:]
        var waitingOn: [Int: Int] = [:]
        for index in members {
            if let other = arrivingAt[graph.segments[index].upperX], other != index {
                mustFollow[index, default: []].append(other)
                waitingOn[other, default: 0] += 1
            }
        }
        // Left to right, but a segment only once those that must be above it are placed.
        var pending = members.sorted {
            (interval($0).lowerBound, interval($0).upperBound) < (interval($1).lowerBound, interval($1).upperBound)
        }
        var tracks: [[ClosedRange<Int>]] = []
        var lowestTrack: [Int: Int] = [:]
        while !pending.isEmpty {
            let pick = pending.firstIndex { (waitingOn[$0] ?? 0) == 0 } ?? 0  // 0: a cycle, give up the rule
            let index = pending.remove(at: pick)
            let span = interval(index)
            var track = lowestTrack[index] ?? 0
            while track < tracks.count,
                tracks[track].contains(where: { $0.lowerBound - 1 <= span.upperBound && span.lowerBound <= $0.upperBound + 1 })
            {
                track += 1
            }
            if track == tracks.count { tracks.append([]) }
            tracks[track].append(span)
            graph.segments[index].track = track
            for follower in mustFollow[index] ?? [] {
                waitingOn[follower, default: 1] -= 1
                lowestTrack[follower] = max(lowestTrack[follower] ?? 0, track + 1)
            }
        }
        return tracks.count
    }

    /// The rows of the channel under a layer with `tracks` tracks: one to leave the boxes, one per
    /// track, one to arrive (never fewer than 3, so a straight edge has room for its label).
    static func channelHeight(tracks: Int) -> Int { max(3, tracks + 2) }
}
