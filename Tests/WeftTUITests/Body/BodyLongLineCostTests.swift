import Testing
import WorkflowModel

@testable import WeftTUI

/// A 50,000-character token (a minified bundle, a base64 blob) must not freeze the body editor: word
/// moves cost what they move over, a frame what it shows. The timings are printed, not asserted; the
/// time limit only catches a freeze (quadratic word moves took minutes here).
@Suite struct BodyLongLineCostTests {
    static let tokenLength = 50_000

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// `let data = "` then the token then `";`, with a short line before and after.
    static func body(token: String) -> String {
        "// data\nlet data = \"" + token + "\";\nfn(state => state);\n"
    }

    @Test(.timeLimit(.minutes(1))) func wordMovesAndFramesOnAFiftyThousandCharacterToken() throws {
        let token = String(repeating: "aZ09_", count: Self.tokenLength / 5)
        var state = try BodyEditing.open(Self.body(token: token), size: Size(width: 100, height: 30))
        let clock = ContinuousClock()
        state.press(.down)
        state.press(.controlRight, .controlRight)
        #expect(state.bodyCursor == 8 + "let data".utf16.count, "word right stops after `data`")
        state.press(.right, .right, .right, .right)
        let tokenStart = state.bodyCursor
        #expect(tokenStart == 8 + "let data = \"".utf16.count)
        var acrossToken = Duration.zero
        acrossToken += clock.measure { state.press(.controlRight) }
        #expect(state.bodyCursor == tokenStart + Self.tokenLength, "one word move crosses the whole token")
        let frameAtEnd = clock.measure { _ = ScreenRenderer.render(state) }
        let screen = ScreenRenderer.render(state)
        let cursorRow = (0..<screen.height).map(screen.line).first { $0.contains("2   │") } ?? ""
        #expect(cursorRow.contains("aZ09_aZ09_\";"), "the window shows the token's end: \(cursorRow)")
        acrossToken += clock.measure { state.press(.controlLeft) }
        #expect(state.bodyCursor == tokenStart, "and back")
        let frameAtStart = clock.measure { _ = ScreenRenderer.render(state) }
        state.press(.end)
        let keys = clock.measure {
            for _ in 0..<100 {
                state.press(.left)
                _ = ScreenRenderer.render(state)
            }
        }
        let typing = clock.measure {
            for index in 0..<100 {
                state.press(index % 2 == 0 ? .character("x") : .backspace)
                _ = ScreenRenderer.render(state)
            }
        }
        #expect(state.bodyCursor == tokenStart + Self.tokenLength + 2 - 100)
        print(
            "50k token: word right + word left \(Self.milliseconds(acrossToken)) ms, frame at its end "
                + "\(Self.milliseconds(frameAtEnd)) ms, at its start \(Self.milliseconds(frameAtStart)) ms, "
                + "100 × (Left + frame) near its end \(Self.milliseconds(keys)) ms, "
                + "100 × (typing or Backspace + frame) there \(Self.milliseconds(typing)) ms")
    }

    /// Not plain ASCII (accents, a CJK character): word moves still cost what they pass; finding the
    /// window's start reads the line up to it.
    @Test(.timeLimit(.minutes(1))) func wordMovesAndFramesOnAFiftyThousandCharacterTokenThatIsNotASCII()
        throws
    {
        let token = String(repeating: "éa患_e\u{301}", count: Self.tokenLength / 5)
        var state = try BodyEditing.open(Self.body(token: token), size: Size(width: 100, height: 30))
        let clock = ContinuousClock()
        state.press(.down, .controlRight, .controlRight, .right, .right, .right, .right)
        let tokenStart = state.bodyCursor
        var acrossToken = Duration.zero
        acrossToken += clock.measure { state.press(.controlRight) }
        #expect(state.bodyCursor == tokenStart + token.utf16.count, "one word move crosses the whole token")
        let frameAtEnd = clock.measure { _ = ScreenRenderer.render(state) }
        let screen = ScreenRenderer.render(state)
        let cursorRow = (0..<screen.height).map(screen.line).first { $0.contains("2   │") } ?? ""
        #expect(cursorRow.contains("éa患_e\u{301}\";"), "the window shows the token's end: \(cursorRow)")
        acrossToken += clock.measure { state.press(.controlLeft) }
        #expect(state.bodyCursor == tokenStart, "and back")
        state.press(.end)
        let keys = clock.measure {
            for _ in 0..<100 {
                state.press(.left)
                _ = ScreenRenderer.render(state)
            }
        }
        let typing = clock.measure {
            for index in 0..<100 {
                state.press(index % 2 == 0 ? .character("x") : .backspace)
                _ = ScreenRenderer.render(state)
            }
        }
        print(
            "50k token, not ASCII: word right + word left \(Self.milliseconds(acrossToken)) ms, frame at its end "
                + "\(Self.milliseconds(frameAtEnd)) ms, 100 × (Left + frame) near its end \(Self.milliseconds(keys)) ms, "
                + "100 × (typing or Backspace + frame) there \(Self.milliseconds(typing)) ms"
        )
    }

    @Test(.timeLimit(.minutes(1))) func movesAndFramesInATwoThousandLineBody() throws {
        var text = ""
        for index in 0..<2_000 {
            text +=
                index % 2 == 0
                ? "\tconst value\(index) = state.items.length; // ☕ count\n" : "fn(state => {\n"
        }
        var state = try BodyEditing.open(text, size: Size(width: 132, height: 40))
        let clock = ContinuousClock()
        let down = clock.measure {
            for _ in 0..<1_000 { state.press(.down) }
        }
        #expect(state.body?.cursorLocation.line == 1_000)
        let words = clock.measure {
            for _ in 0..<100 {
                state.press(.controlRight)
                _ = ScreenRenderer.render(state)
            }
        }
        let frames = clock.measure {
            for _ in 0..<100 { _ = ScreenRenderer.render(state) }
        }
        print(
            "2,000 lines: 1,000 × Down \(Self.milliseconds(down)) ms, 100 × (word right + frame) "
                + "\(Self.milliseconds(words)) ms, 100 frames \(Self.milliseconds(frames)) ms")
    }
}
