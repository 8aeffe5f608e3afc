import Foundation
import TOMLKit

/// The user's settings for the editor, from `$XDG_CONFIG_HOME/weft/config.toml`
/// (`~/.config/weft/config.toml`):
///
/// ```toml
/// theme = "light"     # a theme name or a path to a .toml file
/// ascii = false       # draw with ASCII whatever the locale
/// ```
///
/// A missing file is no settings; a broken one is reported and ignored.
public struct EditorConfiguration: Hashable, Sendable {
    public var theme: String?
    public var ascii: Bool?
    /// What was wrong with the file, for a message.
    public var problems: [String] = []

    public init(theme: String? = nil, ascii: Bool? = nil) {
        self.theme = theme
        self.ascii = ascii
    }

    /// `$XDG_CONFIG_HOME/weft/config.toml`, or `~/.config/weft/config.toml`.
    public static func defaultPath(environment: [String: String], homeDirectory: String) -> String {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? homeDirectory + "/.config"
        return configHome + "/weft/config.toml"
    }

    /// The settings in the file at `path` (none when there is no file).
    public static func load(path: String) -> EditorConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { return EditorConfiguration() }
        return parse(String(decoding: data, as: UTF8.self), source: path)
    }

    static func parse(_ text: String, source: String) -> EditorConfiguration {
        var configuration = EditorConfiguration()
        do {
            let table = try TOMLTable(string: text)
            configuration.theme = table["theme"]?.string
            configuration.ascii = table["ascii"]?.bool
            for key in table.keys where key != "theme" && key != "ascii" {
                configuration.problems.append("\(source): unknown setting \(key)")
            }
        } catch {
            configuration.problems.append("\(source): not TOML (\(error)); ignored")
        }
        return configuration
    }

    /// The theme to use: the command line's, else this file's, else `mono` when `NO_COLOR` is set
    /// (no-color.org: user settings override it), else `default`.
    public func themeName(commandLine: String?, environment: [String: String]) -> String {
        if let commandLine { return commandLine }
        if let theme { return theme }
        return (environment["NO_COLOR"] ?? "").isEmpty ? "default" : "mono"
    }
}
