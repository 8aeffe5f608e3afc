/// A shortest edit script between two sequences of lines, as the hunks that turn one into the other.
///
/// Lines are compared as whole strings, terminator included. The diff itself is ``TextDiff``'s Myers
/// (linear space, no cost limit, so the script is always a shortest one).
struct LineDiff {
    /// A maximal run of changes: `base[baseRange]` is replaced by `other[otherRange]`. Either range may be
    /// empty (a pure insertion or deletion), never both; two hunks are separated by at least one equal line.
    struct Hunk: Hashable, Sendable {
        var baseRange: Range<Int>
        var otherRange: Range<Int>
    }

    /// The hunks turning `base` into `other`, in order.
    static func hunks(from base: [String], to other: [String]) -> [Hunk] {
        TextDiff.hunks(base, other).map { Hunk(baseRange: $0.old, otherRange: $0.new) }
    }
}
