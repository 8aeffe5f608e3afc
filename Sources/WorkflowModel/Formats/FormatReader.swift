import Foundation
import YCRDT

/// Walks a ``FormatNode`` tree for one file, reads typed values out of it and collects every problem
/// with its path and line, so a reader can carry on past the first mistake.
struct FormatReader {
    let file: String
    private(set) var problems: [FormatProblem] = []
    /// Path → line and column of every value read, for messages about values found later (validation).
    private(set) var locations: [String: FormatLocation] = [:]

    init(file: String, problems: [FormatProblem] = []) {
        self.file = file
        self.problems = problems
    }

    mutating func report(
        _ kind: FormatProblem.Kind, _ path: FormatPath, line: Int?, column: Int?, _ message: String
    ) {
        problems.append(
            FormatProblem(
                file: file, path: path.description, line: line, column: column, kind: kind, message: message))
    }

    mutating func report(
        _ kind: FormatProblem.Kind, _ path: FormatPath, at node: FormatNode?, _ message: String
    ) {
        report(kind, path, line: node?.line, column: node?.column, message)
    }

    mutating func record(_ path: FormatPath, _ node: FormatNode) {
        if let line = node.line, locations[path.description] == nil {
            locations[path.description] = FormatLocation(line: line, column: node.column ?? 1)
        }
    }

    /// The problems found, in the order of the file (those without a line keep their place at the end).
    func error() -> FormatError? {
        guard !problems.isEmpty else { return nil }
        let sorted = problems.enumerated().sorted { a, b in
            let left = (a.element.line ?? .max, a.element.column ?? 0, a.offset)
            let right = (b.element.line ?? .max, b.element.column ?? 0, b.offset)
            return left < right
        }
        return FormatError(problems: sorted.map(\.element))
    }

    // MARK: Mappings

    /// The members of a mapping, first occurrence per key, with the keys it holds checked.
    struct Fields {
        let path: FormatPath
        let node: FormatNode
        let members: [FormatNode.Member]

        func member(_ key: String) -> FormatNode.Member? { members.first { $0.key == key } }
        subscript(key: String) -> FormatNode? { member(key)?.value }
        func has(_ key: String) -> Bool { member(key) != nil }
        /// Keys present with a null value.
        func isNull(_ key: String) -> Bool { self[key]?.isNull == true }
        var keys: [String] { members.map(\.key) }
    }

    /// Reads `node` as a mapping whose keys must be among `allowed`: reports each unknown key (with the
    /// nearest allowed one when it looks like a typo), each repeated key, and each `required` key that is
    /// missing. Returns nil, having reported it, when the node is not a mapping.
    mutating func fields(
        _ node: FormatNode, at path: FormatPath, allowed: [String], required: [String] = [], what: String
    ) -> Fields? {
        guard case .mapping(let members) = node.content else {
            report(.wrongType, path, at: node, "\(what) must be a mapping, not \(node.kindDescription)")
            return nil
        }
        record(path, node)
        var seen: [String: FormatNode.Member] = [:]
        var unique: [FormatNode.Member] = []
        for member in members {
            let memberPath = path / member.key
            if let first = seen[member.key] {
                report(
                    .duplicate, memberPath, line: member.keyLine, column: member.keyColumn,
                    "the key \"\(member.key)\" appears twice in \(what)\(first.keyLine.map { " (first on line \($0))" } ?? "")"
                )
                continue
            }
            seen[member.key] = member
            guard allowed.contains(member.key) else {
                report(
                    .unknownKey, memberPath, line: member.keyLine, column: member.keyColumn,
                    Self.unknownKeyMessage(member.key, allowed: allowed, what: what))
                continue
            }
            unique.append(member)
            // A scalar is pointed at where its value is; a mapping or list where its key is.
            if case .scalar = member.value.content, let line = member.value.line {
                locations[memberPath.description] = FormatLocation(
                    line: line, column: member.value.column ?? 1)
            } else if let line = member.keyLine {
                locations[memberPath.description] = FormatLocation(line: line, column: member.keyColumn ?? 1)
            }
        }
        for key in required where seen[key] == nil {
            report(.missingKey, path / key, at: node, "\(what) has no \"\(key)\"")
        }
        return Fields(path: path, node: node, members: unique)
    }

    static func unknownKeyMessage(_ key: String, allowed: [String], what: String) -> String {
        var message = "unknown key \"\(key)\" in \(what)"
        let near = allowed.filter { editDistance($0, key) <= max(1, min($0.count, key.count) / 3) }
            .min { editDistance($0, key) < editDistance($1, key) }
        if let near {
            message += "; did you mean \"\(near)\"?"
        } else {
            message += " (it may have: \(allowed.joined(separator: ", ")))"
        }
        return message
    }

