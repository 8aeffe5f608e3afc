/// The themes of the top-level `themes/` folder, carried in the binary so that `weft edit` starts
/// without that folder. `BuiltInThemeTests` keeps these texts equal to the files; after changing a
/// file, copy it here.
public enum BuiltInThemes {
    /// The texts by theme name.
    public static let texts: [String: String] = [
        "default": #"""
            # Weft's default colour theme for `weft edit`.
            #
            # It names only the 16 ANSI colours and "default" (the terminal's own foreground or background), so it
            # follows the user's terminal palette, light or dark. Themes with exact RGB colours live beside it and
            # start with `inherits = "default"`, overriding only what they change.

            name = "default"

            # Named colours that the styles below refer to. A value is an ANSI name (black, red, green, yellow, blue,
            # magenta, cyan, white, or bright- before any of them), "default", or a table
            # { rgb = "#rrggbb", ansi = "name" }: the RGB colour on 256-colour terminals, the ANSI one on 8 or 16.
            [palette]
            fg = "default"
            bg = "default"
            muted = "bright-black"
            accent = "cyan"
            ok = "green"
            fail = "red"
            warn = "yellow"
            info = "blue"
            expression = "magenta"

            # Styles by role. A role is a dotted name; one that a theme does not give falls back to its longest
            # prefix (`edge.on_job_failure`, then `edge`). Each style may set fg and bg (palette names) and modifiers
            # (bold, dim, reverse, underline). Colour is never the only signal: edges also differ in line and glyph.
            [styles]
            "text" = { fg = "fg" }
            "muted" = { fg = "muted" }
            "accent" = { fg = "accent", modifiers = ["bold"] }
            "alert" = { fg = "fail", modifiers = ["bold"] }
            "selection" = { modifiers = ["reverse"] }

            "border" = { fg = "muted" }
            "border.focused" = { fg = "accent" }
            "title" = { fg = "accent", modifiers = ["bold"] }

            "node.trigger" = { fg = "info" }
            "node.job" = { fg = "fg" }
            "node.selected" = { modifiers = ["reverse", "bold"] }
            "node.invalid" = { fg = "fail", modifiers = ["underline"] }
            "node.changed" = { fg = "warn", modifiers = ["bold"] }

            "edge" = { fg = "muted" }
            "edge.always" = { fg = "fg" }
            "edge.on_job_success" = { fg = "ok" }
            "edge.on_job_failure" = { fg = "fail" }
            "edge.js_expression" = { fg = "expression" }
            "edge.disabled" = { fg = "muted", modifiers = ["dim"] }
            "edge.selected" = { fg = "accent", modifiers = ["bold"] }

            "code" = { fg = "fg" }
            "code.line_number" = { fg = "muted" }
            "code.cursor" = { modifiers = ["reverse"] }

            "status" = { modifiers = ["reverse"] }
            "status.dirty" = { fg = "fail", modifiers = ["bold"] }
            "status.saved" = { fg = "ok" }
            "status.offline" = { fg = "fail", modifiers = ["bold"] }

            "toast.info" = { fg = "info" }
            "toast.warn" = { fg = "warn", modifiers = ["bold"] }
            "toast.error" = { fg = "fail", modifiers = ["bold"] }

            "field.name" = { fg = "muted" }
            "field.error" = { fg = "fail" }
            "help.key" = { fg = "accent", modifiers = ["bold"] }

            # Colours handed to the people on a workflow in turn (their cursor, selection and initials).
            [presence]
            colors = ["blue", "magenta", "green", "yellow", "cyan", "red"]
            """#,
        "light": #"""
            # Weft's theme for light terminal backgrounds: the default's roles, with colours that stay readable on
            # white (no bright-black or yellow text, which fade into a light background).

            name = "light"
            inherits = "default"

            [palette]
            muted = "black"
            accent = "blue"
            ok = "green"
            fail = "red"
            warn = "magenta"
            info = "blue"
            expression = "magenta"

            [styles]
            "muted" = { fg = "muted", modifiers = ["dim"] }
            "border" = { fg = "muted", modifiers = ["dim"] }
            "field.name" = { fg = "muted", modifiers = ["dim"] }
            "code.line_number" = { fg = "muted", modifiers = ["dim"] }
            "edge" = { fg = "muted" }
            """#,
        "high-contrast": #"""
            # Weft's high-contrast theme: bright colours, bold text, and the selection both reversed and
            # underlined, for low vision or a bright room.

            name = "high-contrast"
            inherits = "default"

            [palette]
            fg = "bright-white"
            muted = "white"
            accent = "bright-cyan"
            ok = "bright-green"
            fail = "bright-red"
            warn = "bright-yellow"
            info = "bright-blue"
            expression = "bright-magenta"

            [styles]
            "text" = { fg = "fg", modifiers = ["bold"] }
            "node.job" = { fg = "fg", modifiers = ["bold"] }
            "node.trigger" = { fg = "info", modifiers = ["bold"] }
            "node.selected" = { modifiers = ["reverse", "bold", "underline"] }
            "edge" = { fg = "fg", modifiers = ["bold"] }
            "edge.selected" = { fg = "accent", modifiers = ["bold", "underline"] }
            "border" = { fg = "fg" }
            "border.focused" = { fg = "accent", modifiers = ["bold"] }
            "status" = { modifiers = ["reverse", "bold"] }

            [presence]
            colors = ["bright-blue", "bright-magenta", "bright-green", "bright-yellow", "bright-cyan", "bright-red"]
            """#,
        "mono": #"""
            # Weft's monochrome theme: no colour at all, only reverse, bold, dim and underline, in the terminal's
            # own foreground and background (htop's Monochrome scheme). Used when NO_COLOR is set or the terminal
            # has no colours. Everything colour says elsewhere is said here by glyphs: edges differ in stroke and
            # label, people by initials, the unsaved marker is [+].

            name = "mono"

            [styles]
            "text" = {}
            "muted" = { modifiers = ["dim"] }
            "accent" = { modifiers = ["bold"] }
            "alert" = { modifiers = ["bold"] }
            "selection" = { modifiers = ["reverse"] }

            "border" = { modifiers = ["dim"] }
            "border.focused" = { modifiers = ["bold"] }
            "title" = { modifiers = ["bold"] }

            "node.trigger" = {}
            "node.job" = {}
            "node.selected" = { modifiers = ["reverse", "bold"] }
            "node.invalid" = { modifiers = ["underline"] }
            "node.changed" = { modifiers = ["bold"] }

            "edge" = {}
            "edge.disabled" = { modifiers = ["dim"] }
            "edge.selected" = { modifiers = ["bold", "underline"] }

            "code" = {}
            "code.line_number" = { modifiers = ["dim"] }
            "code.cursor" = { modifiers = ["reverse"] }

            "status" = { modifiers = ["reverse"] }
            "status.dirty" = { modifiers = ["reverse", "bold"] }
            "status.saved" = { modifiers = ["reverse"] }
            "status.offline" = { modifiers = ["reverse", "bold"] }

            "toast.info" = {}
            "toast.warn" = { modifiers = ["bold"] }
            "toast.error" = { modifiers = ["bold", "underline"] }

            "field.name" = { modifiers = ["dim"] }
            "field.error" = { modifiers = ["bold"] }
            "help.key" = { modifiers = ["bold"] }
            """#,
    ]
}
