import Foundation
import YCRDT
import Yams

/// A parsed YAML or JSON document as one tree, so every format is read by the same checked code.
///
/// Scalars keep their text and whether they were a *token*: a plain YAML scalar that resolves to
/// something other than a string (`true`, `12`, `null`, an empty value), or a JSON number, `true`,
/// `false` or `null`. Quoted scalars and plain text are strings. Readers interpret a scalar by what
/// they expect there: a token where a string belongs is taken as its text (YAML 1.2 reads `yes` as a
/// string, and so does OpenFn's CLI), a string where a number or boolean belongs is refused.
struct FormatNode: Sendable {
    enum Content: Sendable {
        case scalar(String, token: Bool)
        case sequence([FormatNode])
        case mapping([Member])
    }

    struct Member: Sendable {
        var key: String
        var keyLine: Int?
        var keyColumn: Int?
        var value: FormatNode
    }

    var content: Content
    var line: Int?
    var column: Int?

    init(_ content: Content, line: Int? = nil, column: Int? = nil) {
        self.content = content
        self.line = line
        self.column = column
    }

    static func string(_ text: String) -> FormatNode { FormatNode(.scalar(text, token: false)) }
    static func token(_ text: String) -> FormatNode { FormatNode(.scalar(text, token: true)) }
    static let null = FormatNode.token("null")
    static func bool(_ value: Bool) -> FormatNode { .token(value ? "true" : "false") }
    static func integer(_ value: Int) -> FormatNode { .token(String(value)) }
    static func mapping(_ members: [(String, FormatNode)]) -> FormatNode {
        FormatNode(.mapping(members.map { Member(key: $0.0, value: $0.1) }))
    }
    static func sequence(_ items: [FormatNode]) -> FormatNode { FormatNode(.sequence(items)) }

    /// Whether this is `null`, `~` or an empty plain scalar (or JSON's `null`).
    var isNull: Bool {
        if case .scalar(let text, true) = content { return Self.nullSpellings.contains(text) }
        return false
    }

    static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// What this node is, for messages: "a string", "a mapping", "null".
    var kindDescription: String {
        switch content {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let text, let token):
            if !token {
                "a string"
            } else if Self.nullSpellings.contains(text) {
                "null"
            } else if Self.boolValue(text) != nil {
                "a boolean"
            } else if Int(text) != nil || Double(text) != nil {
                "a number"
            } else {
                "a string"
            }
        }
    }

    /// `true`/`false` in the spellings of YAML 1.2's core schema (which JSON's are among).
    static func boolValue(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// The same tree as a `YAny`, for values kept verbatim (server fields, allowed keys Weft does not model).
    var anyValue: YAny {
        switch content {
        case .mapping(let members):
            return .object(YObject(members.map { (key: $0.key, value: $0.value.anyValue) }))
        case .sequence(let items):
            return .array(items.map(\.anyValue))
        case .scalar(let text, let token):
            guard token else { return .string(text) }
            if Self.nullSpellings.contains(text) { return .null }
            if let flag = Self.boolValue(text) { return .bool(flag) }
            if let integer = Int64(text) { return .integer(integer) }
            if let number = Double(text) { return .double(number) }
            return .string(text)
        }
    }

    /// A tree for a `YAny` value, the other way.
    init(any value: YAny) {
        switch value {
        case .undefined, .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let number), .bigInt(let number): self = .token(String(number))
        case .double(let number):
            self =
                number.isFinite
                ? .token(
                    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number))
                : .null
        case .string(let text): self = .string(text)
        case .binary(let bytes): self = .string(Data(bytes).base64EncodedString())
        case .array(let items): self = .sequence(items.map(FormatNode.init(any:)))
        case .object(let object): self = .mapping(object.entries.map { ($0.key, FormatNode(any: $0.value)) })
        }
    }
}

// MARK: - YAML

