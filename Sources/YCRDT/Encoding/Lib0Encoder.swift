/// Writes lib0 primitives (the encoding Yjs and y-protocols use) into a growing byte buffer.
///
/// All integers are little-endian base-128 (`varUint`) or lib0's sign-and-magnitude `varInt`;
/// floats are big-endian. Not thread-safe; a value type you fill and then read `bytes` from.
public struct Lib0Encoder: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    /// Writes `value` as an unsigned LEB128 varint.
    public mutating func writeVarUInt(_ value: UInt64) {
        var rest = value
        while rest > 0x7F {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: rest))
    }

    public mutating func writeVarUInt(_ value: Int) {
        writeVarUInt(UInt64(value))
    }

    /// Writes lib0's signed varint: bit 6 of the first byte is the sign, magnitude follows.
    ///
    /// `negativeZero` writes the sign bit for a zero, as lib0 does for JavaScript's `-0`.
    public mutating func writeVarInt(_ value: Int64, negativeZero: Bool = false) {
        let isNegative = value < 0 || (value == 0 && negativeZero)
        var magnitude = value.magnitude
        var first = UInt8(truncatingIfNeeded: magnitude & 0x3F)
        if isNegative { first |= 0x40 }
        magnitude >>= 6
        if magnitude > 0 { first |= 0x80 }
        bytes.append(first)
        while magnitude > 0 {
            var byte = UInt8(truncatingIfNeeded: magnitude & 0x7F)
            magnitude >>= 7
            if magnitude > 0 { byte |= 0x80 }
            bytes.append(byte)
        }
    }

    /// Writes a UTF-8 string prefixed by its byte length.
    public mutating func writeVarString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeVarUInt(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes UTF-16 code units as a UTF-8 varString; lone surrogates become U+FFFD, as
    /// JavaScript's `TextEncoder` does.
    public mutating func writeVarString(utf16 units: ArraySlice<UInt16>) {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(units.count)
        UTF16Transcoding.appendUTF8(of: units, to: &utf8)
        writeVarUInt(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Writes a byte array prefixed by its length.
    public mutating func writeVarBytes(_ value: some Collection<UInt8>) {
        writeVarUInt(value.count)
        bytes.append(contentsOf: value)
    }

    /// Writes bytes with no length prefix.
    public mutating func writeRawBytes(_ value: some Sequence<UInt8>) {
        bytes.append(contentsOf: value)
    }

    public mutating func writeFloat32(_ value: Float) {
        let bits = value.bitPattern
        bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bits))
    }

    public mutating func writeFloat64(_ value: Double) {
        writeBigEndian64(value.bitPattern)
    }

    public mutating func writeBigInt64(_ value: Int64) {
        writeBigEndian64(UInt64(bitPattern: value))
    }

    private mutating func writeBigEndian64(_ bits: UInt64) {
        var shift: UInt64 = 56
        while true {
            bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }
}
