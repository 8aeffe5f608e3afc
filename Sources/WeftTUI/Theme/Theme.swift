/// A colour theme: a palette of named colours and a style for each role of the screen, as a theme
/// file (`themes/NAME.toml`) writes it. Resolve it for a terminal with ``resolved(depth:)``.
///
/// A theme may `inherits` another: its palette and styles are merged over the parent's, key by key,
/// before roles are looked up (helix's rule). A role with no style of its own takes its longest
/// dotted prefix's (`edge.on_job_failure`, then `edge`), then `text`'s.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var inherits: String?
    public var palette: [String: PaletteColour]
    public var styles: [String: StyleSpec]
    /// Colours (palette names or colour names) handed to collaborators in turn.
    public var presenceColours: [String]
    /// Unknown keys and values that were ignored, for a message in the editor.
    public var warnings: [String]

    public init(
        name: String, inherits: String? = nil, palette: [String: PaletteColour] = [:],
        styles: [String: StyleSpec] = [:], presenceColours: [String] = [], warnings: [String] = []
    ) {
        self.name = name
        self.inherits = inherits
        self.palette = palette
        self.styles = styles
        self.presenceColours = presenceColours
        self.warnings = warnings
    }

    /// This theme over `parent`: the parent's palette, styles and presence colours, with this
    /// theme's on top.
    public func merged(over parent: Theme) -> Theme {
        Theme(
            name: name, inherits: nil, palette: parent.palette.merging(palette) { $1 },
            styles: parent.styles.merging(styles) { $1 },
            presenceColours: presenceColours.isEmpty ? parent.presenceColours : presenceColours,
            warnings: parent.warnings + warnings)
    }

    /// Whether no role has a colour: the monochrome scheme of htop, attributes only.
    public var isMonochrome: Bool {
        styles.values.allSatisfy { $0.foreground == nil && $0.background == nil } && presenceColours.isEmpty
    }

    /// The style of the role named `name`: its own, its longest prefix's, or `text`'s.
    public func style(named name: String) -> StyleSpec {
        var key = Substring(name)
        while true {
            if let style = styles[String(key)] { return style }
            guard let dot = key.lastIndex(of: ".") else { break }
            key = key[..<dot]
        }
        return styles["text"] ?? StyleSpec()
    }
}

/// A colour as a theme file names it.
public enum PaletteColour: Hashable, Sendable {
    /// The terminal's own foreground or background (keeps transparency and the user's palette).
    case terminalDefault
    /// One of the 16 ANSI colours: 0–7 normal, 8–15 bright.
    case ansi(Int)
    /// An exact colour; `ansi` is the ANSI colour to use on 8- and 16-colour terminals (the
    /// nearest one when nil).
    case rgb(red: Int, green: Int, blue: Int, ansi: Int?)
}

/// How a role looks, as a theme file writes it: palette names or colour names, and modifiers.
public struct StyleSpec: Hashable, Sendable {
    public var foreground: String?
    public var background: String?
    public var modifiers: Set<TextModifier>

    public init(foreground: String? = nil, background: String? = nil, modifiers: Set<TextModifier> = []) {
        self.foreground = foreground
        self.background = background
        self.modifiers = modifiers
    }
}

/// An attribute of text that needs no colour.
public enum TextModifier: String, Hashable, Sendable, CaseIterable {
    case bold, dim, reverse, underline, italic
}
