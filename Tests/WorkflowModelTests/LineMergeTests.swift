import Foundation
import Testing

@testable import WorkflowModel

@Suite struct LineMergeTests {
    private func merge(_ base: String, _ ours: String, _ theirs: String) -> LineMerge.Result {
        LineMerge.merge(base: base, ours: ours, theirs: theirs)
    }

    // MARK: Clean merges

    @Test func changesToDifferentLinesAreBothKept() {
        let base = "a\nb\nc\nd\ne\n"
        let result = merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")
        #expect(result.merged == "A\nb\nc\nd\nE\n")
        #expect(result.isClean)
    }

    @Test func changesToNeighbouringLinesAreBothKept() {
        let result = merge("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
        #expect(result.merged == "a\nB\nC\n")
        #expect(result.isClean)
    }

    @Test func anInsertionNextToTheOtherSidesChangeIsKeptInPlace() {
        // Theirs inserts right after the line ours changed, and right before it.
        #expect(merge("a\nb\nc\n", "a\nB\nc\n", "a\nb\nnew\nc\n").merged == "a\nB\nnew\nc\n")
        #expect(merge("a\nb\nc\n", "a\nB\nc\n", "a\nnew\nb\nc\n").merged == "a\nnew\nB\nc\n")
        #expect(merge("a\nb\nc\n", "a\nB\nc\n", "a\nnew\nb\nc\n").isClean)
    }

    @Test func theSameChangeOnBothSidesMergesCleanly() {
        let result = merge("a\nb\nc\n", "a\nB\nc\nd\n", "a\nB\nc\nd\n")
        #expect(result.merged == "a\nB\nc\nd\n")
        #expect(result.isClean)
        // Also when only the overlapping part agrees and each side has other changes.
        let mixed = merge("a\nb\nc\nd\ne\n", "A\nb\nX\nd\ne\n", "a\nb\nX\nd\nE\n")
        #expect(mixed.merged == "A\nb\nX\nd\nE\n")
        #expect(mixed.isClean)
    }

    @Test func onlyOneSideChangedTakesThatSide() {
        #expect(merge("a\nb\n", "a\nb\n", "a\nB\n").merged == "a\nB\n")
        #expect(merge("a\nb\n", "a\nB\n", "a\nb\n").merged == "a\nB\n")
        #expect(merge("a\nb\n", "x\n", "x\n").merged == "x\n")
    }

    @Test func deletionsOnBothSidesOfDifferentLinesAreBothApplied() {
        let result = merge("a\nb\nc\nd\ne\n", "a\nc\nd\ne\n", "a\nb\nc\nd\n")
        #expect(result.merged == "a\nc\nd\n")
        #expect(result.isClean)
    }

    @Test func theSameDeletionOnBothSidesIsApplied() {
        let result = merge("a\nb\nc\n", "a\nc\n", "a\nc\n")
        #expect(result.merged == "a\nc\n")
        #expect(result.isClean)
    }

    @Test func insertionsAtDifferentPlacesAreBothKept() {
        let result = merge("a\nb\nc\n", "top\na\nb\nc\n", "a\nb\nc\nbottom\n")
        #expect(result.merged == "top\na\nb\nc\nbottom\n")
        #expect(result.isClean)
    }

    // MARK: Conflicts

    @Test func differentChangesToTheSameLineTakeTheirsAndReportIt() {
        let result = merge("a\nb\nc\n", "a\nours\nc\n", "a\ntheirs\nc\n")
        #expect(result.merged == "a\ntheirs\nc\n")
        #expect(
            result.conflicts == [
                LineMerge.Conflict(
                    baseStart: 1, baseCount: 1, mergedStart: 1, mergedCount: 1, base: "b\n", ours: "ours\n",
                    theirs: "theirs\n")
            ])
    }

    @Test func differentInsertionsAtTheSamePlaceConflict() {
        let result = merge("a\nc\n", "a\nmine\nc\n", "a\nyours\nc\n")
        #expect(result.merged == "a\nyours\nc\n")
        #expect(result.conflicts.count == 1)
        #expect(result.conflicts.first?.base == "")
        #expect(result.conflicts.first?.baseCount == 0)
        #expect(result.conflicts.first?.ours == "mine\n")
        #expect(result.conflicts.first?.theirs == "yours\n")
    }

    @Test func anInsertionInsideTheOtherSidesChangeConflicts() {
        // Ours rewrites b..d; theirs inserts between c and d.
        let result = merge("a\nb\nc\nd\ne\n", "a\nX\ne\n", "a\nb\nc\nnew\nd\ne\n")
        #expect(result.merged == "a\nb\nc\nnew\nd\ne\n")
        #expect(result.conflicts.first?.ours == "X\n")
        #expect(result.conflicts.first?.base == "b\nc\nd\n")
    }

