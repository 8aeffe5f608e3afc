@preconcurrency import CNcursesw
import Foundation
import WeftTUI

/// Why the terminal could not be set up.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The terminal over ncursesw: the only code in Weft that calls curses.
///
/// **Threading.** Curses is not thread-safe: create, use and close a terminal on one thread only
/// (the editor's loop does everything on the main thread). Not `Sendable`.
///
/// **Lifecycle.** ``init(preferASCII:)`` sets the locale from the environment, starts curses in raw
/// mode (so Ctrl-C, Ctrl-S and Ctrl-Q reach the editor as keys) with the cursor hidden and the mouse
/// left to the terminal. ``close()`` restores the terminal; call it on every way out (it is safe to
/// call twice, and `deinit` calls it).
public final class CursesTerminal {
    /// Whether the screen is drawn with UTF-8 box drawing (the locale's codeset is UTF-8 and ASCII
    /// was not asked for).
    public let isUnicode: Bool
    /// How many colours the terminal has.
    public let colourDepth: ColourDepth
    private var isOpen = false
    private var lastFrame: CellGrid?
    private var pairs: [PairKey: Int16] = [:]
    private var cachedStyles: [StyleRole: (attr_t, Int16)] = [:]
    private var cachedThemeName: String?
    /// Pasted text between its markers, possibly over several reads.
    private var paste = BracketedPaste()

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// The version string of the linked ncursesw library, for example `ncurses 6.4.20221231`.
    public static var libraryVersion: String {
        guard let version = curses_version() else { return "unknown" }
        return String(cString: version)
    }

    /// Whether the process's locale (from `LC_ALL`, `LC_CTYPE` or `LANG`) uses UTF-8. Sets the locale.
    public static func localeIsUTF8() -> Bool {
        setlocale(LC_ALL, "")
        guard let codeset = weft_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Takes over the terminal.
    ///
    /// - Throws: ``TerminalError`` when standard input or output is not a terminal, or curses cannot
    ///   start (an unknown `TERM`).
    public init(preferASCII: Bool = false) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(description: "the editor needs a terminal (standard input and output are not one)")
        }
        let utf8 = Self.localeIsUTF8()
        isUnicode = utf8 && !preferASCII
        guard newterm(nil, stdout, stdin) != nil else {
            throw TerminalError(description: "curses could not start on this terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))")
        }
        isOpen = true
        raw()
        noecho()
        nonl()
        keypad(weft_stdscr(), true)
        nodelay(weft_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        // Bracketed paste: a paste arrives as one event, not as keys (terminals that lack the mode
        // ignore the sequence).
        Self.writeControl(BracketedPaste.enable)
        var depth = ColourDepth.monochrome
        if has_colors() {
            start_color()
            use_default_colors()
            depth = ColourDepth.forTerminal(colours: Int(weft_colors()), hasColours: true)
        }
        colourDepth = depth
    }

    deinit { close() }

