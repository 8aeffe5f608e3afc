import Testing
import WeftTestSupport

// The shared test support is part of the architecture every later test stands on; its own tests live here.

/// The diff that golden-file mismatches report.
@Suite struct LineDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(LineDiff.render(expected: "a\nb\n", actual: "a\nb\n") == "")
    }

    @Test func aChangedLineShowsAsRemovedThenInserted() {
        let diff = LineDiff.render(expected: "a\nb\nc\n", actual: "a\nB\nc\n")

        #expect(diff == "@@ golden line 1, actual line 1 @@\n  a\n- b\n+ B\n  c")
    }

    @Test func onlyLinesNearAChangeAreShown() {
        let expected = (1...20).map { "line \($0)" }
        var actual = expected
        actual[9] = "changed"

        let diff = LineDiff.render(
            expected: expected.joined(separator: "\n"), actual: actual.joined(separator: "\n"))

        #expect(
            diff == """
                @@ golden line 8, actual line 8 @@
                  line 8
                  line 9
                - line 10
                + changed
                  line 11
                  line 12
                """)
    }

    @Test func insertionsAndRemovalsAtTheEnds() {
        let diff = LineDiff.render(expected: "x\nkeep\n", actual: "keep\ny\n")

        #expect(diff == "@@ golden line 1, actual line 1 @@\n- x\n  keep\n+ y")
    }

    @Test func trailingSpacesOnChangedLinesAreVisible() {
        #expect(LineDiff.render(expected: "a\n", actual: "a  \n").contains("+ a··"))
    }

    @Test func aDifferenceOnlyInTheFinalNewlineIsSaidInWords() {
        #expect(LineDiff.render(expected: "a\n", actual: "a").contains("golden text ends with a newline"))
        #expect(LineDiff.render(expected: "a\r\nb", actual: "a\nb").contains("line endings"))
    }
}