    /// Levenshtein distance, for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Reads a mapping of named entries (`jobs`, `workflows`, …): absent or null is empty. Each entry's
    /// key is checked to be non-empty. Repeated keys are reported.
    mutating func keyedEntries(_ node: FormatNode?, at path: FormatPath, what: String) -> [FormatNode.Member]
    {
        guard let node, !node.isNull else { return [] }
        guard case .mapping(let members) = node.content else {
            report(
                .wrongType, path, at: node,
                "\(what) must be a mapping of names to entries, not \(node.kindDescription)")
            return []
        }
        record(path, node)
        var seen: [String: Int?] = [:]
        var entries: [FormatNode.Member] = []
        for member in members {
            if let firstLine = seen[member.key] {
                report(
                    .duplicate, path / member.key, line: member.keyLine, column: member.keyColumn,
                    "\"\(member.key)\" is defined twice in \(what)\(firstLine.map { " (first on line \($0))" } ?? "")"
                )
                continue
            }
            seen[member.key] = member.keyLine
            if member.key.trimmingCharacters(in: .whitespaces).isEmpty {
                report(
                    .invalidValue, path / member.key, line: member.keyLine, column: member.keyColumn,
                    "a key in \(what) is empty")
                continue
            }
            if let line = member.keyLine {
                locations[(path / member.key).description] = FormatLocation(
                    line: line, column: member.keyColumn ?? 1)
            }
            entries.append(member)
        }
        return entries
    }

    /// Reads a list: absent or null is nil.
    mutating func list(_ fields: Fields, _ key: String, what: String) -> [FormatNode]? {
        guard let node = fields[key], !node.isNull else { return nil }
        guard case .sequence(let items) = node.content else {
            report(
                .wrongType, fields.path / key, at: node, "\(what) must be a list, not \(node.kindDescription)"
            )
            return nil
        }
        return items
    }

    // MARK: Scalars

    /// A string value: absent or null is nil (reported when `required`). Any scalar is taken as its
    /// text; a mapping or list is refused.
    mutating func string(
        _ fields: Fields, _ key: String, required: Bool = false, nonEmpty: Bool = false
    ) -> String? {
        guard let node = fields[key] else { return nil }
        return string(node, at: fields.path / key, required: required, nonEmpty: nonEmpty)
    }

    mutating func string(
        _ node: FormatNode, at path: FormatPath, required: Bool = false, nonEmpty: Bool = false
    ) -> String? {
        if node.isNull {
            if required { report(.invalidValue, path, at: node, "must not be null") }
            return nil
        }
        guard case .scalar(let text, _) = node.content else {
            report(.wrongType, path, at: node, "must be a string, not \(node.kindDescription)")
            return nil
        }
        if nonEmpty && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            report(.invalidValue, path, at: node, "must not be empty")
        }
        return text
    }

    mutating func bool(_ fields: Fields, _ key: String) -> Bool? {
        guard let node = fields[key], !node.isNull else { return nil }
        if case .scalar(let text, true) = node.content, let value = FormatNode.boolValue(text) {
            return value
        }
        report(.wrongType, fields.path / key, at: node, "must be true or false, not \(Self.shown(node))")
        return nil
    }

    mutating func integer(_ fields: Fields, _ key: String) -> Int? {
        guard let node = fields[key], !node.isNull else { return nil }
        if case .scalar(let text, true) = node.content, let value = Int(text) { return value }
        report(.wrongType, fields.path / key, at: node, "must be a whole number, not \(Self.shown(node))")
        return nil
    }

    /// One of `Value`'s raw values; anything else is refused, naming the values allowed.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ fields: Fields, _ key: String, as type: Value.Type, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let text = string(fields, key, required: required) else { return nil }
        if let value = Value(rawValue: text) { return value }
        report(
            .invalidValue, fields.path / key, at: fields[key],
            "\"\(text)\" is not one of \(Value.allCases.map { $0.rawValue }.joined(separator: ", "))")
        return nil
    }

    mutating func stringList(_ fields: Fields, _ key: String) -> [String]? {
        guard let items = list(fields, key, what: "\"\(key)\"") else { return nil }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, at: fields.path.appending(key).appending(index: index), required: true)
            {
                strings.append(text)
            }
        }
        return strings
    }

    /// A mapping kept as it is (for server fields Weft does not model but writes back).
    func verbatim(_ fields: Fields, _ key: String) -> YAny? {
        fields[key].map(\.anyValue)
    }

    static func shown(_ node: FormatNode) -> String {
        if case .scalar(let text, let token) = node.content, text.count <= 40 {
            return token ? text : "\"\(text)\""
        }
        return node.kindDescription
    }
}

/// A line and column in a file, 1-based.
public struct FormatLocation: Hashable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
