/// How many colours the terminal shows.
public enum ColourDepth: Hashable, Sendable {
    /// None: attributes only (also `NO_COLOR`).
    case monochrome
    case ansi8
    case ansi16
    /// The xterm 256-colour palette (RGB colours are quantised to it).
    case xterm256

    /// The depth for a terminal reporting `colours` colours (curses's `COLORS`).
    public static func forTerminal(colours: Int, hasColours: Bool) -> ColourDepth {
        guard hasColours, colours >= 8 else { return .monochrome }
        if colours >= 256 { return .xterm256 }
        return colours >= 16 ? .ansi16 : .ansi8
    }
}

/// A colour a terminal can show.
public enum TerminalColour: Hashable, Sendable {
    case terminalDefault
    /// A palette index (0–7, 0–15 or 0–255, by depth).
    case indexed(Int)
}

/// A role's look on one terminal.
public struct ResolvedStyle: Hashable, Sendable {
    public var foreground: TerminalColour
    public var background: TerminalColour
    public var modifiers: Set<TextModifier>

    public init(
        foreground: TerminalColour = .terminalDefault, background: TerminalColour = .terminalDefault,
        modifiers: Set<TextModifier> = []
    ) {
        self.foreground = foreground
        self.background = background
        self.modifiers = modifiers
    }

    public static let plain = ResolvedStyle()
}

/// A theme resolved for one colour depth: a style for every role, looked up in O(1).
public struct ResolvedTheme: Hashable, Sendable {
    public let name: String
    public let depth: ColourDepth
    /// No colour at all (monochrome theme or terminal): the screen says with glyphs what colour would.
    public let isMonochrome: Bool
    private var styles: [StyleRole: ResolvedStyle]
    private var presence: [ResolvedStyle]

    /// The look of `role`.
    public func style(for role: StyleRole) -> ResolvedStyle {
        if case .presence(let index) = role {
            guard !presence.isEmpty else { return ResolvedStyle(modifiers: [.bold]) }
            return presence[((index % presence.count) + presence.count) % presence.count]
        }
        if case .presenceCursor(let index) = role {
            var style = self.style(for: .presence(index))
            style.modifiers.insert(.reverse)
            return style
        }
        return styles[role] ?? .plain
    }

    init(theme: Theme, depth: ColourDepth) {
        name = theme.name
        self.depth = depth
        isMonochrome = depth == .monochrome || theme.isMonochrome
        var styles: [StyleRole: ResolvedStyle] = [:]
        for role in StyleRole.allNamed {
            let spec = theme.style(named: role.name)
            styles[role] = ResolvedStyle(
                foreground: Self.resolve(spec.foreground, theme: theme, depth: depth),
                background: Self.resolve(spec.background, theme: theme, depth: depth),
                modifiers: spec.modifiers)
        }
        self.styles = styles
        presence = theme.presenceColours.map {
            ResolvedStyle(foreground: Self.resolve($0, theme: theme, depth: depth), modifiers: [.bold])
        }
    }

    static func resolve(_ name: String?, theme: Theme, depth: ColourDepth) -> TerminalColour {
        guard let name, depth != .monochrome else { return .terminalDefault }
        guard let colour = theme.palette[name] ?? ThemeParser.colour(name) else { return .terminalDefault }
        switch colour {
        case .terminalDefault:
            return .terminalDefault
        case .ansi(let index):
            return .indexed(depth == .ansi8 ? index % 8 : index)
        case .rgb(let red, let green, let blue, let ansi):
            switch depth {
            case .xterm256: return .indexed(ColourQuantiser.xterm256(red: red, green: green, blue: blue))
            case .ansi16: return .indexed(ansi ?? ColourQuantiser.ansi16(red: red, green: green, blue: blue))
            case .ansi8: return .indexed((ansi ?? ColourQuantiser.ansi16(red: red, green: green, blue: blue)) % 8)
            case .monochrome: return .terminalDefault
            }
        }
    }
}

extension Theme {
    /// This theme for a terminal of `depth` (``ColourDepth/monochrome`` drops every colour and keeps
    /// the modifiers).
    public func resolved(depth: ColourDepth) -> ResolvedTheme { ResolvedTheme(theme: self, depth: depth) }
}

/// RGB to the palettes terminals have (reference §1.5: nearest of cube and grey ramp, with the cube's
/// real levels 0, 95, 135, 175, 215, 255).
public enum ColourQuantiser {
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    public static func xterm256(red: Int, green: Int, blue: Int) -> Int {
        func nearestLevel(_ value: Int) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - value) < abs(cubeLevels[$1] - value) } ?? 0
        }
        let (r, g, b) = (nearestLevel(red), nearestLevel(green), nearestLevel(blue))
        let cube = 16 + 36 * r + 6 * g + b
        let cubeDistance = distance((red, green, blue), (cubeLevels[r], cubeLevels[g], cubeLevels[b]))
        let average = (red + green + blue) / 3
        let greyIndex = max(0, min(23, (average - 8 + 5) / 10))
        let greyLevel = 8 + 10 * greyIndex
        let greyDistance = distance((red, green, blue), (greyLevel, greyLevel, greyLevel))
        return greyDistance < cubeDistance ? 232 + greyIndex : cube
    }

    /// The nearest of the 16 ANSI colours, by their common xterm values.
    public static func ansi16(red: Int, green: Int, blue: Int) -> Int {
        let table: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        return table.indices.min { distance(table[$0], (red, green, blue)) < distance(table[$1], (red, green, blue)) } ?? 7
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return dr * dr + dg * dg + db * db
    }
}
