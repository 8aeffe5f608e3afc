/// Why a byte sequence could not be read as lib0 / Yjs data.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended in the middle of a value.
    case unexpectedEnd(offset: Int)
    /// A varint ran longer than any value this decoder accepts (2^53 - 1 for counts and clocks).
    case integerOverflow(offset: Int)
    /// A length field claims more bytes or elements than the rest of the input could hold.
    case lengthTooLarge(offset: Int, claimed: UInt64)
    /// A tag byte that names no known kind of value.
    case unknownTag(offset: Int, tag: UInt8, context: String)
    /// Structurally valid bytes that break a rule of the format.
    case malformed(String)
    /// Data that nests deeper than the decoder allows.
    case nestingTooDeep(offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd(let offset): "input ends unexpectedly at byte \(offset)"
        case .integerOverflow(let offset): "integer too large at byte \(offset)"
        case .lengthTooLarge(let offset, let claimed):
            "length \(claimed) at byte \(offset) is larger than the rest of the input"
        case .unknownTag(let offset, let tag, let context): "unknown \(context) tag \(tag) at byte \(offset)"
        case .malformed(let reason): "malformed update: \(reason)"
        case .nestingTooDeep(let offset): "values nest too deeply at byte \(offset)"
        }
    }
}

/// Reads lib0 primitives from a byte buffer, checking every bound.
///
/// Every read throws ``DecodingError`` instead of trapping; lengths are checked against the bytes
/// that remain before anything is allocated, so hostile input cannot make it allocate more than the
/// input justifies.
public struct Lib0Decoder {
    let bytes: [UInt8]
    /// The offset of the next byte to read.
    public internal(set) var position: Int
    let end: Int

    /// The largest integer a count or clock may hold, as in JavaScript's `Number.MAX_SAFE_INTEGER`.
    public static let maxSafeInteger: UInt64 = (1 << 53) - 1

    public init(_ bytes: [UInt8], from start: Int = 0) {
        self.bytes = bytes
        self.position = start
        self.end = bytes.count
    }

    /// Bytes not read yet.
    public var remaining: Int { end - position }
    public var isAtEnd: Bool { position >= end }

    public mutating func readUInt8() throws(DecodingError) -> UInt8 {
        guard position < end else { throw .unexpectedEnd(offset: position) }
        let value = bytes[position]
        position += 1
        return value
    }

    /// Reads an unsigned LEB128 varint of at most 2^53 - 1.
    public mutating func readVarUInt() throws(DecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw .unexpectedEnd(offset: position) }
            let byte = bytes[position]
            position += 1
            if shift >= 53 { throw .integerOverflow(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard result <= Self.maxSafeInteger else { throw .integerOverflow(offset: start) }
        return result
    }

    /// Reads a varint as an `Int` (always fits: at most 2^53 - 1).
    public mutating func readVarInt() throws(DecodingError) -> Int {
        Int(try readVarUInt())
    }

    /// Reads a count of things that each take at least `minimumBytesEach` bytes, refusing counts the
    /// rest of the input cannot hold.
    public mutating func readCount(minimumBytesEach: Int = 1) throws(DecodingError) -> Int {
        let start = position
        let count = try readVarUInt()
        if minimumBytesEach > 0, count > UInt64(remaining / minimumBytesEach) {
            throw .lengthTooLarge(offset: start, claimed: count)
        }
        return Int(count)
    }

    /// Reads lib0's signed varint. Returns the value and whether it was a negative zero.
    public mutating func readSignedVarInt() throws(DecodingError) -> (value: Int64, negativeZero: Bool) {
        let start = position
        let first = try readUInt8()
        var magnitude = UInt64(first & 0x3F)
        let negative = first & 0x40 != 0
        var shift: UInt64 = 6
        var more = first & 0x80 != 0
        while more {
            let byte = try readUInt8()
            if shift >= 53 { throw .integerOverflow(offset: start) }
            magnitude |= UInt64(byte & 0x7F) << shift
            shift += 7
            more = byte & 0x80 != 0
        }
        guard magnitude <= Self.maxSafeInteger else { throw .integerOverflow(offset: start) }
        let value = negative ? -Int64(magnitude) : Int64(magnitude)
        return (value, negative && magnitude == 0)
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw .lengthTooLarge(offset: position, claimed: UInt64(max(count, 0)))
        }
        let slice = bytes[position..<position + count]
        position += count
        return slice
    }

    /// Reads a length-prefixed byte array.
    public mutating func readVarBytes() throws(DecodingError) -> ArraySlice<UInt8> {
        let start = position
        let count = try readVarUInt()
        guard count <= UInt64(remaining) else { throw .lengthTooLarge(offset: start, claimed: count) }
        return try readBytes(Int(count))
    }

    /// Reads a length-prefixed UTF-8 string; invalid sequences become U+FFFD, as `TextDecoder` does.
    public mutating func readVarString() throws(DecodingError) -> String {
        let utf8 = try readVarBytes()
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Reads a length-prefixed UTF-8 string as UTF-16 code units.
    public mutating func readVarStringUTF16() throws(DecodingError) -> [UInt16] {
        let utf8 = try readVarBytes()
        return UTF16Transcoding.utf16(fromUTF8: utf8)
    }

    public mutating func readFloat32() throws(DecodingError) -> Float {
        let raw = try readBytes(4)
        var bits: UInt32 = 0
        for byte in raw { bits = bits << 8 | UInt32(byte) }
        return Float(bitPattern: bits)
    }

    public mutating func readFloat64() throws(DecodingError) -> Double {
        Double(bitPattern: try readBigEndian64())
    }

    public mutating func readBigInt64() throws(DecodingError) -> Int64 {
        Int64(bitPattern: try readBigEndian64())
    }

    private mutating func readBigEndian64() throws(DecodingError) -> UInt64 {
        let raw = try readBytes(8)
        var bits: UInt64 = 0
        for byte in raw { bits = bits << 8 | UInt64(byte) }
        return bits
    }
}
