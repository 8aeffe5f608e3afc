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
    }

    /// A complete sequence nobody binds is dropped whole, never typed out (review finding: under
    /// TERM=screen, Ctrl-Shift-Right typed `[1;6C` into a body); one cut off at the end of a read
    /// stays as it came, and plain `Esc [ A` is Up.
    @Test func unknownCompleteSequencesAreDroppedAndCutOffOnesKept() {
        func keys(_ text: String) -> [Key] { [.escape] + text.map(Key.character) }
        #expect(KeySequences.fold(keys("[1;6C") + [.character("x")]) == [.character("x")])
        #expect(KeySequences.fold(keys("[3;5~")).isEmpty, "Ctrl-Delete")
        #expect(KeySequences.fold(keys("[5;2~")).isEmpty, "Shift-PageUp")
        #expect(KeySequences.fold(keys("[1;7Z")).isEmpty)
        #expect(KeySequences.fold(keys("[A") + keys("[D")) == [.up, .left])
        let cutOff = keys("[1;6")
        #expect(KeySequences.fold(cutOff) == cutOff, "no final byte yet: left as it came")
    }
}
