/// A shortest edit script between two sequences of lines, as the hunks that turn one into the other.
///
/// Myers' O((N+M)·D) algorithm in its linear-space form (the middle snake, divide and conquer), after
/// the common prefix and suffix are set aside, so a small edit of a large body costs little and a
/// complete rewrite costs no more than quadratic time and linear memory. Lines are compared as whole
/// strings, terminator included.
struct LineDiff {
    /// A maximal run of changes: `base[baseRange]` is replaced by `other[otherRange]`. Either range may be
    /// empty (a pure insertion or deletion), never both; two hunks are separated by at least one equal line.
    struct Hunk: Hashable, Sendable {
        var baseRange: Range<Int>
        var otherRange: Range<Int>
    }

    /// The hunks turning `base` into `other`, in order.
    static func hunks(from base: [String], to other: [String]) -> [Hunk] {
        // Compare small integers rather than strings: each distinct line gets a number.
        var numbers: [String: Int] = [:]
        func number(_ line: String) -> Int {
            if let existing = numbers[line] { return existing }
            let next = numbers.count
            numbers[line] = next
            return next
        }
        let a = base.map(number)
        let b = other.map(number)
        var differ = Differ(a: a, b: b)
        differ.compare(aRange: 0..<a.count, bRange: 0..<b.count)
        return differ.hunks()
    }
}

/// The working state of one diff: the two sequences and which of their elements are deleted or inserted.
private struct Differ {
    let a: [Int]
    let b: [Int]
    var deletedFromA: [Bool]
    var insertedInB: [Bool]

    init(a: [Int], b: [Int]) {
        self.a = a
        self.b = b
        deletedFromA = [Bool](repeating: false, count: a.count)
        insertedInB = [Bool](repeating: false, count: b.count)
    }

    /// Marks the differences between `a[aRange]` and `b[bRange]`.
    mutating func compare(aRange: Range<Int>, bRange: Range<Int>) {
        var aLow = aRange.lowerBound
        var aHigh = aRange.upperBound
        var bLow = bRange.lowerBound
        var bHigh = bRange.upperBound
        while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] {
            aLow += 1
            bLow += 1
        }
        while aLow < aHigh, bLow < bHigh, a[aHigh - 1] == b[bHigh - 1] {
            aHigh -= 1
            bHigh -= 1
        }
        if aLow == aHigh {
            for index in bLow..<bHigh { insertedInB[index] = true }
            return
        }
        if bLow == bHigh {
            for index in aLow..<aHigh { deletedFromA[index] = true }
            return
        }
        // A rewrite with no line in common is all changes; the search would spend O(N·M) to learn it.
        if Set(a[aLow..<aHigh]).isDisjoint(with: b[bLow..<bHigh]) {
            for index in aLow..<aHigh { deletedFromA[index] = true }
            for index in bLow..<bHigh { insertedInB[index] = true }
            return
        }
        guard let (x, y) = middleSnake(aLow: aLow, aHigh: aHigh, bLow: bLow, bHigh: bHigh),
            (x, y) != (aLow, bLow), (x, y) != (aHigh, bHigh)
        else {
            // Cannot happen for a correct search; replacing the whole range is still a valid script.
            for index in aLow..<aHigh { deletedFromA[index] = true }
            for index in bLow..<bHigh { insertedInB[index] = true }
            return
        }
        compare(aRange: aLow..<x, bRange: bLow..<y)
        compare(aRange: x..<aHigh, bRange: y..<bHigh)
    }

    /// A point on an optimal path through the edit graph of `a[aLow..<aHigh]` and `b[bLow..<bHigh]`
    /// (both non-empty, first and last elements different), found by searching from both corners until
    /// the searches overlap. Paths that leave the grid are dropped from the search, so the point is always
    /// inside it.
    private func middleSnake(aLow: Int, aHigh: Int, bLow: Int, bHigh: Int) -> (Int, Int)? {
        let n = aHigh - aLow
        let m = bHigh - bLow
        let maxD = (n + m + 1) / 2
        let offset = maxD + 1
        let size = 2 * maxD + 3
        // forward[offset + k]: the furthest x reached on diagonal k = x - y from (0, 0); backward likewise
        // from (n, m) in mirrored coordinates (x' = n - x, y' = m - y). -1 = not reached yet.
        var forward = [Int](repeating: -1, count: size)
        var backward = [Int](repeating: -1, count: size)
        forward[offset + 1] = 0
        backward[offset + 1] = 0
        let delta = n - m
        let checkWhileForward = delta % 2 != 0
        // Diagonals at either end that have left the grid and are no longer searched.
        var forwardStart = 0
        var forwardEnd = 0
        var backwardStart = 0
        var backwardEnd = 0
        for d in 0...maxD {
            for k in stride(from: -d + forwardStart, through: d - forwardEnd, by: 2) {
                var x =
                    k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                    ? forward[offset + k + 1] : forward[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[aLow + x] == b[bLow + y] {
                    x += 1
                    y += 1
                }
                forward[offset + k] = x
                if x > n {
                    forwardEnd += 2
                } else if y > m {
                    forwardStart += 2
                } else if checkWhileForward {
                    let mirrored = offset + delta - k
                    if mirrored >= 0, mirrored < size, backward[mirrored] != -1, x >= n - backward[mirrored] {
                        return (aLow + x, bLow + y)
                    }
                }
            }
            for k in stride(from: -d + backwardStart, through: d - backwardEnd, by: 2) {
                var x =
                    k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1])
                    ? backward[offset + k + 1] : backward[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[aHigh - 1 - x] == b[bHigh - 1 - y] {
                    x += 1
                    y += 1
                }
                backward[offset + k] = x
                if x > n {
                    backwardEnd += 2
                } else if y > m {
                    backwardStart += 2
                } else if !checkWhileForward {
                    let direct = offset + delta - k
                    if direct >= 0, direct < size, forward[direct] != -1, forward[direct] >= n - x {
                        return (aHigh - x, bHigh - y)
                    }
                }
            }
        }
        return nil
    }

    /// The marks as hunks: runs of deleted and inserted lines between equal ones.
    func hunks() -> [LineDiff.Hunk] {
        var hunks: [LineDiff.Hunk] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, !deletedFromA[i], !insertedInB[j] {
                i += 1
                j += 1
                continue
            }
            let startI = i
            let startJ = j
            while i < a.count, deletedFromA[i] { i += 1 }
            while j < b.count, insertedInB[j] { j += 1 }
            hunks.append(LineDiff.Hunk(baseRange: startI..<i, otherRange: startJ..<j))
        }
        return hunks
    }
}
