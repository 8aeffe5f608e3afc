import ArgumentParser
import Foundation
import YCRDT

struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc",
        abstract: "Look inside stored CRDT documents and Yjs updates.",
        subcommands: [DocInspect.self])
}

struct DocInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a Yjs update or snapshot as JSON, keyed by root name.",
        discussion: """
            FILE holds one Yjs update: a whole document (Y.encodeStateAsUpdate, pycrdt's \
            doc.get_update(), a snapshot the relay stored) or one change. It is applied to an empty \
            document and the result is printed as one JSON object with a key per root type.

            The bytes do not say what type a root is. Name it with --root NAME:KIND (map, array \
            or text; repeat the option for several roots). A root not named is shown with a guessed \
            type: a map if it only has keys, text if it only holds text, otherwise an array. Nested \
            maps, arrays and texts are shown as what they are.

            Values: numbers are JSON numbers, undefined is null, binary data is a base64 string.

            --structs adds a "structs" section read from the update itself: each client with its \
            clock range and struct counts per content kind, every struct (client, clock, length, \
            kind, content kind, parent, map key, origins, a short preview) and the delete set.

            Examples:
              weft doc inspect workflow.bin --root jobs:array --root workflow:map
              weft doc inspect --v2 --structs update-v2.bin
              cat snapshot.bin | weft doc inspect -

            Exit status: 0 on success, 1 when FILE cannot be read or is not a valid update.
            """)

    @Argument(help: ArgumentHelp("The update file to read, or - for standard input.", valueName: "file"))
    var file: String

    @Flag(help: "Read FILE as update v2 (Yjs's encodeStateAsUpdateV2) instead of v1.")
    var v2 = false

    @Option(
        name: .customLong("root"),
        help: ArgumentHelp(
            "Read root NAME as a map, array or text (repeatable).", valueName: "name:map|array|text"))
    var roots: [String] = []

    @Flag(help: "Add a \"structs\" section: clients, clock ranges, content kinds and the delete set.")
    var structs = false

    func validate() throws {
        _ = try Self.parseRoots(roots)
    }

    /// Parses `NAME:KIND` options. The kind follows the last colon, so a root name may hold colons.
    static func parseRoots(_ options: [String]) throws -> [String: RootKind] {
        var kinds: [String: RootKind] = [:]
        for option in options {
            guard let colon = option.lastIndex(of: ":") else {
                throw ValidationError("--root \(option): expected NAME:KIND, for example jobs:array")
            }
            let name = String(option[..<colon])
            let kindText = String(option[option.index(after: colon)...])
            guard let kind = RootKind(rawValue: kindText.lowercased()) else {
                throw ValidationError("--root \(option): the kind must be map, array or text, not \"\(kindText)\"")
            }
            if let earlier = kinds[name], earlier != kind {
                throw ValidationError("--root names \"\(name)\" both \(earlier.rawValue) and \(kind.rawValue)")
            }
            kinds[name] = kind
        }
        return kinds
    }

    func run() throws {
        let rootKinds = try Self.parseRoots(roots)
        let source = file == "-" ? "standard input" : file
        let bytes = try readInput(source: source)
        let format = v2 ? "update v2" : "update v1"

        let doc = Doc(clientID: 1)
        do {
            if v2 { try doc.applyUpdateV2(bytes) } else { try doc.applyUpdate(bytes) }
        } catch {
            fail("\(source) is not a valid Yjs \(format): \(error)\(otherFormatHint(bytes))")
        }

        guard case .object(var output) = doc.contentJSON(rootTypes: rootKinds) else { return }
        for name in rootKinds.keys.sorted() where !doc.rootNames.contains(name) {
            note("root \"\(name)\" is not in \(source); it is shown empty")
        }
        if doc.hasPendingUpdates {
            note(
                "some of \(source) depends on updates it does not hold; that part is not in the content"
                    + (structs ? "" : " (see it with --structs)"))
        }
        if structs {
            // The summary decodes the same bytes again; they decoded a moment ago.
            let summary = try Updates.inspect(bytes, v2: v2)
            var key = "structs"
            while output[key] != nil { key = "$" + key }
            if key != "structs" { note("a root is called \"structs\"; the struct listing is under \"\(key)\"") }
            output[key] = Self.json(summary)
        }
        FileHandleOutput.standardOutput(PrettyJSON.render(.object(output)))
    }

    // MARK: Input

    private func readInput(source: String) throws -> [UInt8] {
        if file == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            fail("cannot read \(file): no such file")
        }
        guard !isDirectory.boolValue else { fail("cannot read \(file): it is a directory") }
        guard FileManager.default.isReadableFile(atPath: file) else {
            fail("cannot read \(file): permission denied")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            fail("cannot read \(file): \(error.localizedDescription)")
        }
    }

    /// A hint when the bytes are valid in the format not asked for.
    private func otherFormatHint(_ bytes: [UInt8]) -> String {
        if v2 {
            return (try? Updates.inspect(bytes, v2: false)) != nil ? " (it reads as update v1: leave out --v2)" : ""
        }
        return (try? Updates.inspect(bytes, v2: true)) != nil ? " (it reads as update v2: pass --v2)" : ""
    }

    private func note(_ message: String) {
        FileHandleOutput.standardError("weft: note: \(message)\n")
    }

    private func fail(_ message: String) -> Never {
        FileHandleOutput.standardError("weft: \(message)\n")
        Foundation.exit(1)
    }

    // MARK: Struct listing

    static func json(_ summary: UpdateSummary) -> YAny {
        func id(_ id: ID) -> YAny { .string("\(id.client):\(id.clock)") }
        let clients: [YAny] = summary.clients.map { client in
            var counts = YObject()
            for kind in client.kindCounts.keys.sorted() { counts[kind] = .integer(Int64(client.kindCounts[kind]!)) }
            return .object([
                "client": .integer(Int64(client.client)),
                "firstClock": .integer(Int64(client.firstClock)),
                "lastClock": .integer(Int64(client.lastClock)),
                "structs": .integer(Int64(client.structCount)),
                "kinds": .object(counts),
            ])
        }
        let structs: [YAny] = summary.structs.map { item in
            var object: YObject = [
                "client": .integer(Int64(item.client)),
                "clock": .integer(Int64(item.clock)),
                "length": .integer(Int64(item.length)),
                "kind": .string(item.kind.rawValue),
            ]
            if let content = item.contentKind { object["content"] = .string(content) }
            switch item.parent {
            case .root(let name): object["parent"] = ["root": .string(name)]
            case .item(let parent): object["parent"] = ["item": id(parent)]
            case nil: break
            }
            if let key = item.parentSub { object["parentSub"] = .string(key) }
            if let origin = item.origin { object["origin"] = id(origin) }
            if let rightOrigin = item.rightOrigin { object["rightOrigin"] = id(rightOrigin) }
            if let preview = item.preview { object["preview"] = .string(preview) }
            return .object(object)
        }
        let deletes: [YAny] = summary.deletes.map { entry in
            .object([
                "client": .integer(Int64(entry.client)),
                "ranges": .array(
                    entry.ranges.map { .object(["clock": .integer(Int64($0.clock)), "length": .integer(Int64($0.length))]) }
                ),
            ])
        }
        return .object(["clients": .array(clients), "structs": .array(structs), "deleteSet": .array(deletes)])
    }
}

