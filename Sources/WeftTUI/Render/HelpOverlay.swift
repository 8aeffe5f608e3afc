/// The `?` overlay: the key table, grouped, generated from the same ``Keymap`` dispatch uses, then the
/// body editor's keys from the same ``BodyKeymap`` its dispatch uses.
public enum HelpOverlay {
    /// The title of the body editor's group.
    public static let bodyGroup = "In a body (b)"

    /// The overlay's lines.
    public static func lines(_ keymap: Keymap, body: BodyKeymap = .standard) -> [StyledLine] {
        var groups: [String] = []
        for binding in keymap.bindings where !groups.contains(binding.group) { groups.append(binding.group) }
        let keyWidth =
            (keymap.bindings.map { keysText($0.keys).count } + body.bindings.map { keysText($0.keys).count }).max()
            ?? 10
        func row(_ keys: [Key], _ help: String) -> StyledLine {
            let text = keysText(keys)
            return StyledLine([
                .init("  " + text + String(repeating: " ", count: keyWidth - text.count + 2), .helpKey),
                .init(help),
            ])
        }
        var lines: [StyledLine] = []
        for group in groups {
            if !lines.isEmpty { lines.append(.empty) }
            lines.append(StyledLine(group, .title))
            for binding in keymap.bindings where binding.group == group {
                lines.append(row(binding.keys, binding.help))
            }
        }
        lines.append(.empty)
        lines.append(StyledLine(bodyGroup, .title))
        for binding in body.bindings { lines.append(row(binding.keys, binding.help)) }
        lines.append(StyledLine("  Other printable keys type themselves; a terminal paste is one edit.", .muted))
        lines.append(.empty)
        lines.append(StyledLine("In the search (/): type to jump, Enter keeps, Esc goes back.", .muted))
        lines.append(StyledLine("In the form (Enter): j k pick a field, Enter types it or steps a choice,", .muted))
        lines.append(StyledLine("  Space flips yes/no, Esc leaves; while typing Enter keeps, Esc cancels.", .muted))
        lines.append(StyledLine("The mouse is left to the terminal: select text to copy as usual.", .muted))
        return lines
    }

    static func keysText(_ keys: [Key]) -> String { keys.map(\.description).joined(separator: " ") }
}

extension Keymap {
    /// The key table as Markdown rows (`| keys | what they do |`), for docs/editor.md.
    public var markdownRows: String {
        bindings.map { binding in
            let keys = binding.keys.map { "`\($0.description)`" }.joined(separator: " ")
            return "| \(keys) | \(binding.help) |"
        }.joined(separator: "\n")
    }
}
