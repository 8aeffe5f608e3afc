import Foundation
import YCRDT

/// Writes ``FormatNode`` trees as YAML (in the style of Lightning's export) and as indented JSON.
enum FormatWriter {
    // MARK: YAML

    /// Keys whose string values are written as literal blocks (`|`) whenever the text can be.
    static let alwaysBlockKeys: Set<String> = ["body"]
    /// Keys whose string values are written as literal blocks when they span lines.
    static let multilineBlockKeys: Set<String> = ["description", "condition_expression", "content"]
    /// Keys whose values are always single-quoted, as Lightning writes them (`adaptor: '@openfn/…'`).
    static let quotedKeys: Set<String> = ["adaptor", "cron_expression"]

    /// YAML for a mapping tree, block style, two spaces per level, ending in a newline.
    static func yaml(_ root: FormatNode) -> String {
        var out = ""
        switch root.content {
        case .mapping(let members): writeMapping(members, indent: 0, into: &out)
        default: writeValue(root, key: nil, indent: 0, into: &out)
        }
        return out
    }

    private static func writeMapping(_ members: [FormatNode.Member], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for member in members {
            out += pad + yamlKey(member.key) + ":"
            writeValue(member.value, key: member.key, indent: indent, into: &out)
        }
    }

    /// Writes what follows `key:` (or `- `): a space and a scalar, or a newline and a nested block.
    private static func writeValue(_ node: FormatNode, key: String?, indent: Int, into out: inout String) {
        switch node.content {
        case .mapping(let members) where members.isEmpty:
            out += " {}\n"
        case .mapping(let members):
            out += "\n"
            writeMapping(members, indent: indent + 2, into: &out)
        case .sequence(let items) where items.isEmpty:
            out += " []\n"
        case .sequence(let items):
            out += "\n"
            let pad = String(repeating: " ", count: indent + 2)
            for item in items {
                if case .mapping(let members) = item.content, !members.isEmpty {
                    var nested = ""
                    writeMapping(members, indent: indent + 4, into: &nested)
                    out += pad + "- " + nested.dropFirst(indent + 4)
                } else {
                    out += pad + "-"
                    writeValue(item, key: nil, indent: indent + 2, into: &out)
                }
            }
        case .scalar(let text, true):
            out += " " + text + "\n"
        case .scalar(let text, false):
            if let key {
                let wantsBlock =
                    alwaysBlockKeys.contains(key) || (multilineBlockKeys.contains(key) && text.contains("\n"))
                if wantsBlock, let block = literalBlock(text, indent: indent) {
                    out += block
                    return
                }
                if quotedKeys.contains(key), isPrintableSingleLine(text) {
                    out += " " + singleQuoted(text) + "\n"
                    return
                }
            }
            out += " " + yamlScalar(text) + "\n"
        }
    }

    /// A string as a YAML scalar on one line: plain when that reads back as the same string, else
    /// single-quoted, else double-quoted with escapes.
    static func yamlScalar(_ text: String) -> String {
        if isPlainSafe(text) { return text }
        if isPrintableSingleLine(text) { return singleQuoted(text) }
        return doubleQuoted(text)
    }

    static func yamlKey(_ key: String) -> String { yamlScalar(key) }

    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if isPrintable(scalar) && !isYAMLLineBreak(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    out += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator when the text starts with
    /// white space) whose content is indented two spaces past `indent`; nil when the text
    /// cannot be written as one (characters YAML cannot hold literally, or nothing but line breaks).
    static func literalBlock(_ text: String, indent: Int) -> String? {
        guard
            text.unicodeScalars.allSatisfy({
                $0 == "\n" || $0 == "\t" || (isPrintable($0) && !isYAMLLineBreak($0) && $0 != "\r")
            })
        else { return nil }
        var content = Substring(text)
        var trailingBreaks = 0
        while content.hasSuffix("\n") {
            content = content.dropLast()
            trailingBreaks += 1
        }
        guard !content.isEmpty else { return nil }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let chomping = trailingBreaks == 0 ? "-" : trailingBreaks == 1 ? "" : "+"
        // Without an indicator a reader takes the indentation from the first line that is not empty, so
        // text that starts with a space, a tab or a blank line says how far it is indented.
        let needsIndicator = content.first.map { $0 == " " || $0 == "\t" || $0 == "\n" } ?? false
        let pad = String(repeating: " ", count: indent + 2)
        var out = " |" + (needsIndicator ? "2" : "") + chomping + "\n"
        for line in lines {
            out += line.isEmpty ? "\n" : pad + line + "\n"
        }
        if trailingBreaks > 1 { out += String(repeating: "\n", count: trailingBreaks - 1) }
        return out
    }

    /// Whether `text` reads back as this very string when written plain in block context, under YAML 1.1
    /// (Yams, PyYAML) and 1.2 (OpenFn's CLI) alike.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        guard isPrintableSingleLine(text), !text.unicodeScalars.contains("\t") else { return false }
        if first == " " || last == " " || last == ":" { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        if resolvesToNonString(text) { return false }
        return true
    }

    /// Whether a plain scalar with this text would be read as something other than a string: a
    /// boolean, null, number, timestamp or merge key in YAML 1.1 or 1.2.
    static func resolvesToNonString(_ text: String) -> Bool {
        let words: Set<String> = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
            "False", "FALSE",
            "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<", "=",
            ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN",
        ]
        if words.contains(text) { return true }
        // Anything that starts like a number (digits, a sign or a dot then a digit) may be one in some
        // resolver (sexagesimal, octal, binary, timestamps): quote it.
        let scalars = Array(text.unicodeScalars)
        var index = 0
        if scalars[index] == "+" || scalars[index] == "-" { index += 1 }
        if index < scalars.count, scalars[index] == "." { index += 1 }
        return index < scalars.count && ("0"..."9").contains(scalars[index])
    }

    static func isPrintableSingleLine(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { isPrintable($0) && !isYAMLLineBreak($0) && $0 != "\n" && $0 != "\r" }
    }

    /// YAML 1.1's printable set, less the byte-order mark.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0x10000...0x10FFFF: true
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        default: false
        }
    }

    /// Characters YAML 1.1 treats as line breaks inside scalars.
    static func isYAMLLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    // MARK: JSON

    /// Indented JSON (two spaces), ending in a newline.
    static func json(_ root: FormatNode) -> String {
        var out = ""
        writeJSON(root, indent: 0, into: &out)
        return out + "\n"
    }

    private static func writeJSON(_ node: FormatNode, indent: Int, into out: inout String) {
        let inner = String(repeating: " ", count: indent + 2)
        switch node.content {
        case .mapping(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += inner + jsonString(member.key) + ": "
                writeJSON(member.value, indent: indent + 2, into: &out)
                out += index + 1 < members.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        case .sequence(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                writeJSON(item, indent: indent + 2, into: &out)
                out += index + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .scalar(let text, true):
            out += jsonToken(text)
        case .scalar(let text, false):
            out += jsonString(text)
        }
    }

    /// A token as JSON: YAML's spellings of null and booleans become JSON's; numbers stay.
    private static func jsonToken(_ text: String) -> String {
        if FormatNode.nullSpellings.contains(text) { return "null" }
        if let flag = FormatNode.boolValue(text) { return flag ? "true" : "false" }
        return text
    }

    /// A string as a JSON literal, escaped as JavaScript's JSON.stringify escapes it.
    static func jsonString(_ text: String) -> String {
        JSON.stringify(.string(text))
    }
}
