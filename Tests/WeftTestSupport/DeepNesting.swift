import YCRDT

/// Hostile updates that nest shared types very deep: each type inside the one before, as a few
/// hundred kilobytes of update can do. Built byte by byte (update v1), because building them through
/// the API would itself recurse.
public enum DeepNesting {
    /// The kind of each nested type: its type ref on the wire, and whether it is a map.
    public enum Level: Sendable {
        /// Y.Array (ref 0): each level is the only element of the one before.
        case array
        /// Y.Map (ref 1): each level is the value of key `k` in the one before.
        case map
        /// Y.XmlFragment (ref 4): each level is the only child of the one before.
        case xmlFragment

        var typeRef: UInt8 {
            switch self {
            case .array: 0
            case .map: 1
            case .xmlFragment: 4
            }
        }
    }

    /// One update of client `client`: `depth` types of kind `level`, the outermost at root `root`
    /// (a sequence root; for maps, key `k` of a map root).
    public static func update(root: String, depth: Int, level: Level, client: UInt64 = 21) -> [UInt8] {
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(1)
        encoder.writeVarUInt(depth)
        encoder.writeVarUInt(client)
        encoder.writeVarUInt(0)
        let isMap = level == .map
        encoder.writeUInt8(isMap ? 0x27 : 0x07)
        encoder.writeVarUInt(1)
        encoder.writeVarString(root)
        if isMap { encoder.writeVarString("k") }
        encoder.writeUInt8(level.typeRef)
        for clock in 1..<max(depth, 1) {
            writeNested(&encoder, level: level, parent: (client, UInt64(clock - 1)))
        }
        encoder.writeUInt8(0)
        return encoder.bytes
    }

    /// One update of client `client`: a job map in root `jobs` with `id` "deep-job" and, under key
    /// `deep`, `depth` arrays each inside the one before.
    public static func jobUpdate(depth: Int, client: UInt64 = 31) -> [UInt8] {
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(1)
        encoder.writeVarUInt(2 + depth)
        encoder.writeVarUInt(client)
        encoder.writeVarUInt(0)
        // 0: the job map, element of root "jobs".
        encoder.writeUInt8(0x07)
        encoder.writeVarUInt(1)
        encoder.writeVarString("jobs")
        encoder.writeUInt8(Level.map.typeRef)
        // 1: id = "deep-job" (an Any value under a key).
        encoder.writeUInt8(0x28)
        encoder.writeVarUInt(0)
        encoder.writeVarUInt(client)
        encoder.writeVarUInt(0)
        encoder.writeVarString("id")
        encoder.writeVarUInt(1)
        encoder.writeUInt8(119)
        encoder.writeVarString("deep-job")
        // 2: deep = the outermost array; 3…: each array inside the one before.
        encoder.writeUInt8(0x27)
        encoder.writeVarUInt(0)
        encoder.writeVarUInt(client)
        encoder.writeVarUInt(0)
        encoder.writeVarString("deep")
        encoder.writeUInt8(Level.array.typeRef)
        for clock in 3..<(2 + depth) {
            writeNested(&encoder, level: .array, parent: (client, UInt64(clock - 1)))
        }
        encoder.writeUInt8(0)
        return encoder.bytes
    }

    private static func writeNested(_ encoder: inout Lib0Encoder, level: Level, parent: (UInt64, UInt64)) {
        let isMap = level == .map
        encoder.writeUInt8(isMap ? 0x27 : 0x07)
        encoder.writeVarUInt(0)
        encoder.writeVarUInt(parent.0)
        encoder.writeVarUInt(parent.1)
        if isMap { encoder.writeVarString("k") }
        encoder.writeUInt8(level.typeRef)
    }

    /// The number of levels of `value` (a scalar has one; an array or object one more than its
    /// deepest element), counted without recursion.
    public static func levels(of value: YAny) -> Int {
        var deepest = 0
        var stack: [(YAny, Int)] = [(value, 1)]
        while let (current, level) = stack.popLast() {
            deepest = max(deepest, level)
            switch current {
            case .array(let elements): for element in elements { stack.append((element, level + 1)) }
            case .object(let object): for entry in object.entries { stack.append((entry.value, level + 1)) }
            default: break
            }
        }
        return deepest
    }
}
