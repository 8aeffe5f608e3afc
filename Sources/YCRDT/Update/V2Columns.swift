/// The column codecs of update v2, as lib0 defines them (`RleEncoder`, `UintOptRleEncoder`,
/// `IntDiffOptRleEncoder`, `StringEncoder` and their decoders).
///
/// Every reader throws ``DecodingError`` at the end of its column or on a value out of range; none
/// allocates more than its column's bytes justify. Runs are counted, never expanded.

// MARK: - Decoders

/// Bytes, run-length encoded: a value, then `varUint(count - 1)`; the last value of the column has no
/// count and repeats for as long as it is read.
struct RleByteColumnDecoder {
    private var decoder: Lib0Decoder
    private var value: UInt8 = 0
    private var remaining = 0
    private var repeatsForever = false

    init(_ bytes: [UInt8]) {
        decoder = Lib0Decoder(bytes)
    }

    mutating func read() throws(DecodingError) -> UInt8 {
        if remaining == 0, !repeatsForever {
            value = try decoder.readUInt8()
            if decoder.isAtEnd {
                repeatsForever = true
            } else {
                remaining = try decoder.readVarInt() + 1
            }
        }
        if !repeatsForever { remaining -= 1 }
        return value
    }
}

/// Unsigned integers, run-length encoded: a single value is written as a positive varInt; a run is
/// written as the negated value (so 0 becomes -0) followed by `varUint(count - 2)`.
struct UintOptRleColumnDecoder {
    private var decoder: Lib0Decoder
    private var value: UInt64 = 0
    private var remaining = 0

    init(_ bytes: [UInt8]) {
        decoder = Lib0Decoder(bytes)
    }

    /// Continues reading `decoder` where it stands (the string column keeps its lengths after its text).
    init(continuing decoder: Lib0Decoder) {
        self.decoder = decoder
    }

    mutating func read() throws(DecodingError) -> UInt64 {
        if remaining == 0 {
            let (signed, negativeZero) = try decoder.readSignedVarInt()
            if signed < 0 || negativeZero {
                value = signed.magnitude
                remaining = try decoder.readVarInt() + 2
            } else {
                value = UInt64(signed)
                remaining = 1
            }
        }
        remaining -= 1
        return value
    }

    /// Reads a value that must fit a clock or a length (at most 2^53 - 1, always true on the wire).
    mutating func readInt() throws(DecodingError) -> Int {
        Int(try read())
    }
}

/// Signed integers as differences from the previous value, run-length encoded: `varInt(diff * 2 + hasRun)`,
/// then `varUint(count - 2)` when `hasRun` is set.
struct IntDiffOptRleColumnDecoder {
    private var decoder: Lib0Decoder
    private var state: Int64 = 0
    private var difference: Int64 = 0
    private var remaining = 0

    init(_ bytes: [UInt8]) {
        decoder = Lib0Decoder(bytes)
    }

    mutating func read() throws(DecodingError) -> Int64 {
        if remaining == 0 {
            let (encoded, _) = try decoder.readSignedVarInt()
            // The low bit says a count follows; the rest is the difference, rounded down as lib0's
            // `Math.floor(diff / 2)` does (an arithmetic shift).
            difference = encoded >> 1
            remaining = encoded & 1 != 0 ? try decoder.readVarInt() + 2 : 1
        }
        let (next, overflow) = state.addingReportingOverflow(difference)
        guard !overflow, next.magnitude <= Lib0Decoder.maxSafeInteger else {
            throw .malformed("a clock column runs out of range")
        }
        state = next
        remaining -= 1
        return state
    }

    /// Reads a clock: a value in 0...2^53 - 1.
    mutating func readClock(_ column: String) throws(DecodingError) -> Int {
        let value = try read()
        guard value >= 0 else { throw .malformed("negative clock \(value) in the \(column) column") }
        return Int(value)
    }
}

/// Strings: one varString holding all of them concatenated, then their lengths in UTF-16 code units
/// (a ``UintOptRleColumnDecoder``). Slicing works on UTF-16 code units, as JavaScript's does.
struct StringColumnDecoder {
    private let units: [UInt16]
    private var position = 0
    private var lengths: UintOptRleColumnDecoder

