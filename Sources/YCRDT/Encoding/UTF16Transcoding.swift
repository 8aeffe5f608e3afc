/// Conversions between the wire's UTF-8 and the UTF-16 code units Yjs counts text in.
enum UTF16Transcoding {
    /// Decodes UTF-8 (invalid sequences become U+FFFD) into UTF-16 code units.
    static func utf16(fromUTF8 utf8: some Collection<UInt8>) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(utf8.count)
        var allASCII = true
        for byte in utf8 where byte >= 0x80 {
            allASCII = false
            break
        }
        if allASCII {
            for byte in utf8 { units.append(UInt16(byte)) }
            return units
        }
        units.append(contentsOf: String(decoding: utf8, as: UTF8.self).utf16)
        return units
    }

    /// Appends the UTF-8 encoding of UTF-16 code units; unpaired surrogates become U+FFFD.
    static func appendUTF8(of units: ArraySlice<UInt16>, to out: inout [UInt8]) {
        var index = units.startIndex
        let end = units.endIndex
        while index < end {
            let unit = units[index]
            index += 1
            if unit < 0x80 {
                out.append(UInt8(unit))
                continue
            }
            var scalar: UInt32
            if unit >= 0xD800, unit < 0xDC00, index < end, units[index] >= 0xDC00, units[index] < 0xE000 {
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(units[index]) - 0xDC00)
                index += 1
            } else if unit >= 0xD800, unit < 0xE000 {
                scalar = 0xFFFD
            } else {
                scalar = UInt32(unit)
            }
            if scalar < 0x800 {
                out.append(UInt8(0xC0 | (scalar >> 6)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            } else if scalar < 0x10000 {
                out.append(UInt8(0xE0 | (scalar >> 12)))
                out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                out.append(UInt8(0xF0 | (scalar >> 18)))
                out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
                out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
    }

    /// A Swift string from UTF-16 code units (unpaired surrogates become U+FFFD).
    static func string(_ units: some Collection<UInt16>) -> String {
        // Swift strings are UTF-8 inside; transcoding ourselves and handing over UTF-8 is several
        // times faster than String(decoding:as: UTF16.self).
        var utf8: [UInt8] = []
        utf8.reserveCapacity(units.count + units.count / 2)
        appendUTF8(of: ArraySlice(units), to: &utf8)
        return String(decoding: utf8, as: UTF8.self)
    }
}
