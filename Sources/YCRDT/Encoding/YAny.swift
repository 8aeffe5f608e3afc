/// A value of lib0's `Any` set: what Yjs stores in maps and arrays and awareness states.
///
/// Numbers keep the distinction the wire makes: `.integer` arrives as a varint, `.double` as a
/// float32 or float64. Encoding follows lib0: an integral number with magnitude at most 2^31 - 1 is
/// written as a varint, any other number as float32 when that is exact, else float64 — so a
/// `.double(5)` and an `.integer(5)` write the same bytes, as they do in JavaScript.
public enum YAny: Hashable, Sendable {
    case undefined
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case bigInt(Int64)
    case string(String)
    case binary([UInt8])
    case array([YAny])
    case object(YObject)

    /// The number as a `Double`, for either numeric case.
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        case .bigInt(let value): Double(value)
        default: nil
        }
    }

    /// The number as an integer when it is integral (floats from pycrdt included).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value), .bigInt(let value): return value
        case .double(let value):
            guard value.rounded() == value, abs(value) <= 9_007_199_254_740_991 else { return nil }
            return Int64(value)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var objectValue: YObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [YAny]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// A lib0 object: string keys in the order they were written, as JavaScript keeps them.
public struct YObject: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var entries: [(key: String, value: YAny)]

    public init(_ entries: [(key: String, value: YAny)] = []) {
        self.entries = []
        for entry in entries { self[entry.key] = entry.value }
    }

    public init(dictionaryLiteral elements: (String, YAny)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> YAny? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: YAny)]> {
        entries.makeIterator()
    }

    public static func == (lhs: YObject, rhs: YObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (key, value) in lhs.entries where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for key in entries.map(\.key).sorted() {
            hasher.combine(key)
            hasher.combine(self[key])
        }
    }
}

extension YAny: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: YAny...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, YAny)...) {
        self = .object(YObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

// MARK: - Wire encoding

extension Lib0Encoder {
    /// Writes a value in lib0's `Any` encoding, choosing number forms exactly as lib0 does.
    public mutating func writeAny(_ value: YAny) {
        switch value {
        case .undefined: writeUInt8(127)
        case .null: writeUInt8(126)
        case .integer(let number):
            if number.magnitude <= 0x7FFF_FFFF {
                writeUInt8(125)
                writeVarInt(number)
            } else {
                writeNumber(Double(number))
            }
        case .double(let number): writeNumber(number)
        case .bigInt(let number):
            writeUInt8(122)
            writeBigInt64(number)
        case .bool(let flag): writeUInt8(flag ? 120 : 121)
        case .string(let text):
            writeUInt8(119)
            writeVarString(text)
        case .object(let object):
            writeUInt8(118)
            writeVarUInt(object.count)
            for (key, entry) in object.entries {
                writeVarString(key)
                writeAny(entry)
            }
        case .array(let elements):
            writeUInt8(117)
            writeVarUInt(elements.count)
            for element in elements { writeAny(element) }
        case .binary(let data):
            writeUInt8(116)
            writeVarBytes(data)
        }
    }

    private mutating func writeNumber(_ number: Double) {
        if number.rounded() == number, number.magnitude <= 0x7FFF_FFFF {
            writeUInt8(125)
            writeVarInt(Int64(number), negativeZero: number == 0 && number.sign == .minus)
        } else if number.isNaN || Double(Float(number)) == number {
            writeUInt8(124)
            writeFloat32(Float(number))
        } else {
            writeUInt8(123)
            writeFloat64(number)
        }
    }
}

extension Lib0Decoder {
    /// The deepest nesting of arrays and objects `readAny` accepts.
    public static let maxAnyDepth = 256

    /// Reads one lib0 `Any` value.
    public mutating func readAny() throws(DecodingError) -> YAny {
        try readAny(depth: 0)
    }

    private mutating func readAny(depth: Int) throws(DecodingError) -> YAny {
        guard depth < Self.maxAnyDepth else { throw .nestingTooDeep(offset: position) }
        let start = position
        let tag = try readUInt8()
        switch tag {
        case 127: return .undefined
        case 126: return .null
        case 125:
            let (value, negativeZero) = try readSignedVarInt()
            return negativeZero ? .double(-0.0) : .integer(value)
        case 124: return .double(Double(try readFloat32()))
        case 123: return .double(try readFloat64())
        case 122: return .bigInt(try readBigInt64())
        case 121: return .bool(false)
        case 120: return .bool(true)
        case 119: return .string(try readVarString())
        case 118:
            let count = try readCount(minimumBytesEach: 2)
            var object = YObject()
            for _ in 0..<count {
                let key = try readVarString()
                object[key] = try readAny(depth: depth + 1)
            }
            return .object(object)
        case 117:
            let count = try readCount(minimumBytesEach: 1)
            var elements: [YAny] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readAny(depth: depth + 1)) }
            return .array(elements)
        case 116: return .binary(Array(try readVarBytes()))
        default: throw .unknownTag(offset: start, tag: tag, context: "Any")
        }
    }
}

// MARK: - Codable

extension YAny: Codable {
    /// Decodes any JSON value: integral numbers become `.integer`, others `.double`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let elements = try? container.decode([YAny].self) {
            self = .array(elements)
        } else {
            let keyed = try decoder.container(keyedBy: AnyCodingKey.self)
            var object = YObject()
            for key in keyed.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                object[key.stringValue] = try keyed.decode(YAny.self, forKey: key)
            }
            self = .object(object)
        }
    }

    /// Encodes as JSON: `undefined` as null, binary as an array of byte values.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .undefined, .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .integer(let number), .bigInt(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .double(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .binary(let bytes):
            var container = encoder.singleValueContainer()
            try container.encode(bytes)
        case .array(let elements):
            var container = encoder.singleValueContainer()
            try container.encode(elements)
        case .object(let object):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in object.entries {
                try container.encode(value, forKey: AnyCodingKey(stringValue: key))
            }
        }
    }
}

/// A coding key for arbitrary object keys.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

// MARK: - Equivalence

extension YAny {
    /// Whether two values mean the same to a peer: numbers compare by value whatever form they came
    /// in (lib0 writes an integer past 2^31 - 1 as a float, and pycrdt writes every number as one),
    /// and a NaN equals a NaN. Everything else compares as `==` does, recursively.
    public func isEquivalent(to other: YAny) -> Bool {
        switch (self, other) {
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.integer(let a), .double(let b)), (.double(let b), .integer(let a)): Double(a) == b
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case (.object(let a), .object(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map { value.isEquivalent(to: $0) } ?? false }
        default: self == other
        }
    }
}
