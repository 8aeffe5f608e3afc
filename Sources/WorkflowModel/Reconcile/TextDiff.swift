import YCRDT

/// A minimal difference between two texts, as edits a text CRDT can apply.
///
/// Changing a job body by "delete everything, insert the new text" (what Lightning's reconcilers do)
/// gives every character a new CRDT item: everyone's cursor anchors and concurrent edits lose their
/// place. `TextDiff` instead finds what the two versions share and edits only the rest, so unchanged
/// characters keep their items and a ``RelativePosition`` on them stays on its character.
///
/// How: common prefix and suffix are trimmed; the middle is diffed by lines (Myers), and each block of
/// changed lines is diffed again by Unicode scalars (Myers, linear space). Edits never split a
/// surrogate pair. A character diff whose cost passes a bound falls back to replacing that block, so
/// the time stays near O((N + M) · D) with D bounded.
public enum TextDiff {
    /// Replace `deleteCount` UTF-16 units at `offset` of the old text by `insert`.
    public struct Edit: Hashable, Sendable, CustomStringConvertible {
        /// Where, in UTF-16 units of the **old** text.
        public var offset: Int
        public var deleteCount: Int
        public var insert: String

        public init(offset: Int, deleteCount: Int, insert: String) {
            self.offset = offset
            self.deleteCount = deleteCount
            self.insert = insert
        }

        public var description: String { "@\(offset) -\(deleteCount) +\(insert.debugDescription)" }
    }

    /// A changed run between two token sequences: `old[old]` became `new[new]`. Either may be empty.
    public struct Hunk: Hashable, Sendable {
        public var old: Range<Int>
        public var new: Range<Int>

        public init(old: Range<Int>, new: Range<Int>) {
            self.old = old
            self.new = new
        }
    }

    /// The edits turning `old` into `new`, ascending and non-overlapping, offsets into `old`.
    ///
    /// Apply them from the last to the first (``apply(_:to:)`` and ``update(_:to:in:)`` do) so each
    /// offset still means what it meant in the old text.
    public static func edits(from old: String, to new: String) -> [Edit] {
        if identical(old, new) { return [] }
        let a = Array(old.unicodeScalars)
        let b = Array(new.unicodeScalars)
        let hunks = scalarHunks(a, b)
        var edits: [Edit] = []
        edits.reserveCapacity(hunks.count)
        // Walk the old scalars once, turning scalar indices into UTF-16 offsets.
        var scalarIndex = 0
        var utf16Offset = 0
        for hunk in hunks {
            while scalarIndex < hunk.old.lowerBound {
                utf16Offset += a[scalarIndex].utf16.count
                scalarIndex += 1
            }
            var deleted = 0
            for index in hunk.old { deleted += a[index].utf16.count }
            var inserted = String.UnicodeScalarView()
            inserted.append(contentsOf: b[hunk.new])
            edits.append(Edit(offset: utf16Offset, deleteCount: deleted, insert: String(inserted)))
        }
        return edits
    }

