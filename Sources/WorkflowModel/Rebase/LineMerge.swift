/// A three-way merge of texts by lines (diff3): the changes base → ours and base → theirs are both kept
/// where they touch different lines; where they overlap and differ, theirs wins and the overlap is
/// reported as a ``Conflict`` holding all three versions of those lines.
///
/// The rules, with `ours` the live document's text and `theirs` the newly saved version:
/// - Lines are split after each `"\n"`, which stays part of its line, so a last line without a line
///   break differs from the same line with one: adding or removing the final newline is a change of
///   the last line like any other.
/// - Each side's changes are the hunks of a shortest line diff (Myers) from the base.
/// - A hunk of ours and a hunk of theirs conflict when their base lines overlap, when both insert at
///   the same place, or when one inserts strictly inside the lines the other replaces. Changes to
///   neighbouring lines, and an insertion right before or after the other side's change, do not
///   conflict: both are kept, in base order.
/// - Conflicting hunks (and, transitively, everything they overlap) form one region. If both sides
///   made the region the same, it merges cleanly; otherwise the region takes theirs and is reported.
///
/// Linear in the size of the texts plus the cost of the two diffs, O((N + M)·D).
public enum LineMerge {
    /// A region both sides changed differently: the merged text has theirs there.
    public struct Conflict: Hashable, Sendable, Codable {
        /// The region's first line in the base (0-based) and how many base lines it covers.
        public var baseStart: Int
        public var baseCount: Int
        /// Where theirs' version of the region sits in the merged text (0-based first line, line count).
        public var mergedStart: Int
        public var mergedCount: Int
        /// The region as it was in the base, as ours had it (lost from the merged text unless someone
        /// takes it back), and as theirs has it (what the merged text holds).
        public var base: String
        public var ours: String
        public var theirs: String

        public init(
            baseStart: Int, baseCount: Int, mergedStart: Int, mergedCount: Int, base: String, ours: String,
            theirs: String
        ) {
            self.baseStart = baseStart
            self.baseCount = baseCount
            self.mergedStart = mergedStart
            self.mergedCount = mergedCount
            self.base = base
            self.ours = ours
            self.theirs = theirs
        }

        enum CodingKeys: String, CodingKey {
            case base, ours, theirs
            case baseStart = "base_start"
            case baseCount = "base_count"
            case mergedStart = "merged_start"
            case mergedCount = "merged_count"
        }
    }

    public struct Result: Hashable, Sendable {
        public var merged: String
        /// The regions where ours was overruled, in text order.
        public var conflicts: [Conflict]
        public var isClean: Bool { conflicts.isEmpty }
    }

    /// Merges the changes base → ours and base → theirs.
    public static func merge(base: String, ours: String, theirs: String) -> Result {
        if ours == theirs || ours == base { return Result(merged: theirs, conflicts: []) }
        if theirs == base { return Result(merged: ours, conflicts: []) }
        let baseLines = lines(of: base)
        let sides = [lines(of: ours), lines(of: theirs)]
        var hunks: [SideHunk] = []
        for (side, lines) in sides.enumerated() {
            hunks += LineDiff.hunks(from: baseLines, to: lines).map { SideHunk(side: side, hunk: $0) }
        }
        hunks.sort {
            ($0.hunk.baseRange.lowerBound, $0.hunk.baseRange.upperBound, $0.side)
                < ($1.hunk.baseRange.lowerBound, $1.hunk.baseRange.upperBound, $1.side)
        }

        var merged: [String] = []
        var conflicts: [Conflict] = []
        var baseIndex = 0
        var index = 0
        while index < hunks.count {
            // Gather one region: every hunk that overlaps a hunk of the other side already in it.
            var region = [hunks[index]]
            index += 1
            while index < hunks.count,
                region.contains(where: { $0.side != hunks[index].side && $0.overlaps(hunks[index]) })
            {
                region.append(hunks[index])
                index += 1
            }
            let start = region.map(\.hunk.baseRange.lowerBound).min() ?? baseIndex
            let end = region.map(\.hunk.baseRange.upperBound).max() ?? baseIndex
            merged += baseLines[baseIndex..<start]
            baseIndex = end
            let versions = sides.indices.map { side in
                version(
                    of: start..<end, base: baseLines, lines: sides[side],
                    hunks: region.filter { $0.side == side })
            }
            let changedBy = Set(region.map(\.side))
            if changedBy.count == 1, let side = changedBy.first {
                merged += versions[side]
            } else if versions[0] == versions[1] {
                merged += versions[1]
            } else {
                conflicts.append(
                    Conflict(
                        baseStart: start, baseCount: end - start, mergedStart: merged.count,
                        mergedCount: versions[1].count, base: baseLines[start..<end].joined(),
                        ours: versions[0].joined(), theirs: versions[1].joined()))
                merged += versions[1]
            }
        }
        merged += baseLines[baseIndex...]
        return Result(merged: merged.joined(), conflicts: conflicts)
    }

    /// `text` cut after each line break; the last line has none when the text does not end with one.
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var start = text.startIndex
        var position = text.startIndex
        // Scan UTF-8 for "\n" so that "\r\n" (one Character) still breaks the line.
        let utf8 = text.utf8
        while position < text.endIndex {
            let next = utf8.index(after: position)
            if utf8[position] == UInt8(ascii: "\n") {
                lines.append(String(text[start..<next]))
                start = next
            }
            position = next
        }
        if start < text.endIndex { lines.append(String(text[start...])) }
        return lines
    }

    /// One side's version of the base lines `range`, with that side's hunks inside it applied.
    private static func version(
        of range: Range<Int>, base: [String], lines: [String], hunks: [SideHunk]
    ) -> [String] {
        var result: [String] = []
        var position = range.lowerBound
        for hunk in hunks.map(\.hunk) {
            result += base[position..<hunk.baseRange.lowerBound]
            result += lines[hunk.otherRange]
            position = hunk.baseRange.upperBound
        }
        result += base[position..<range.upperBound]
        return result
    }
}

/// A hunk of one side's diff: side 0 is ours, side 1 theirs.
private struct SideHunk {
    var side: Int
    var hunk: LineDiff.Hunk

    /// Whether two hunks touch the same base lines (see ``LineMerge`` for the rule).
    func overlaps(_ other: SideHunk) -> Bool {
        let a = hunk.baseRange
        let b = other.hunk.baseRange
        switch (a.isEmpty, b.isEmpty) {
        case (false, false): return a.lowerBound < b.upperBound && b.lowerBound < a.upperBound
        case (true, true): return a.lowerBound == b.lowerBound
        case (true, false): return b.lowerBound < a.lowerBound && a.lowerBound < b.upperBound
        case (false, true): return a.lowerBound < b.lowerBound && b.lowerBound < a.upperBound
        }
    }
}
