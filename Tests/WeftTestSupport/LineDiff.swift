/// A line-by-line difference between two texts, written for people: `-` lines only in the expected
/// text, `+` lines only in the actual one, a few unchanged lines around each change for context.
public enum LineDiff {
    /// The difference between `expected` and `actual`, or an empty string when they are equal.
    ///
    /// Trailing spaces on changed lines are shown as `·` so a whitespace-only change can be seen, and a
    /// difference in the final newline alone is said in words.
    public static func render(expected: String, actual: String, context: Int = 2) -> String {
        guard expected != actual else { return "" }
        let old = lines(expected)
        let new = lines(actual)
        if old == new {
            switch (expected.last?.isNewline == true, actual.last?.isNewline == true) {
            case (true, false): return "  (the golden text ends with a newline; the actual text does not)"
            case (false, true): return "  (the actual text ends with a newline; the golden text does not)"
            default: return "  (the texts differ only in their line endings)"
            }
        }
        let script = editScript(from: old, to: new)
        var output: [String] = []
        var lastShown: Int?
        for (index, step) in script.enumerated() {
            let nearChange = script[max(0, index - context)...min(script.count - 1, index + context)]
                .contains { $0.kind != .same }
            guard nearChange else { continue }
            if lastShown.map({ $0 + 1 }) != index {
                output.append("@@ golden line \(step.oldLine), actual line \(step.newLine) @@")
            }
            switch step.kind {
            case .same: output.append("  " + step.text)
            case .removed: output.append("- " + visibleTrailingSpaces(step.text))
            case .inserted: output.append("+ " + visibleTrailingSpaces(step.text))
            }
            lastShown = index
        }
        return output.joined(separator: "\n")
    }

    struct Step {
        enum Kind { case same, removed, inserted }
        var kind: Kind
        var text: String
        /// One-based line numbers in each text where this step stands.
        var oldLine: Int
        var newLine: Int
    }

    /// The lines of `text`; a final newline ends the last line rather than starting an empty one.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if text.last?.isNewline == true { lines.removeLast() }
        return lines
    }

    /// Walks both line lists in order, using the standard library's shortest edit as the guide.
    static func editScript(from old: [String], to new: [String]) -> [Step] {
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in new.difference(from: old) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var steps: [Step] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < old.count || newIndex < new.count {
            if oldIndex < old.count, removed.contains(oldIndex) {
                steps.append(
                    Step(kind: .removed, text: old[oldIndex], oldLine: oldIndex + 1, newLine: newIndex + 1))
                oldIndex += 1
            } else if newIndex < new.count, inserted.contains(newIndex) {
                steps.append(
                    Step(kind: .inserted, text: new[newIndex], oldLine: oldIndex + 1, newLine: newIndex + 1))
                newIndex += 1
            } else {
                steps.append(
                    Step(kind: .same, text: old[oldIndex], oldLine: oldIndex + 1, newLine: newIndex + 1))
                oldIndex += 1
                newIndex += 1
            }
        }
        return steps
    }

    static func visibleTrailingSpaces(_ line: String) -> String {
        let body = line.reversed().drop(while: { $0 == " " })
        let trailing = line.count - body.count
        return String(line.dropLast(trailing)) + String(repeating: "·", count: trailing)
    }
}