    /// Byte-for-byte equality. (`==` is canonical equivalence: "é" precomposed equals "e" and a
    /// combining accent, which a text CRDT and every JavaScript peer hold as different text.)
    static func identical(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in left.elementsEqual(right) } }
    }

    /// `old` with `edits` (from ``edits(from:to:)`` on it) applied.
    public static func apply(_ edits: [Edit], to old: String) -> String {
        var units = Array(old.utf16)
        for edit in edits.reversed() {
            let start = max(0, min(edit.offset, units.count))
            let end = max(start, min(start + edit.deleteCount, units.count))
            units.replaceSubrange(start..<end, with: Array(edit.insert.utf16))
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Changes `text` to read `new` with the fewest item changes, inside `transaction`.
    ///
    /// - Returns: whether anything changed.
    @discardableResult
    public static func update(_ text: YText, to new: String, in transaction: Transaction) -> Bool {
        let edits = edits(from: text.string, to: new)
        for edit in edits.reversed() {
            // The offsets come from the text's own string, so they are in range; `try?` only guards
            // against a text that changed under us, which a transaction rules out.
            if edit.deleteCount > 0 {
                try? text.delete(atUTF16: edit.offset, count: edit.deleteCount, in: transaction)
            }
            if !edit.insert.isEmpty { try? text.insert(edit.insert, atUTF16: edit.offset, in: transaction) }
        }
        return !edits.isEmpty
    }

    /// The changed runs between two token sequences (Myers, linear space), ascending.
    ///
    /// Useful beyond text: diff arrays of lines for a three-way merge, or of ids.
    public static func hunks<Token: Hashable>(_ old: [Token], _ new: [Token], costLimit: Int = .max) -> [Hunk]
    {
        var ids: [Token: Int] = [:]
        func intern(_ token: Token) -> Int {
            if let id = ids[token] { return id }
            let id = ids.count
            ids[token] = id
            return id
        }
        let a = old.map(intern)
        let b = new.map(intern)
        var differ = TextDiff.Myers(a: a, b: b, costLimit: costLimit)
        differ.compare(0, a.count, 0, b.count)
        return differ.merged()
    }

    // MARK: Lines, then characters

    /// Hunks in scalar indices: prefix and suffix trimmed, lines diffed, changed line blocks re-diffed by
    /// scalars.
    static func scalarHunks(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> [Hunk] {
        // Trim what both share, in whole lines: a line inserted or deleted then stays one, instead of
        // sliding onto a neighbour that happens to start or end alike (a cursor at the start of the
        // next line would slide with it).
        var prefix = 0
        let shorter = min(a.count, b.count)
        while prefix < shorter, a[prefix] == b[prefix] { prefix += 1 }
        while prefix > 0, a[prefix - 1] != "\n" { prefix -= 1 }
        var suffix = 0
        while suffix < shorter - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        while suffix > 0, suffix < a.count, a[a.count - suffix - 1] != "\n" { suffix -= 1 }
        let aEnd = a.count - suffix
        let bEnd = b.count - suffix
        if prefix == aEnd || prefix == bEnd {
            if prefix == aEnd, prefix == bEnd { return [] }
            return [Hunk(old: prefix..<aEnd, new: prefix..<bEnd)]
        }
        let aLines = lines(a, prefix, aEnd)
        let bLines = lines(b, prefix, bEnd)
        var result: [Hunk] = []
        if aLines.count == 1, bLines.count == 1 {
            // One line each: a line diff could only say "replace it", go straight to characters.
            appendCharacterHunks(a, b, old: prefix..<aEnd, new: prefix..<bEnd, into: &result)
            return result
        }
        var ids: [ArraySlice<Unicode.Scalar>: Int] = [:]
        func intern(_ range: Range<Int>, _ source: [Unicode.Scalar]) -> Int {
            let slice = source[range]
            if let id = ids[slice] { return id }
            let id = ids.count
            ids[slice] = id
            return id
        }
        let aIDs = aLines.map { intern($0, a) }
        let bIDs = bLines.map { intern($0, b) }
        var differ = TextDiff.Myers(a: aIDs, b: bIDs, costLimit: lineCostLimit)
        differ.compare(0, aIDs.count, 0, bIDs.count)
        for hunk in differ.merged() {
            let oldStart =
                hunk.old.isEmpty
                ? lineStart(hunk.old.lowerBound, aLines, end: aEnd) : aLines[hunk.old.lowerBound].lowerBound
            let oldEnd = hunk.old.isEmpty ? oldStart : aLines[hunk.old.upperBound - 1].upperBound
            let newStart =
                hunk.new.isEmpty
                ? lineStart(hunk.new.lowerBound, bLines, end: bEnd) : bLines[hunk.new.lowerBound].lowerBound
            let newEnd = hunk.new.isEmpty ? newStart : bLines[hunk.new.upperBound - 1].upperBound
            if oldStart == oldEnd || newStart == newEnd {
                result.append(Hunk(old: oldStart..<oldEnd, new: newStart..<newEnd))
            } else {
                appendCharacterHunks(a, b, old: oldStart..<oldEnd, new: newStart..<newEnd, into: &result)
            }
        }
        return result
    }

    /// The Myers cost (edit distance) past which a diff gives up and replaces the block.
    static let lineCostLimit = 4096
    static let characterCostLimit = 2048

    private static func lineStart(_ index: Int, _ lines: [Range<Int>], end: Int) -> Int {
        index < lines.count ? lines[index].lowerBound : end
    }

    /// The lines of `source[start..<end]`, each with its newline.
    private static func lines(_ source: [Unicode.Scalar], _ start: Int, _ end: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var lineStart = start
        var index = start
        while index < end {
            if source[index] == "\n" {
                result.append(lineStart..<(index + 1))
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < end { result.append(lineStart..<end) }
        return result
    }

    private static func appendCharacterHunks(
        _ a: [Unicode.Scalar], _ b: [Unicode.Scalar], old: Range<Int>, new: Range<Int>,
        into result: inout [Hunk]
    ) {
        let aTokens = a[old].map { Int($0.value) }
        let bTokens = b[new].map { Int($0.value) }
        var differ = TextDiff.Myers(a: aTokens, b: bTokens, costLimit: characterCostLimit)
        differ.compare(0, aTokens.count, 0, bTokens.count)
        for hunk in differ.merged() {
            let shifted = Hunk(
                old: (hunk.old.lowerBound + old.lowerBound)..<(hunk.old.upperBound + old.lowerBound),
                new: (hunk.new.lowerBound + new.lowerBound)..<(hunk.new.upperBound + new.lowerBound))
            if let last = result.last, last.old.upperBound == shifted.old.lowerBound,
                last.new.upperBound == shifted.new.lowerBound
            {
                result[result.count - 1] = Hunk(
                    old: last.old.lowerBound..<shifted.old.upperBound,
                    new: last.new.lowerBound..<shifted.new.upperBound)
            } else {
                result.append(shifted)
            }
        }
    }
}

extension TextDiff {
    /// Myers' O((N + M) D) difference in linear space: find the middle snake, recurse on both halves.
    ///
    /// Written from the paper (E. Myers, "An O(ND) Difference Algorithm and Its Variations", 1986) in
    /// the bisecting form; tokens are interned to `Int`.
    struct Myers {
        let a: [Int]
        let b: [Int]
        let costLimit: Int
        private(set) var hunks: [TextDiff.Hunk] = []
        private var forward: [Int] = []
        private var backward: [Int] = []

        init(a: [Int], b: [Int], costLimit: Int) {
            self.a = a
            self.b = b
            self.costLimit = max(1, costLimit)
        }

        /// Hunks with adjacent ones joined.
        func merged() -> [TextDiff.Hunk] {
            var result: [TextDiff.Hunk] = []
            result.reserveCapacity(hunks.count)
            for hunk in hunks {
                if let last = result.last, last.old.upperBound == hunk.old.lowerBound,
                    last.new.upperBound == hunk.new.lowerBound
                {
                    result[result.count - 1] = TextDiff.Hunk(
                        old: last.old.lowerBound..<hunk.old.upperBound,
                        new: last.new.lowerBound..<hunk.new.upperBound)
                } else {
                    result.append(hunk)
                }
            }
            return result
        }

        /// Diffs `a[aLow..<aHigh]` against `b[bLow..<bHigh]`, appending hunks in ascending order.
        mutating func compare(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) {
            var aLow = aLow
            var bLow = bLow
            var aHigh = aHigh
            var bHigh = bHigh
            while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] {
                aLow += 1
                bLow += 1
            }
            while aLow < aHigh, bLow < bHigh, a[aHigh - 1] == b[bHigh - 1] {
                aHigh -= 1
                bHigh -= 1
            }
            if aLow == aHigh || bLow == bHigh {
                if aLow != aHigh || bLow != bHigh {
                    hunks.append(TextDiff.Hunk(old: aLow..<aHigh, new: bLow..<bHigh))
                }
                return
            }
            if let (x, y) = middleSnake(aLow, aHigh, bLow, bHigh) {
                compare(aLow, x, bLow, y)
                compare(x, aHigh, y, bHigh)
            } else {
                hunks.append(TextDiff.Hunk(old: aLow..<aHigh, new: bLow..<bHigh))
            }
        }

        /// A point (x, y) on an optimal path through the middle, or nil past the cost limit.
        private mutating func middleSnake(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> (Int, Int)?
        {
            let n = aHigh - aLow
            let m = bHigh - bLow
            let maxD = (n + m + 1) / 2
            let offset = maxD + 1
            let size = 2 * maxD + 3
            if forward.count < size {
                forward = Array(repeating: -1, count: size)
                backward = Array(repeating: -1, count: size)
            } else {
                for index in 0..<size {
                    forward[index] = -1
                    backward[index] = -1
                }
            }
            forward[offset + 1] = 0
            backward[offset + 1] = 0
            let delta = n - m
            let oddDelta = delta & 1 != 0
            // Diagonals that ran off the grid narrow the search, as in the bisect of diff-match-patch.
            var forwardStart = 0
            var forwardEnd = 0
            var backwardStart = 0
            var backwardEnd = 0
            for d in 0..<maxD {
                if d > costLimit { return nil }
                var k1 = -d + forwardStart
                while k1 <= d - forwardEnd {
                    let index = offset + k1
                    var x: Int
                    if k1 == -d || (k1 != d && forward[index - 1] < forward[index + 1]) {
                        x = forward[index + 1]
                    } else {
                        x = forward[index - 1] + 1
                    }
                    var y = x - k1
                    while x < n, y < m, a[aLow + x] == b[bLow + y] {
                        x += 1
                        y += 1
                    }
                    forward[index] = x
                    if x > n {
                        forwardEnd += 2
                    } else if y > m {
                        forwardStart += 2
                    } else if oddDelta {
                        let other = offset + delta - k1
                        if other >= 0, other < size, backward[other] != -1, x >= n - backward[other] {
                            return (aLow + x, bLow + y)
                        }
                    }
                    k1 += 2
                }
                var k2 = -d + backwardStart
                while k2 <= d - backwardEnd {
                    let index = offset + k2
                    var x: Int
                    if k2 == -d || (k2 != d && backward[index - 1] < backward[index + 1]) {
                        x = backward[index + 1]
                    } else {
                        x = backward[index - 1] + 1
                    }
                    var y = x - k2
                    while x < n, y < m, a[aHigh - 1 - x] == b[bHigh - 1 - y] {
                        x += 1
                        y += 1
                    }
                    backward[index] = x
                    if x > n {
                        backwardEnd += 2
                    } else if y > m {
                        backwardStart += 2
                    } else if !oddDelta {
                        let other = offset + delta - k2
                        if other >= 0, other < size, forward[other] != -1 {
                            let forwardX = forward[other]
                            let forwardY = forwardX - (other - offset)
                            if forwardX >= n - x { return (aLow + forwardX, bLow + forwardY) }
                        }
                    }
                    k2 += 2
                }
            }
            return nil
        }
    }
}
