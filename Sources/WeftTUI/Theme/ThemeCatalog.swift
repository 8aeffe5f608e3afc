import Foundation

/// Finds themes by name or path and resolves what they inherit.
///
/// A name is looked up in the user's folder (`$XDG_CONFIG_HOME/weft/themes/NAME.toml`) first, then
/// among the ``BuiltInThemes``; an argument with a `/` or ending in `.toml` is a file. Reading is
/// the only I/O; it happens once, when the editor starts.
public struct ThemeCatalog: Sendable {
    /// The user's themes folder, or nil for built-in themes only.
    public var userDirectory: String?

    public init(userDirectory: String?) {
        self.userDirectory = userDirectory
    }

    /// `$XDG_CONFIG_HOME/weft/themes`, or `~/.config/weft/themes`.
    public static func userThemesDirectory(environment: [String: String], homeDirectory: String) -> String {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? homeDirectory + "/.config"
        return configHome + "/weft/themes"
    }

    /// The names of the themes there are: built-in ones and the user's.
    public var availableNames: [String] {
        var names = Set(BuiltInThemes.texts.keys)
        if let userDirectory, let files = try? FileManager.default.contentsOfDirectory(atPath: userDirectory) {
            for file in files where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// The theme `nameOrPath` with everything it inherits merged in.
    ///
    /// - Throws: ``ThemeError`` when there is no such theme, a file is not TOML, or inheritance loops.
    public func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        var chain: [Theme] = []
        var next: String? = nameOrPath
        var seen: Set<String> = []
        while let reference = next {
            guard seen.insert(reference).inserted, chain.count < 8 else {
                throw ThemeError("theme \(nameOrPath) inherits in a loop (\(chain.map(\.name).joined(separator: " → ")))")
            }
            let (text, source) = try self.text(for: reference)
            var theme = try ThemeParser.parse(text, source: source)
            if theme.name.isEmpty { theme.name = Self.nameFromReference(reference) }
            chain.append(theme)
            next = theme.inherits
        }
        var result = chain.removeLast()
        while let child = chain.popLast() { result = child.merged(over: result) }
        return result
    }

    private func text(for reference: String) throws(ThemeError) -> (String, String) {
        if reference.contains("/") || reference.hasSuffix(".toml") {
            guard let data = FileManager.default.contents(atPath: reference) else {
                throw ThemeError("cannot read the theme file \(reference)")
            }
            return (String(decoding: data, as: UTF8.self), reference)
        }
        if let userDirectory {
            let path = userDirectory + "/" + reference + ".toml"
            if let data = FileManager.default.contents(atPath: path) {
                return (String(decoding: data, as: UTF8.self), path)
            }
        }
        if let text = BuiltInThemes.texts[reference] { return (text, "built-in theme \(reference)") }
        throw ThemeError(
            "no theme \(reference) (there are: \(availableNames.joined(separator: ", ")); or give a path to a .toml file)")
    }

    private static func nameFromReference(_ reference: String) -> String {
        let file = reference.split(separator: "/").last.map(String.init) ?? reference
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
    }

    /// The built-in default theme (never fails: a test proves it parses).
    public static var defaultTheme: Theme {
        (try? ThemeCatalog(userDirectory: nil).load("default")) ?? Theme(name: "default")
    }

    /// The built-in monochrome theme.
    public static var monochromeTheme: Theme {
        (try? ThemeCatalog(userDirectory: nil).load("mono")) ?? Theme(name: "mono")
    }
}