extension FormatNode {
    /// Composes YAML text into a tree, or returns the problem that stopped it (with its line).
    ///
    /// A key repeated in one block mapping stops Yams outright; to go on and find the file's other
    /// problems, the repeated entry is reported, blanked out (its lines kept, so every line number stays
    /// true) and the text composed again.
    static func parseYAML(_ text: String, file: String) -> (node: FormatNode?, problems: [FormatProblem]) {
        var text = text
        var repeated: [(key: String, firstLine: Int, line: Int, column: Int)] = []
        var root: Node?
        while true {
            do {
                root = try Yams.compose(yaml: text)
                break
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let key = duplicates.first ?? ""
                guard repeated.count < 100,
                    let second = blankRepeatedEntry(key: key, after: context.mark, in: &text)
                else {
                    return (
                        nil,
                        [
                            FormatProblem(
                                file: file, path: "", line: context.mark.line, column: context.mark.column,
                                kind: .duplicate,
                                message: "the key \"\(key)\" appears twice in one mapping")
                        ]
                    )
                }
                repeated.append((key, context.mark.line, second, context.mark.column))
            } catch let error as YamlError {
                return (nil, [Self.problem(from: error, file: file)])
            } catch {
                return (
                    nil,
                    [FormatProblem(file: file, path: "", kind: .syntax, message: "not valid YAML: \(error)")]
                )
            }
        }
        guard let root else {
            return (
                nil,
                [
                    FormatProblem(
                        file: file, path: "", line: 1, column: 1, kind: .syntax, message: "the file is empty")
                ]
            )
        }
        var problems: [FormatProblem] = []
        let node = convert(root, file: file, problems: &problems)
        for entry in repeated {
            let parent = node.pathOfMember(key: entry.key, line: entry.firstLine) ?? .root
            problems.append(
                FormatProblem(
                    file: file, path: (parent / entry.key).description, line: entry.line,
                    column: entry.column, kind: .duplicate,
                    message:
                        "the key \"\(entry.key)\" appears twice (first on line \(entry.firstLine)); only the first is read"
                ))
        }
        return (node, problems)
    }

    /// Blanks the second `key:` entry at the first one's column, below `first`, with the lines indented
    /// under it; returns its line, or nil when it cannot be found (a flow mapping, a quoted key).
    private static func blankRepeatedEntry(key: String, after first: Mark, in text: inout String) -> Int? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indent = first.column - 1
        let prefix = String(repeating: " ", count: indent) + key
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        guard first.line < lines.count,
            let index = lines[first.line...].firstIndex(where: { line in
                guard line.hasPrefix(prefix) else { return false }
                let rest = line.dropFirst(prefix.count).drop { $0 == " " }
                return rest.hasPrefix(":") && (rest.count == 1 || rest.dropFirst().first == " ")
            })
        else { return nil }
        lines[index] = ""
        var next = index + 1
        while next < lines.count, lines[next].allSatisfy({ $0 == " " }) || indentation(lines[next]) > indent {
            lines[next] = ""
            next += 1
        }
        text = lines.joined(separator: "\n")
        return index + 1
    }

    /// The path of the mapping that holds `key` written on `line`.
    func pathOfMember(key: String, line: Int, at path: FormatPath = .root) -> FormatPath? {
        switch content {
        case .scalar: return nil
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                if let found = item.pathOfMember(key: key, line: line, at: path.appending(index: index)) {
                    return found
                }
            }
            return nil
        case .mapping(let members):
            if members.contains(where: { $0.key == key && $0.keyLine == line }) { return path }
            for member in members {
                if let found = member.value.pathOfMember(key: key, line: line, at: path / member.key) {
                    return found
                }
            }
            return nil
        }
    }

    private static func convert(_ node: Node, file: String, problems: inout [FormatProblem]) -> FormatNode {
        let line = node.mark?.line
        let column = node.mark?.column
        switch node {
        case .scalar(let scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            let token = plain && node.tag.rawValue != Tag.Name.str.rawValue
            return FormatNode(.scalar(scalar.string, token: token), line: line, column: column)
        case .sequence(let sequence):
            return FormatNode(
                .sequence(sequence.map { convert($0, file: file, problems: &problems) }), line: line,
                column: column)
        case .mapping(let mapping):
            var members: [Member] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    problems.append(
                        FormatProblem(
                            file: file, path: "", line: key.mark?.line, column: key.mark?.column,
                            kind: .syntax,
                            message:
                                "a mapping key must be a plain string, not a \(key.mapping != nil ? "mapping" : "list")"
                        ))
                    continue
                }
                members.append(
                    Member(
                        key: keyScalar.string, keyLine: key.mark?.line, keyColumn: key.mark?.column,
                        value: convert(value, file: file, problems: &problems)))
            }
            return FormatNode(.mapping(members), line: line, column: column)
        case .alias:
            problems.append(
                FormatProblem(
                    file: file, path: "", line: line, column: column, kind: .syntax,
                    message: "YAML aliases (*name) are not supported in project files"))
            return FormatNode(.scalar("", token: true), line: line, column: column)
        }
    }

    private static func problem(from error: YamlError, file: String) -> FormatProblem {
        func make(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> FormatProblem {
            var message = "not valid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return FormatProblem(
                file: file, path: "", line: mark.line, column: mark.column, kind: .syntax, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return make(problem, mark, context)
        case .parser(let context, let problem, let mark, _): return make(problem, mark, context)
        case .composer(let context, let problem, let mark, _): return make(problem, mark, context)
        case .reader(let problem, _, _, _):
            return FormatProblem(
                file: file, path: "", kind: .syntax, message: "cannot read the text: \(problem)")
        default:
            return FormatProblem(file: file, path: "", kind: .syntax, message: "not valid YAML: \(error)")
        }
    }
}

