/// Folds the escape sequences of modified keys that curses passed through undecoded into the keys
/// they stand for, so the editor works whether or not the terminal's terminfo names them.
///
/// - `Esc` then a printable character in the same read is Alt and that character (`Esc b` → Alt-b);
/// - `Esc [ 1 ; m X` (xterm's modified cursor keys, `X` one of `A B C D H F`, `m` 2 Shift, 3 Alt,
///   5 Ctrl) is Shift-, Alt- or Ctrl- and the arrow, Home or End;
/// - `Esc [ A` … `Esc [ F` without parameters are the plain arrows, Home and End;
/// - any other complete control sequence (`Esc [`, parameter bytes `0`–`?`, intermediate bytes
///   space–`/`, a final byte `@`–`~`) is a key nobody binds, and is dropped;
/// - anything else (an `Esc` alone, a sequence cut off at the end of the read) stays as it came.
public enum KeySequences {
    public static func fold(_ keys: [Key]) -> [Key] {
        var result: [Key] = []
        result.reserveCapacity(keys.count)
        var index = 0
        while index < keys.count {
            guard keys[index] == .escape, index + 1 < keys.count else {
                result.append(keys[index])
                index += 1
                continue
            }
            if let (key, length) = modifiedCursorKey(keys, from: index + 1) {
                result.append(key)
                index += 1 + length
            } else if case .character(let character) = keys[index + 1], character != "[" {
                result.append(.alt(character))
                index += 2
            } else if let (key, length) = otherControlSequence(keys, from: index + 1) {
                // A complete sequence this table does not name is dropped whole: typed out it would
                // put `[1;6C` into a body.
                if let key { result.append(key) }
                index += 1 + length
            } else {
                result.append(.escape)
                index += 1
            }
        }
        return result
    }

    /// A complete control sequence `[ params intermediates final` from `start`: the key it stands for
    /// when it is a plain cursor key (nil for one nobody binds) and how many keys it took; nil when
    /// it is not one, or is cut off.
    private static func otherControlSequence(_ keys: [Key], from start: Int) -> (Key?, Int)? {
        guard start < keys.count, keys[start] == .character("[") else { return nil }
        var index = start + 1
        var sawParameters = false
        while index < keys.count, case .character(let character) = keys[index],
            let value = character.asciiValue, (0x30...0x3F).contains(value)
        {
            sawParameters = true
            index += 1
        }
        while index < keys.count, case .character(let character) = keys[index],
            let value = character.asciiValue, (0x20...0x2F).contains(value)
        {
            index += 1
        }
        guard index < keys.count, case .character(let final) = keys[index], let value = final.asciiValue,
            (0x40...0x7E).contains(value)
        else { return nil }
        let plain: [Character: Key] = ["A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end]
        return (sawParameters ? nil : plain[final], index - start + 1)
    }

    /// `[ 1 ; m X` from `start`: the key and how many keys it took.
    private static func modifiedCursorKey(_ keys: [Key], from start: Int) -> (Key, Int)? {
        let expected: [Character] = ["[", "1", ";"]
        guard start + 4 < keys.count else { return nil }
        for (offset, character) in expected.enumerated() where keys[start + offset] != .character(character) {
            return nil
        }
        guard case .character(let modifier) = keys[start + 3], case .character(let final) = keys[start + 4]
        else {
            return nil
        }
        let key: Key?
        switch (modifier, final) {
        case ("2", "A"): key = .shiftUp
        case ("2", "B"): key = .shiftDown
        case ("2", "C"): key = .shiftRight
        case ("2", "D"): key = .shiftLeft
        case ("2", "H"): key = .shiftHome
        case ("2", "F"): key = .shiftEnd
        case ("3", "C"), ("5", "C"): key = .controlRight
        case ("3", "D"), ("5", "D"): key = .controlLeft
        case ("5", "H"): key = .controlHome
        case ("5", "F"): key = .controlEnd
        case ("3", "A"), ("5", "A"): key = .up
        case ("3", "B"), ("5", "B"): key = .down
        default: key = nil
        }
        return key.map { ($0, 5) }
    }
}