/// Indented JSON for people: a container that fits in the line is kept on one line (a flat row, such
/// as one struct of the listing, gets a wider line); numbers as JSON numbers (non-finite ones as
/// null, as JavaScript writes them), undefined as null, binary as base64.
enum PrettyJSON {
    static let lineWidth = 100
    static let rowWidth = 200

    static func render(_ value: YAny) -> String {
        var out = ""
        write(value, indent: 0, column: 0, expand: true, into: &out)
        out += "\n"
        return out
    }

    /// Writes `value` whose first line starts at `column`; its other lines are indented by `indent`.
    private static func write(_ value: YAny, indent: Int, column: Int, expand: Bool = false, into out: inout String) {
        let width = isRow(value) ? rowWidth : lineWidth
        if !expand, let line = oneLine(value, budget: width - column) {
            out += line
            return
        }
        let inner = String(repeating: " ", count: indent + 2)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out += "[\n"
            for (index, element) in elements.enumerated() {
                out += inner
                write(element, indent: indent + 2, column: indent + 2, into: &out)
                out += index + 1 < elements.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let object) where object.count > 0:
            out += "{\n"
            for (index, entry) in object.entries.enumerated() {
                let key = scalar(.string(entry.key)) + ": "
                out += inner + key
                write(entry.value, indent: indent + 2, column: indent + 2 + key.count, into: &out)
                out += index + 1 < object.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            out += oneLine(value, budget: .max) ?? scalar(value)
        }
    }

    /// Whether `value` is a container of scalars and of containers of scalars only.
    private static func isRow(_ value: YAny, depth: Int = 0) -> Bool {
        switch value {
        case .array(let elements): depth < 2 && elements.allSatisfy { isRow($0, depth: depth + 1) }
        case .object(let object): depth < 2 && object.entries.allSatisfy { isRow($0.value, depth: depth + 1) }
        default: true
        }
    }

    /// The value on one line, or nil when it is a non-empty container longer than `budget`.
    private static func oneLine(_ value: YAny, budget: Int) -> String? {
        switch value {
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            var line = "["
            for (index, element) in elements.enumerated() {
                if index > 0 { line += ", " }
                guard let part = oneLine(element, budget: budget - line.count) else { return nil }
                line += part
                if line.count > budget { return nil }
            }
            return line + "]"
        case .object(let object):
            guard object.count > 0 else { return "{}" }
            var line = "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { line += ", " }
                line += scalar(.string(entry.key)) + ": "
                guard line.count <= budget, let part = oneLine(entry.value, budget: budget - line.count) else {
                    return nil
                }
                line += part
                if line.count > budget { return nil }
            }
            return line + "}"
        default:
            return scalar(value)
        }
    }

    private static func scalar(_ value: YAny) -> String {
        switch value {
        case .undefined: "null"
        case .binary(let bytes): JSON.stringify(.string(Data(bytes).base64EncodedString()))
        default: JSON.stringify(value)
        }
    }
}
