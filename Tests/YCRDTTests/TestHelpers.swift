import Foundation
import WeftTestSupport
@testable import YCRDT

/// Hex helpers for comparing bytes with the reference outputs.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

extension YAny {
    /// The value with every number as a double, so `5` from Yjs equals `5.0` from pycrdt.
    var numbersNormalized: YAny {
        switch self {
        case .integer(let value), .bigInt(let value): return .double(Double(value))
        case .array(let values): return .array(values.map(\.numbersNormalized))
        case .object(let object):
            return .object(YObject(object.entries.map { (key: $0.key, value: $0.value.numbersNormalized) }))
        default: return self
        }
    }
}

/// Reads a lib0 container of length-prefixed updates: varUint count, then varBuf each.
func readUpdateStream(_ data: [UInt8]) throws -> [[UInt8]] {
    var decoder = Lib0Decoder(data)
    let count = try decoder.readCount()
    var updates: [[UInt8]] = []
    updates.reserveCapacity(count)
    for _ in 0..<count { updates.append(Array(try decoder.readVarBytes())) }
    return updates
}
