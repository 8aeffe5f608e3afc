import TOMLKit

/// Why a theme could not be read.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads theme files (TOML, see `themes/README.md`). Unknown keys and unreadable values become
/// warnings on the theme, not errors; only a file that is not TOML fails.
public enum ThemeParser {
    public static func parse(_ text: String, source: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(
                "\(source):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw ThemeError("\(source): \(error)")
        }
        var theme = Theme(name: table["name"]?.string ?? "")
        var warnings: [String] = []
        for key in table.keys where !["name", "inherits", "palette", "styles", "presence"].contains(key) {
            warnings.append("\(source): unknown key \(key)")
        }
        theme.inherits = table["inherits"]?.string
        if let palette = table["palette"]?.table {
            for key in palette.keys {
                guard let value = palette[key] else { continue }
                if let name = value.string, let colour = colour(name) {
                    theme.palette[key] = colour
                } else if let entry = value.table, let colour = colour(entry) {
                    theme.palette[key] = colour
                } else {
                    warnings.append("\(source): palette.\(key) is not a colour")
                }
            }
        }
        if let styles = table["styles"]?.table {
            for role in styles.keys {
                guard let entry = styles[role]?.table else {
                    warnings.append("\(source): styles.\(role) is not a table")
                    continue
                }
                var spec = StyleSpec(foreground: entry["fg"]?.string, background: entry["bg"]?.string)
                for modifier in entry["modifiers"]?.array.map(Array.init) ?? [] {
                    if let name = modifier.string, let known = TextModifier(rawValue: name) {
                        spec.modifiers.insert(known)
                    } else {
                        warnings.append("\(source): styles.\(role) has an unknown modifier")
                    }
                }
                for colourName in [spec.foreground, spec.background].compactMap({ $0 })
                where theme.palette[colourName] == nil && colour(colourName) == nil {
                    warnings.append("\(source): styles.\(role) names an unknown colour \(colourName)")
                }
                theme.styles[role] = spec
            }
        }
        if let presence = table["presence"]?.table {
            theme.presenceColours = (presence["colors"]?.array.map(Array.init) ?? []).compactMap { $0.string }
        }
        theme.warnings = warnings
        return theme
    }

    static let ansiNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ]

    /// A colour written as a name: an ANSI name (`bright-` for 8–15), `default`, or `#rrggbb`.
    public static func colour(_ name: String) -> PaletteColour? {
        let lowered = name.lowercased()
        if lowered == "default" || lowered == "reset" { return .terminalDefault }
        if let index = ansiNames.firstIndex(of: lowered) { return .ansi(index) }
        if lowered.hasPrefix("bright-"), let index = ansiNames.firstIndex(of: String(lowered.dropFirst(7))) {
            return .ansi(index + 8)
        }
        if lowered == "gray" || lowered == "grey" { return .ansi(8) }
        if let (red, green, blue) = hex(lowered) { return .rgb(red: red, green: green, blue: blue, ansi: nil) }
        return nil
    }

    private static func colour(_ entry: TOMLTable) -> PaletteColour? {
        guard let rgb = entry["rgb"]?.string, let (red, green, blue) = hex(rgb.lowercased()) else {
            return entry["ansi"]?.string.flatMap(colour)
        }
        var ansi: Int?
        if case .ansi(let index)? = entry["ansi"]?.string.flatMap(colour) { ansi = index }
        return .rgb(red: red, green: green, blue: blue, ansi: ansi)
    }

    private static func hex(_ text: String) -> (Int, Int, Int)? {
        guard text.hasPrefix("#"), text.count == 7, let value = Int(text.dropFirst(), radix: 16) else { return nil }
        return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
    }
}