    @Test func deletedByOneSideAndChangedByTheOtherTakesTheirs() {
        let deletedByOurs = merge("a\nb\nc\n", "a\nc\n", "a\nB\nc\n")
        #expect(deletedByOurs.merged == "a\nB\nc\n")
        #expect(deletedByOurs.conflicts.first?.ours == "")
        let deletedByTheirs = merge("a\nb\nc\n", "a\nB\nc\n", "a\nc\n")
        #expect(deletedByTheirs.merged == "a\nc\n")
        #expect(deletedByTheirs.conflicts.first?.ours == "B\n")
        #expect(deletedByTheirs.conflicts.first?.theirs == "")
        #expect(deletedByTheirs.conflicts.first?.mergedCount == 0)
    }

    @Test func overlappingChangesChainIntoOneRegion() {
        // Ours changes b-c, theirs changes c-d: one region b..d.
        let result = merge("a\nb\nc\nd\ne\n", "a\nB\nC\nd\ne\n", "a\nb\nC2\nD\ne\n")
        #expect(result.merged == "a\nb\nC2\nD\ne\n")
        #expect(result.conflicts.count == 1)
        #expect(result.conflicts.first?.base == "b\nc\nd\n")
        #expect(result.conflicts.first?.ours == "B\nC\nd\n")
        #expect(result.conflicts.first?.theirs == "b\nC2\nD\n")
    }

    @Test func conflictsAndCleanChangesMix() {
        let base = "one\ntwo\nthree\nfour\nfive\n"
        let result = merge(base, "ONE\ntwo\nmine\nfour\nfive\n", "one\ntwo\nyours\nfour\nFIVE\n")
        #expect(result.merged == "ONE\ntwo\nyours\nfour\nFIVE\n")
        #expect(result.conflicts.map(\.baseStart) == [2])
        #expect(result.conflicts.map(\.mergedStart) == [2])
    }

    @Test func mergedPositionsCountLinesTheMergeAdded() {
        let result = merge("a\nb\nc\n", "x\ny\na\nb\nmine\n", "a\nb\ntheirs\n")
        #expect(result.merged == "x\ny\na\nb\ntheirs\n")
        #expect(result.conflicts.first?.mergedStart == 4)
        #expect(result.conflicts.first?.baseStart == 2)
    }

    // MARK: Empty texts and final newlines

    @Test func emptyTexts() {
        #expect(merge("", "", "").merged == "")
        #expect(merge("", "a\n", "").merged == "a\n")
        #expect(merge("", "", "b\n").merged == "b\n")
        let both = merge("", "a\n", "b\n")
        #expect(both.merged == "b\n")
        #expect(both.conflicts.first?.ours == "a\n")
        #expect(merge("a\n", "", "a\n").merged == "")
        #expect(merge("a\nb\n", "", "a\nB\n").merged == "a\nB\n")
        #expect(!merge("a\nb\n", "", "a\nB\n").isClean)
    }

    @Test func aMissingFinalNewlineIsKept() {
        let result = merge("a\nb\nc", "A\nb\nc", "a\nb\nC")
        #expect(result.merged == "A\nb\nC")
        #expect(result.isClean)
    }

    @Test func addingTheFinalNewlineMergesWithAChangeElsewhere() {
        let result = merge("a\nb\nc", "a\nb\nc\n", "A\nb\nc")
        #expect(result.merged == "A\nb\nc\n")
        #expect(result.isClean)
    }

    @Test func addingTheFinalNewlineIsAChangeOfTheLastLine() {
        // Ours adds the newline, theirs changes the last line: the same line, so theirs (reported).
        let result = merge("a\nb", "a\nb\n", "a\nB")
        #expect(result.merged == "a\nB")
        #expect(result.conflicts.first?.ours == "b\n")
        // Both add it: clean.
        #expect(merge("a\nb", "a\nb\n", "a\nb\n").merged == "a\nb\n")
    }

    @Test func appendingAfterALastLineWithoutNewline() {
        let result = merge("a\nb", "a\nb\nc", "A\nb")
        #expect(result.merged == "A\nb\nc")
        #expect(result.isClean)
    }

    @Test func carriageReturnLineFeedsSplitLikeLineFeeds() {
        #expect(LineMerge.lines(of: "a\r\nb\r\n") == ["a\r\n", "b\r\n"])
        #expect(merge("a\r\nb\r\nc\r\n", "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n").merged == "A\r\nb\r\nC\r\n")
        #expect(LineMerge.lines(of: "é\nü") == ["é\n", "ü"])
        #expect(LineMerge.lines(of: "") == [])
        #expect(LineMerge.lines(of: "\n\n") == ["\n", "\n"])
    }

    // MARK: Properties

