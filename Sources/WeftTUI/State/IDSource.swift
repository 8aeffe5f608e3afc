/// Where the ids of new jobs, triggers and edges come from: UUID-shaped strings (version 4, as
/// Lightning's) drawn from a seeded generator, so the editor stays a pure value — the same seed
/// gives the same ids, which is what tests rely on; the driver seeds it at random.
public struct IDSource: Hashable, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next id: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lower-case hex.
    public mutating func next() -> String {
        let high = nextWord()
        let low = nextWord()
        let versioned = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let variant = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = Self.hex(versioned, digits: 16) + Self.hex(variant, digits: 16)
        let characters = Array(hex)
        func part(_ range: Range<Int>) -> String { String(characters[range]) }
        return [part(0..<8), part(8..<12), part(12..<16), part(16..<20), part(20..<32)].joined(separator: "-")
    }

    /// SplitMix64.
    private mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
