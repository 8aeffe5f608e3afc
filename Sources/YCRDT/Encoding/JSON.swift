/// JSON text for ``YAny`` values, written as JavaScript's `JSON.stringify` writes it and read
/// tolerantly, keeping object key order.
///
/// Yjs stores embeds, format attributes, legacy JSON content and awareness states as JSON text;
/// writing it the way JavaScript does keeps our bytes equal to a Yjs peer's.
public enum JSON {
    /// Serialises a value like `JSON.stringify` (no whitespace). `undefined` inside an object is
    /// dropped, inside an array becomes `null`; at the top level it is the text `undefined`, as Yjs
    /// writes it for legacy JSON content.
    public static func stringify(_ value: YAny) -> String {
        var out = ""
        write(value, into: &out, topLevel: true)
        return out
    }

    private static func write(_ value: YAny, into out: inout String, topLevel: Bool = false) {
        switch value {
        case .undefined: out += topLevel ? "undefined" : "null"
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let number), .bigInt(let number): out += String(number)
        case .double(let number): out += formatNumber(number)
        case .string(let text): writeString(text, into: &out)
        case .binary(let bytes):
            // JSON.stringify of a Uint8Array gives an object keyed by index.
            out += "{"
            for (index, byte) in bytes.enumerated() {
                if index > 0 { out += "," }
                out += "\"\(index)\":\(byte)"
            }
            out += "}"
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            var first = true
            for (key, element) in object.entries where element != .undefined {
                if !first { out += "," }
                first = false
                writeString(key, into: &out)
                out += ":"
                write(element, into: &out)
            }
            out += "}"
        }
    }

    /// Formats a number as JavaScript does for the common cases (integral values without a fraction,
    /// shortest round-trip digits otherwise, `null` for non-finite values).
    static func formatNumber(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number.rounded() == number, number.magnitude < 1e21 {
            if number == 0 { return "0" }
            return String(Int64(number))
        }
        var text = "\(number)"
        if let exponent = text.firstIndex(of: "e") {
            let mantissa = text[..<exponent]
            var power = String(text[text.index(after: exponent)...])
            if !power.hasPrefix("-") && !power.hasPrefix("+") { power = "+" + power }
            text = mantissa + "e" + power
        }
        return text
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Why a text is not JSON.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Parses JSON text. Integral numbers without fraction or exponent become `.integer`; the bare
    /// word `undefined` is accepted at the top level (legacy Yjs JSON content).
    public static func parse(_ text: String) throws(ParseError) -> YAny {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        if parser.bytes[parser.position...].elementsEqual("undefined".utf8) { return .undefined }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else {
            throw ParseError(offset: parser.position, reason: "trailing characters")
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) {
                position += 1
            }
        }

        func fail(_ reason: String) -> ParseError { ParseError(offset: position, reason: reason) }

        mutating func expect(_ word: String) throws(ParseError) {
            for byte in word.utf8 {
                guard position < bytes.count, bytes[position] == byte else { throw fail("expected \(word)") }
                position += 1
            }
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> YAny {
            guard depth < 512 else { throw fail("nesting too deep") }
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "["):
                position += 1
                var elements: [YAny] = []
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                while true {
                    elements.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    guard position < bytes.count else { throw fail("unterminated array") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "]") {
                        position += 1
                        return .array(elements)
                    } else {
                        throw fail("expected , or ]")
                    }
                }
            case UInt8(ascii: "{"):
                position += 1
                var object = YObject()
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(object)
                }
                while true {
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                        throw fail("expected a key")
                    }
                    let key = try parseString()
                    skipWhitespace()
                    try expect(":")
                    object[key] = try parseValue(depth: depth + 1)
                    skipWhitespace()
                    guard position < bytes.count else { throw fail("unterminated object") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "}") {
                        position += 1
                        return .object(object)
                    } else {
                        throw fail("expected , or }")
                    }
                }
            default:
                return try parseNumber()
            }
        }

        mutating func parseNumber() throws(ParseError) -> YAny {
            let start = position
            var isIntegral = true
            while position < bytes.count {
                let byte = bytes[position]
                if (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                    position += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isIntegral = false
                    position += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if isIntegral, let integer = Int64(text) { return .integer(integer) }
            guard !text.isEmpty, let number = Double(text) else {
                position = start
                throw fail("unexpected character")
            }
            return .double(number)
        }

        mutating func parseString() throws(ParseError) -> String {
            position += 1
            var units: [UInt16] = []
            var runStart = position
            func flushRun(_ parser: Parser, _ units: inout [UInt16], _ from: Int) {
                units.append(contentsOf: String(decoding: parser.bytes[from..<parser.position], as: UTF8.self).utf16)
            }
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    flushRun(self, &units, runStart)
                    position += 1
                    return String(decoding: units, as: UTF16.self)
                }
                if byte == UInt8(ascii: "\\") {
                    flushRun(self, &units, runStart)
                    position += 1
                    guard position < bytes.count else { throw fail("unterminated escape") }
                    let escaped = bytes[position]
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "n"): units.append(0x0A)
                    case UInt8(ascii: "r"): units.append(0x0D)
                    case UInt8(ascii: "t"): units.append(0x09)
                    case UInt8(ascii: "b"): units.append(0x08)
                    case UInt8(ascii: "f"): units.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard position + 4 <= bytes.count,
                            let code = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                        else { throw fail("bad \\u escape") }
                        units.append(code)
                        position += 4
                    default: units.append(UInt16(escaped))
                    }
                    runStart = position
                    continue
                }
                position += 1
            }
        }
    }
}