    /// Gives the terminal back as it was.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        Self.writeControl(BracketedPaste.disable)
        endwin()
    }

    /// Writes a control sequence straight to the terminal.
    private static func writeControl(_ sequence: String) {
        fputs(sequence, stdout)
        fflush(stdout)
    }

    /// The terminal's size now.
    public var size: Size { Size(width: Int(getmaxx(weft_stdscr())), height: Int(getmaxy(weft_stdscr()))) }

    /// Forgets what is on the screen, so the next ``draw(_:theme:)`` repaints every cell (Ctrl-L).
    public func invalidate() {
        lastFrame = nil
        clearok(weft_stdscr(), true)
    }

    /// Shows `grid`, writing only the cells that differ from the last frame.
    public func draw(_ grid: CellGrid, theme: ResolvedTheme) {
        if cachedThemeName != theme.name {
            cachedStyles = [:]
            cachedThemeName = theme.name
        }
        let previous = lastFrame.flatMap { $0.width == grid.width && $0.height == grid.height ? $0 : nil }
        if previous == nil { erase() }
        var text = [wchar_t](repeating: 0, count: 6)
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if let previous, previous[x, y] == cell { continue }
                if cell.isContinuation { continue }
                let (attributes, pair) = style(for: cell.role, theme: theme)
                var count = 0
                for scalar in cell.character.unicodeScalars where count < 5 {
                    text[count] = wchar_t(bitPattern: scalar.value)
                    count += 1
                }
                text[count] = 0
                _ = text.withUnsafeBufferPointer { buffer in
                    weft_put_cell(Int32(y), Int32(x), buffer.baseAddress, attributes, pair)
                }
            }
        }
        lastFrame = grid
        refresh()
    }

    /// The keys waiting (and a resize, when the terminal changed size), without blocking.
    public func readEvents() -> [EditorEvent] {
        var events: [EditorEvent] = []
        var value: Int32 = 0
        while true {
            let result = weft_read_key(&value)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if value == KEY_RESIZE {
                    lastFrame = nil
                    let now = size
                    events.append(.resize(width: now.width, height: now.height))
                } else if let key = Self.functionKey(value) {
                    events.append(.key(key))
                }
            } else if let key = Self.characterKey(value) {
                events.append(.key(key))
            }
        }
        return Self.decodingSequences(events, paste: &paste)
    }

    /// Pastes (``BracketedPaste``: in a paste a carriage return and a line feed differ, so `\r\n` is
    /// one line break; typed, both are Enter), Alt-letters and modified cursor keys that arrived as their escape
    /// sequences, decoded into single events (``KeySequences``); a resize keeps its place.
    static func decodingSequences(_ events: [EditorEvent], paste: inout BracketedPaste) -> [EditorEvent] {
        guard paste.isWaiting || events.contains(.key(.escape)) else {
            return events.map { event in
                if case .key(let key) = event { return .key(BracketedPaste.typed(key)) }
                return event
            }
        }
        var result: [EditorEvent] = []
        var keys: [Key] = []
        for event in events {
            if case .key(let key) = event {
                keys.append(key)
            } else {
                result += paste.decode(keys)
                keys.removeAll()
                result.append(event)
            }
        }
        return result + paste.decode(keys)
    }

    // MARK: Keys

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_BTAB: .backTab
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_F0 + 1...KEY_F0 + 24: .function(Int(code - KEY_F0))
        case KEY_SLEFT: .shiftLeft
        case KEY_SRIGHT: .shiftRight
        case KEY_SR: .shiftUp
        case KEY_SF: .shiftDown
        case KEY_SHOME: .shiftHome
        case KEY_SEND: .shiftEnd
        default: extendedKey(code)
        }
    }

    /// Keys terminfo names only as extended capabilities (ncurses gives them codes past `KEY_MAX`):
    /// Ctrl- and Alt-arrows, Ctrl-Home and Ctrl-End.
    static func extendedKey(_ code: Int32) -> Key? {
        guard code > KEY_MAX, let name = keyname(code) else { return nil }
        switch String(cString: name) {
        case "kLFT3", "kLFT5": return .controlLeft
        case "kRIT3", "kRIT5": return .controlRight
        case "kHOM5": return .controlHome
        case "kEND5": return .controlEnd
        case "kUP": return .shiftUp
        case "kDN": return .shiftDown
        default: return nil
        }
    }

    static func characterKey(_ value: Int32) -> Key? {
        switch value {
        case 9: return .tab
        case 13: return .enter
        // A line feed, kept apart from the carriage return until the paste decoder has seen it.
        case 10: return .control("j")
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .control(" ")
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(value) + 96)))
        default:
            guard value >= 32, let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
            return .character(Character(scalar))
        }
    }

    // MARK: Styles

    private func style(for role: StyleRole, theme: ResolvedTheme) -> (attr_t, Int16) {
        if let cached = cachedStyles[role] { return cached }
        let style = theme.style(for: role)
        var attributes = weft_attr_normal()
        for modifier in style.modifiers {
            switch modifier {
            case .bold: attributes |= weft_attr_bold()
            case .dim: attributes |= weft_attr_dim()
            case .reverse: attributes |= weft_attr_reverse()
            case .underline: attributes |= weft_attr_underline()
            case .italic: attributes |= weft_attr_italic()
            }
        }
        let pair = colourDepth == .monochrome ? 0 : pairNumber(style.foreground, style.background)
        cachedStyles[role] = (attributes, pair)
        return (attributes, pair)
    }

    /// The colour pair for a foreground and background, made the first time it is needed (pair 0
    /// is the terminal's default colours).
    private func pairNumber(_ foreground: TerminalColour, _ background: TerminalColour) -> Int16 {
        func number(_ colour: TerminalColour) -> Int32 {
            if case .indexed(let index) = colour, index < Int(weft_colors()) { return Int32(index) }
            return -1
        }
        let key = PairKey(foreground: number(foreground), background: number(background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < weft_color_pairs() else { return 0 }
        init_pair(next, Int16(key.foreground), Int16(key.background))
        pairs[key] = next
        return next
    }
}
