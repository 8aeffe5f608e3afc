import Testing

@testable import WeftTUI

/// Modified keys that reach the editor as escape sequences are folded into one key each.
@Suite struct KeySequencesTests {
    @Test func escThenALetterIsAlt() {
        #expect(
            KeySequences.fold([.escape, .character("b"), .character("x")]) == [.alt("b"), .character("x")])
        #expect(KeySequences.fold([.escape]) == [.escape], "Esc alone stays Esc")
        #expect(KeySequences.fold([.escape, .escape]) == [.escape, .escape])
        #expect(KeySequences.fold([.escape, .down]) == [.escape, .down])
    }

    @Test func xtermModifiedCursorKeys() {
        func csi(_ modifier: Character, _ final: Character) -> [Key] {
            [.escape] + ["[", "1", ";", modifier, final].map(Key.character)
        }
        #expect(KeySequences.fold(csi("2", "D")) == [.shiftLeft])
        #expect(KeySequences.fold(csi("2", "C")) == [.shiftRight])
        #expect(KeySequences.fold(csi("2", "A")) == [.shiftUp])
        #expect(KeySequences.fold(csi("2", "B")) == [.shiftDown])
        #expect(KeySequences.fold(csi("2", "H")) == [.shiftHome])
        #expect(KeySequences.fold(csi("2", "F")) == [.shiftEnd])
        #expect(KeySequences.fold(csi("5", "D") + csi("3", "C")) == [.controlLeft, .controlRight])
        #expect(KeySequences.fold(csi("5", "H") + csi("5", "F")) == [.controlHome, .controlEnd])
        let unknown = csi("7", "Z")
        #expect(KeySequences.fold(unknown) == [.escape] + Array(unknown.dropFirst()), "left as it came")
    }
}