    @Test func randomMergesKeepEverySidesChangeWhenTheyDoNotConflict() {
        var generator = LineMergeRandom(seed: 42)
        for _ in 0..<500 {
            let base = (0..<Int.random(in: 0...12, using: &generator)).map { "l\($0)\n" }
            let ours = mutate(base, tag: "o", using: &generator)
            let theirs = mutate(base, tag: "t", using: &generator)
            let result = LineMerge.merge(base: base.joined(), ours: ours.joined(), theirs: theirs.joined())
            // Merging with an unchanged side gives the other side exactly.
            #expect(
                LineMerge.merge(base: base.joined(), ours: base.joined(), theirs: theirs.joined()).merged
                    == theirs.joined())
            #expect(
                LineMerge.merge(base: base.joined(), ours: ours.joined(), theirs: base.joined()).merged
                    == ours.joined())
            // Every line theirs added is in the result, and when clean every line ours added is too.
            let merged = LineMerge.lines(of: result.merged)
            for line in theirs where line.hasPrefix("t") { #expect(merged.contains(line)) }
            if result.isClean {
                for line in ours where line.hasPrefix("o") { #expect(merged.contains(line)) }
            }
            // Each conflict's theirs text sits where it says in the merged text.
            for conflict in result.conflicts {
                let slice = merged[conflict.mergedStart..<(conflict.mergedStart + conflict.mergedCount)]
                    .joined()
                #expect(slice == conflict.theirs)
            }
        }
    }

    private func mutate(_ lines: [String], tag: String, using generator: inout LineMergeRandom) -> [String] {
        var result = lines
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            let action = Int.random(in: 0...2, using: &generator)
            let index = Int.random(in: 0...result.count, using: &generator)
            let line = "\(tag)\(Int.random(in: 0...999_999, using: &generator))\n"
            switch action {
            case 0: result.insert(line, at: index)
            case 1 where index < result.count: result.remove(at: index)
            case 2 where index < result.count: result[index] = line
            default: break
            }
        }
        return result
    }
}

@Suite struct MyersLineDiffTests {
    /// The length of a longest common subsequence, by dynamic programming.
    private func lcsLength(_ a: [String], _ b: [String]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    private func apply(_ hunks: [LineDiff.Hunk], to base: [String], from other: [String]) -> [String] {
        var result: [String] = []
        var position = 0
        for hunk in hunks {
            result += base[position..<hunk.baseRange.lowerBound]
            result += other[hunk.otherRange]
            position = hunk.baseRange.upperBound
        }
        return result + base[position...]
    }

    @Test func randomDiffsAreValidAndShortest() {
        var generator = LineMergeRandom(seed: 7)
        for _ in 0..<2_000 {
            let alphabet = Int.random(in: 1...4, using: &generator)
            let a = (0..<Int.random(in: 0...15, using: &generator)).map { _ in
                "\(Int.random(in: 0..<alphabet, using: &generator))"
            }
            let b = (0..<Int.random(in: 0...15, using: &generator)).map { _ in
                "\(Int.random(in: 0..<alphabet, using: &generator))"
            }
            let hunks = LineDiff.hunks(from: a, to: b)
            #expect(apply(hunks, to: a, from: b) == b, "\(a) → \(b)")
            let edits = hunks.reduce(0) { $0 + $1.baseRange.count + $1.otherRange.count }
            #expect(edits == a.count + b.count - 2 * lcsLength(a, b), "\(a) → \(b)")
            // Hunks are in order, non-empty and separated by at least one equal line.
            for (first, second) in zip(hunks, hunks.dropFirst()) {
                #expect(first.baseRange.upperBound < second.baseRange.lowerBound)
                #expect(first.otherRange.upperBound < second.otherRange.lowerBound)
            }
            for hunk in hunks { #expect(!(hunk.baseRange.isEmpty && hunk.otherRange.isEmpty)) }
        }
    }

    @Test func aLargeRewriteIsFastAndCorrect() {
        let a = (0..<5_000).map { "a\($0)\n" }
        let b = (0..<5_000).map { "b\($0)\n" }
        let shared = LineDiff.hunks(from: ["x\n"] + a, to: ["x\n"] + b)
        #expect(shared == [LineDiff.Hunk(baseRange: 1..<5_001, otherRange: 1..<5_001)])
        // One line in common, away from the ends: the search runs its full length.
        let interleaved = LineDiff.hunks(from: a[..<1_000] + ["x\n"], to: ["x\n"] + b[..<1_000])
        #expect(interleaved.reduce(0) { $0 + $1.baseRange.count + $1.otherRange.count } == 2_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let hunks = LineDiff.hunks(from: a, to: b)
            #expect(hunks == [LineDiff.Hunk(baseRange: 0..<5_000, otherRange: 0..<5_000)])
        }
        #expect(elapsed < .seconds(20))
    }

    @Test func aSmallEditOfALargeTextIsOneHunk() {
        var b = (0..<10_000).map { "line \($0)\n" }
        let a = b
        b[5_000] = "changed\n"
        #expect(
            LineDiff.hunks(from: a, to: b) == [
                LineDiff.Hunk(baseRange: 5_000..<5_001, otherRange: 5_000..<5_001)
            ])
    }
}

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
private struct LineMergeRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
