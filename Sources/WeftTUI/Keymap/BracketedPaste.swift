/// Bracketed paste: with the mode on (``enable``), a terminal sends pasted text between `Esc [ 2 0 0 ~`
/// and `Esc [ 2 0 1 ~`. This decoder turns what arrives between the two into one
/// ``EditorEvent/paste(_:)``, so a 1,000-character paste is one edit (one undo step, one update to
/// the relay) rather than 1,000 keys — and pasted text never runs the graph's one-letter commands.
///
/// Keys outside a paste come out as ``EditorEvent/key(_:)``, their escape sequences folded by
/// ``KeySequences``. Inside a paste, Enter (a carriage return) and Ctrl-J (a line feed) are line
/// breaks — a `\r\n` pair is one, so text copied with Windows line ends does not get a blank line
/// after each — and Tab a tab; other keys (control keys, escapes) are dropped. Outside a paste Ctrl-J
/// is Enter, as terminals have always sent it. A paste, or a marker, split over two reads is put
/// together: the decoder keeps what it has until the rest arrives.
public struct BracketedPaste: Sendable {
    /// Turns the mode on (written when the editor takes over the terminal).
    public static let enable = "\u{1B}[?2004h"
    /// Turns it off again (written before the terminal is given back).
    public static let disable = "\u{1B}[?2004l"

    static let start: [Key] = [.escape] + "[200~".map(Key.character)
    static let end: [Key] = [.escape] + "[201~".map(Key.character)

    /// The text of the paste under way; nil outside a paste.
    private var pasted: String?
    /// Keys at the end of the last read that may begin a marker.
    private var held: [Key] = []

    public init() {}

    /// Whether the decoder holds something for the next read: a paste that has not ended, or keys
    /// that may begin a marker.
    public var isWaiting: Bool { pasted != nil || !held.isEmpty }

    /// The events for keys read from the terminal, in order.
    public mutating func decode(_ keys: [Key]) -> [EditorEvent] {
        let input = held + keys
        held = []
        var events: [EditorEvent] = []
        var plain: [Key] = []
        func flushPlain() {
            events += KeySequences.fold(plain).map { EditorEvent.key(Self.typed($0)) }
            plain.removeAll()
        }
        var index = 0
        while index < input.count {
            if var text = pasted {
                if Self.matches(Self.end, input, at: index) {
                    events.append(.paste(Self.joiningLineBreaks(text)))
                    pasted = nil
                    index += Self.end.count
                    continue
                }
                if Self.isCutShort(Self.end, input, at: index) {
                    held = Array(input[index...])
                    break
                }
                switch input[index] {
                case .character(let character): text.append(character)
                case .enter: text.append("\r")
                case .control("j"): text.append("\n")
                case .tab: text.append("\t")
                default: break
                }
                pasted = text
                index += 1
            } else if Self.matches(Self.start, input, at: index) {
                flushPlain()
                pasted = ""
                index += Self.start.count
            } else if input.count - index >= 3, Self.isCutShort(Self.start, input, at: index) {
                // `Esc [ 2` and more at the very end: most likely a paste's start, cut by the read. A
                // lone Esc (a real Escape key) is never held.
                held = Array(input[index...])
                break
            } else {
                plain.append(input[index])
                index += 1
            }
        }
        flushPlain()
        return events
    }

    /// A key as typed: a line feed (Ctrl-J) is Enter.
    public static func typed(_ key: Key) -> Key { key == .control("j") ? .enter : key }

    /// `\r\n` and a lone `\r` as `\n`.
    private static func joiningLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var result = ""
        for character in text {
            if character == "\r\n" || character == "\r" {
                result.append("\n")
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Whether `marker` is at `index` in full.
    private static func matches(_ marker: [Key], _ input: [Key], at index: Int) -> Bool {
        guard input.count - index >= marker.count else { return false }
        return input[index..<(index + marker.count)].elementsEqual(marker)
    }

    /// Whether what is left from `index` is a beginning of `marker`, cut short by the end of the read.
    private static func isCutShort(_ marker: [Key], _ input: [Key], at index: Int) -> Bool {
        let left = input.count - index
        guard left > 0, left < marker.count else { return false }
        return input[index...].elementsEqual(marker.prefix(left))
    }
}
