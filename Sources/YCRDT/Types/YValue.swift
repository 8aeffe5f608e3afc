/// A value to put into a shared type: plain data, binary, or a new nested type with its content.
///
/// New nested types are "preliminary" as in Yjs: the type is inserted first, then its content is
/// written into it, in the order given here — so a peer sees the same struct order Yjs would make.
public indirect enum YInput: Sendable {
    case value(YAny)
    case binary([UInt8])
    case map([(String, YInput)])
    case array([YInput])
    case text(String)

    /// A map with keys in the given order.
    public static func map(_ entries: KeyValuePairs<String, YInput>) -> YInput {
        .map(entries.map { ($0.key, $0.value) })
    }
}

extension YInput: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .value(.string(value)) }
    public init(integerLiteral value: Int64) { self = .value(.integer(value)) }
    public init(booleanLiteral value: Bool) { self = .value(.bool(value)) }
    public init(floatLiteral value: Double) { self = .value(.double(value)) }
    public init(nilLiteral: ()) { self = .value(.null) }
}

/// A value read from a shared type: plain data, or a live nested type.
public enum YValue {
    case value(YAny)
    case map(YMap)
    case array(YArray)
    case text(YText)
    /// A nested type Weft does not edit (XML types, subdocuments); shown by its JSON form.
    case other(kind: String, json: YAny)

    static func wrap(_ branch: Branch) -> YValue {
        switch branch.kind {
        case .map: .map(YMap(branch: branch))
        case .array: .array(YArray(branch: branch))
        case .text: .text(YText(branch: branch))
        case .unknown:
            .other(kind: "unknown", json: JSONRendering.render(branch, as: JSONRendering.shape(of: branch)))
        case .xmlText: .other(kind: branch.kind.name, json: .string(YText(branch: branch).string))
        default: .other(kind: branch.kind.name, json: JSONRendering.render(branch, as: .array))
        }
    }

    /// The plain JSON-like value: nested types become their contents, never more than
    /// ``Lib0Decoder/maxAnyDepth`` levels deep (a type nested deeper is `null`; see `JSONRendering`).
    public var json: YAny {
        switch self {
        case .value(let value): value
        case .map(let map): map.json
        case .array(let array): array.json
        case .text(let text): .string(text.string)
        case .other(_, let json): json
        }
    }

    public var mapValue: YMap? {
        if case .map(let map) = self { return map }
        return nil
    }

    public var arrayValue: YArray? {
        if case .array(let array) = self { return array }
        return nil
    }

    public var textValue: YText? {
        if case .text(let text) = self { return text }
        return nil
    }

    public var anyValue: YAny? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension Branch {
    /// Values of an item's content as read through the API.
    static func values(of item: Item) -> [YValue] {
        switch item.content {
        case .deleted, .format: []
        case .json(let values), .any(let values): values.map { .value($0) }
        case .binary(let bytes): [.value(.binary(bytes))]
        case .string(let units): [.value(.string(UTF16Transcoding.string(units)))]
        case .embed(let value): [.value(value)]
        case .type(let branch): [YValue.wrap(branch)]
        case .doc(let guid, let options): [.other(kind: "doc", json: ["guid": .string(guid), "opts": options])]
        }
    }

    /// The last value of an item (a map entry's value).
    static func lastValue(of item: Item) -> YValue {
        switch item.content {
        case .json(let values), .any(let values): return .value(values[values.count - 1])
        default: return values(of: item).last ?? .value(.undefined)
        }
    }

    /// Content given before the type was inserted, written now that it is in a document.
    func applyPreliminary(_ transaction: Transaction) {
        guard let content = preliminary else { return }
        preliminary = nil
        switch content {
        case .map(let entries):
            for (key, value) in entries { mapSet(transaction, key: key, value: value) }
        case .array(let values):
            insert(transaction, at: 0, values)
        case .text(let string):
            if !string.isEmpty { insertText(transaction, at: 0, units: Array(string.utf16)) }
        }
    }

    /// Makes the content for a value being inserted.
    static func content(for input: YInput) -> ItemContent {
        switch input {
        case .value(let value): .any([value])
        case .binary(let bytes): .binary(bytes)
        case .map(let entries):
            .type(Branch(kind: .map, preliminary: .map(entries)))
        case .array(let values):
            .type(Branch(kind: .array, preliminary: .array(values)))
        case .text(let string):
            .type(Branch(kind: .text, preliminary: .text(string)))
        }
    }

    convenience init(kind: BranchKind, preliminary: PreliminaryContent) {
        self.init(kind: kind)
        self.preliminary = preliminary
    }
}