// MARK: - JSON

extension FormatNode {
    /// Parses JSON (RFC 8259) into a tree with lines and columns, keeping key order and repeated keys
    /// (which readers then report). A leading byte-order mark is skipped.
    static func parseJSON(_ text: String, file: String) -> Result<FormatNode, FormatError> {
        var parser = JSONTreeParser(bytes: Array(text.utf8))
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(
                FormatError(problems: [
                    FormatProblem(
                        file: file, path: "", line: error.line, column: error.column, kind: .syntax,
                        message: "not valid JSON: \(error.message)")
                ]))
        }
    }
}

private struct JSONSyntaxError: Error {
    var message: String
    var line: Int
    var column: Int
}

/// A small recursive-descent JSON parser over UTF-8 bytes that tracks line and column (in Unicode
/// scalars, as YAML's marks are).
private struct JSONTreeParser {
    let bytes: [UInt8]
    var offset = 0
    var line = 1
    var column = 1
    var depth = 0
    static let maximumDepth = 512

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> FormatNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        skipWhitespace()
        guard offset < bytes.count else { throw failure("the file is empty") }
        let value = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else {
            throw failure("unexpected \(describeCurrent()) after the end of the value")
        }
        return value
    }

    func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, line: line, column: column)
    }

    func describeCurrent() -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }

    mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard offset < bytes.count, bytes[offset] == byte else {
            throw failure("expected \(what), found \(describeCurrent())")
        }
        advance()
    }

    mutating func parseValue() throws(JSONSyntaxError) -> FormatNode {
        guard offset < bytes.count else { throw failure("unexpected end of file") }
        let startLine = line
        let startColumn = column
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            return FormatNode(.mapping(try parseObject()), line: startLine, column: startColumn)
        case UInt8(ascii: "["):
            return FormatNode(.sequence(try parseArray()), line: startLine, column: startColumn)
        case UInt8(ascii: "\""):
            return FormatNode(.scalar(try parseString(), token: false), line: startLine, column: startColumn)
        case UInt8(ascii: "t"):
            try literal("true")
            return FormatNode(.scalar("true", token: true), line: startLine, column: startColumn)
        case UInt8(ascii: "f"):
            try literal("false")
            return FormatNode(.scalar("false", token: true), line: startLine, column: startColumn)
        case UInt8(ascii: "n"):
            try literal("null")
            return FormatNode(.scalar("null", token: true), line: startLine, column: startColumn)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return FormatNode(.scalar(try parseNumber(), token: true), line: startLine, column: startColumn)
        default:
            throw failure("unexpected \(describeCurrent())")
        }
    }

    mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - offset >= expected.count,
            Array(bytes[offset..<offset + expected.count]) == expected
        else {
            throw failure("unexpected \(describeCurrent())")
        }
        for _ in expected { advance() }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw failure("nested more than \(Self.maximumDepth) levels deep") }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> [FormatNode.Member] {
        try enter()
        defer { depth -= 1 }
        advance()  // {
        var members: [FormatNode.Member] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            advance()
            return members
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw failure("expected a key in double quotes, found \(describeCurrent())")
            }
            let keyLine = line
            let keyColumn = column
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key")
            skipWhitespace()
            let value = try parseValue()
            members.append(FormatNode.Member(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file inside an object") }
            if bytes[offset] == UInt8(ascii: ",") {
                advance()
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return members
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> [FormatNode] {
        try enter()
        defer { depth -= 1 }
        advance()  // [
        var items: [FormatNode] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            advance()
            return items
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file inside a list") }
            if bytes[offset] == UInt8(ascii: ",") {
                advance()
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return items
        }
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = offset
        func digits(_ parser: inout JSONTreeParser) -> Int {
            var count = 0
            while parser.offset < parser.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.offset])
            {
                parser.advance()
                count += 1
            }
            return count
        }
        if bytes[offset] == UInt8(ascii: "-") { advance() }
        guard offset < bytes.count else { throw failure("a number ends after '-'") }
        if bytes[offset] == UInt8(ascii: "0") {
            advance()
        } else if digits(&self) == 0 {
            throw failure("expected a digit, found \(describeCurrent())")
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            advance()
            guard digits(&self) > 0 else {
                throw failure("expected a digit after '.', found \(describeCurrent())")
            }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            advance()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")
            {
                advance()
            }
            guard digits(&self) > 0 else {
                throw failure("expected a digit in the exponent, found \(describeCurrent())")
            }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        func flushRun(_ parser: JSONTreeParser, upTo end: Int, into scalars: inout String.UnicodeScalarView) {
            if end > runStart {
                scalars.append(
                    contentsOf: String(decoding: parser.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard offset < bytes.count else {
                throw failure("a string is not closed before the end of the file")
            }
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                flushRun(self, upTo: offset, into: &scalars)
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flushRun(self, upTo: offset, into: &scalars)
                advance()
                scalars.append(try parseEscape())
                runStart = offset
            case 0x00..<0x20:
                throw failure(
                    "a control character (0x\(String(byte, radix: 16, uppercase: true))) must be escaped inside a string"
                )
            default:
                advance()
            }
        }
    }

    mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard offset < bytes.count else { throw failure("a string is not closed before the end of the file") }
        let byte = bytes[offset]
        advance()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hex4()
            if (0xD800...0xDBFF).contains(first) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else {
                    throw failure(
                        "\\u\(String(first, radix: 16)) is half of a surrogate pair without its other half")
                }
                advance()
                advance()
                let second = try hex4()
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw failure("\\u\(String(first, radix: 16)) is not followed by a low surrogate")
                }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Unicode.Scalar(value)!
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw failure(
                    "\\u\(String(first, radix: 16)) is half of a surrogate pair without its other half")
            }
            return scalar
        default:
            offset -= 1
            column -= 1
            throw failure("unknown escape \\\(describeCurrent())")
        }
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = hexValue(bytes[offset]) else {
                throw failure("expected four hex digits after \\u, found \(describeCurrent())")
            }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
