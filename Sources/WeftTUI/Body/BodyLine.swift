/// One line of a body seen three ways: grapheme clusters (what the cursor steps over), UTF-16
/// columns (what the document counts) and display columns (what the screen shows: ``DisplayWidth``,
/// with a tab reaching the next multiple of ``tabWidth``).
///
/// The cursor only ever stands on a grapheme boundary: an `é` made of two scalars, an emoji with its
/// modifiers or a flag are stepped over, deleted and measured as one.
enum BodyLine {
    /// Tab stops every this many columns (as the details pane shows tabs).
    static let tabWidth = 4

    /// A grapheme of a line and where it is.
    struct Glyph {
        var character: Character
        /// Its UTF-16 column in the line.
        var utf16: Int
        /// Its first display column in the line.
        var column: Int
        /// The display columns it takes (a tab: up to the next stop).
        var width: Int
    }

    /// The line's graphemes in order.
    static func glyphs(_ line: String) -> [Glyph] {
        var glyphs: [Glyph] = []
        var utf16 = 0
        var column = 0
        for character in line {
            let width = character == "\t" ? tabWidth - column % tabWidth : DisplayWidth.of(character)
            glyphs.append(Glyph(character: character, utf16: utf16, column: column, width: width))
            utf16 += character.utf16.count
            column += width
        }
        return glyphs
    }

    /// The grapheme boundary before UTF-16 `column` (0 at the start).
    static func boundary(in line: String, before column: Int) -> Int {
        var previous = 0
        var utf16 = 0
        for character in line {
            if utf16 >= column { break }
            previous = utf16
            utf16 += character.utf16.count
        }
        return utf16 < column ? utf16 : previous
    }

    /// The grapheme boundary after UTF-16 `column` (the line's length at the end).
    static func boundary(in line: String, after column: Int) -> Int {
        var utf16 = 0
        for character in line {
            utf16 += character.utf16.count
            if utf16 > column { return utf16 }
        }
        return utf16
    }

    /// The display column where UTF-16 `column` starts.
    static func displayColumn(in line: String, ofUTF16 column: Int) -> Int {
        var utf16 = 0
        var display = 0
        for character in line {
            if utf16 >= column { break }
            display += character == "\t" ? tabWidth - display % tabWidth : DisplayWidth.of(character)
            utf16 += character.utf16.count
        }
        return display
    }

    /// The UTF-16 column of the last grapheme boundary at or left of display column `target` (the
    /// line's end when it is shorter): where a cursor moving up or down lands.
    static func utf16Column(in line: String, atDisplay target: Int) -> Int {
        var utf16 = 0
        var display = 0
        for character in line {
            let width = character == "\t" ? tabWidth - display % tabWidth : DisplayWidth.of(character)
            if display + width > target { return utf16 }
            display += width
            utf16 += character.utf16.count
        }
        return utf16
    }

    /// The line's display width.
    static func width(_ line: String) -> Int { displayColumn(in: line, ofUTF16: Int.max) }

    /// Whether a character belongs to a word (for word moves): letters, digits, `_` and `$`.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$"
    }
}