    init(_ bytes: [UInt8]) throws(DecodingError) {
        var decoder = Lib0Decoder(bytes)
        // Yjs always writes at least the empty string; an empty column only fails once it is read.
        units = decoder.isAtEnd ? [] : try decoder.readVarStringUTF16()
        lengths = UintOptRleColumnDecoder(continuing: decoder)
    }

    /// UTF-16 code units not read yet.
    var remainingUnits: Int { units.count - position }

    mutating func readUnits() throws(DecodingError) -> ArraySlice<UInt16> {
        let length = try lengths.read()
        guard length <= UInt64(units.count - position) else {
            throw .malformed(
                "a string of \(length) UTF-16 units is longer than the \(units.count - position) left in the string column")
        }
        let end = position + Int(length)
        defer { position = end }
        return units[position..<end]
    }

    mutating func read() throws(DecodingError) -> String {
        UTF16Transcoding.string(try readUnits())
    }
}

// MARK: - Encoders

/// Writes what ``RleByteColumnDecoder`` reads.
struct RleByteColumnEncoder {
    private(set) var encoder = Lib0Encoder()
    private var value: UInt8?
    private var count = 0

    mutating func write(_ byte: UInt8) {
        if value == byte {
            count += 1
            return
        }
        if count > 0 { encoder.writeVarUInt(count - 1) }
        count = 1
        encoder.writeUInt8(byte)
        value = byte
    }

    /// The column; the last run's count is left out, so it repeats when read, as lib0 writes it.
    var bytes: [UInt8] { encoder.bytes }
}

/// Writes what ``UintOptRleColumnDecoder`` reads.
struct UintOptRleColumnEncoder {
    private var encoder = Lib0Encoder()
    private var value: UInt64 = 0
    private var count = 0

    mutating func write(_ number: UInt64) {
        if value == number {
            count += 1
            return
        }
        flush()
        count = 1
        value = number
    }

    mutating func write(_ number: Int) { write(UInt64(number)) }

    private mutating func flush() {
        guard count > 0 else { return }
        let signed = Int64(value)
        if count == 1 {
            encoder.writeVarInt(signed)
        } else {
            encoder.writeVarInt(-signed, negativeZero: true)
            encoder.writeVarUInt(count - 2)
        }
    }

    /// The column, with the last run written out.
    mutating func finish() -> [UInt8] {
        flush()
        count = 0
        return encoder.bytes
    }
}

/// Writes what ``IntDiffOptRleColumnDecoder`` reads.
struct IntDiffOptRleColumnEncoder {
    private var encoder = Lib0Encoder()
    private var state: Int64 = 0
    private var difference: Int64 = 0
    private var count = 0

    mutating func write(_ number: Int) {
        let value = Int64(number)
        if difference == value - state {
            state = value
            count += 1
            return
        }
        flush()
        count = 1
        difference = value - state
        state = value
    }

    private mutating func flush() {
        guard count > 0 else { return }
        encoder.writeVarInt(difference * 2 + (count == 1 ? 0 : 1))
        if count > 1 { encoder.writeVarUInt(count - 2) }
    }

    mutating func finish() -> [UInt8] {
        flush()
        count = 0
        return encoder.bytes
    }
}

/// Writes what ``StringColumnDecoder`` reads.
struct StringColumnEncoder {
    private var units: [UInt16] = []
    private var lengths = UintOptRleColumnEncoder()

    mutating func write(_ string: String) {
        let before = units.count
        units.append(contentsOf: string.utf16)
        lengths.write(units.count - before)
    }

    mutating func write(units chunk: ArraySlice<UInt16>) {
        units.append(contentsOf: chunk)
        lengths.write(chunk.count)
    }

    /// The column: the concatenated text as UTF-8 (lone surrogates become U+FFFD, as `TextEncoder`
    /// writes them), then the lengths.
    mutating func finish() -> [UInt8] {
        var encoder = Lib0Encoder(reservingCapacity: units.count + 16)
        encoder.writeVarString(utf16: units[...])
        encoder.writeRawBytes(lengths.finish())
        return encoder.bytes
    }
}
