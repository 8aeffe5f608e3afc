/// Shared types as plain data: what `YValue.json`, `YMap.json`, `YArray.json`, `Doc.contentJSON` and
/// the JSON of events and embeds are made of.
///
/// Two guarantees a caller relies on, whatever an update nested:
/// - The walk uses an explicit stack, not recursion: a few hundred kilobytes of update can nest types
///   a hundred thousand deep, and one stack frame per level overflowed the thread's stack.
/// - The result never has more than ``Lib0Decoder/maxAnyDepth`` levels (a plain value is one level,
///   an array or object one more than its deepest element). A nested type whose content would go
///   deeper is `null`, and so is a plain value that would. So what is rendered can be compared,
///   freed, printed and written back as a plain value without deep recursion, and a peer's decoder
///   (which refuses deeper values) reads it. Real documents nest a handful of levels.
enum JSONRendering {
    /// How a type renders: a container whose items are walked, or a finished value.
    enum Shape {
        case object
        case array
        case leaf(YAny)
    }

    /// The shape `branch` renders as when nobody says what it is: its own kind, or for a type only
    /// seen in updates a guess — a map if it only has keys, text if its sequence holds only text,
    /// `null` when empty, else an array.
    static func shape(of branch: Branch) -> Shape {
        switch branch.kind {
        case .map: return .object
        case .text, .xmlText: return .leaf(.string(YText(branch: branch).string))
        case .unknown:
            guard branch.start != nil else { return branch.map.isEmpty ? .leaf(.null) : .object }
            var item = branch.start
            while let current = item {
                switch current.content {
                case .string, .format, .deleted, .embed: item = current.right
                default: return .array
                }
            }
            return .leaf(.string(YText(branch: branch).string))
        case .array, .xmlElement, .xmlFragment, .xmlHook: return .array
        }
    }

    /// One container being filled: the items still to render and what is rendered so far.
    private struct Frame {
        let isObject: Bool
        /// Map keys, parallel to `items`, for objects.
        let keys: [String]
        let items: [Item]
        /// This container's level: 1 for the outermost.
        let level: Int
        var next = 0
        var elements: [YAny] = []
        var object = YObject()

        init(_ branch: Branch, isObject: Bool, level: Int) {
            self.isObject = isObject
            self.level = level
            if isObject {
                var live: [(String, Item)] = []
                for (key, item) in branch.map where !item.isDeleted { live.append((key, item)) }
                live.sort { $0.0 < $1.0 }
                keys = live.map(\.0)
                items = live.map(\.1)
            } else {
                var visible: [Item] = []
                branch.forEachVisible { visible.append($0) }
                keys = []
                items = visible
            }
        }

        mutating func add(_ value: YAny, for index: Int) {
            if isObject { object[keys[index]] = value } else { elements.append(value) }
        }

        var value: YAny { isObject ? .object(object) : .array(elements) }
    }

    /// Renders `branch` as `shape` (an object or array root may be read as either, whatever its kind).
    static func render(_ branch: Branch, as shape: Shape, levels: Int = Lib0Decoder.maxAnyDepth) -> YAny {
        let isObject: Bool
        switch shape {
        case .leaf(let value): return value
        case .object: isObject = true
        case .array: isObject = false
        }
        guard levels > 1 else { return .null }
        var stack = [Frame(branch, isObject: isObject, level: 1)]
        while !stack.isEmpty {
            let top = stack.count - 1
            let index = stack[top].next
            guard index < stack[top].items.count else {
                let done = stack.removeLast()
                guard !stack.isEmpty else { return done.value }
                stack[stack.count - 1].add(done.value, for: stack[stack.count - 1].next - 1)
                continue
            }
            stack[top].next += 1
            let item = stack[top].items[index]
            let level = stack[top].level
            if case .type(let nested) = item.content {
                let nestedShape = self.shape(of: nested)
                switch nestedShape {
                case .leaf(let value): stack[top].add(fitting(value, below: level, levels: levels), for: index)
                case .object, .array:
                    // A container at level + 1 needs room for its own elements below it.
                    if level + 2 > levels {
                        stack[top].add(.null, for: index)
                    } else {
                        var isObject = false
                        if case .object = nestedShape { isObject = true }
                        stack.append(Frame(nested, isObject: isObject, level: level + 1))
                    }
                }
            } else if stack[top].isObject {
                stack[top].add(fitting(Branch.lastValue(of: item).json, below: level, levels: levels), for: index)
            } else {
                for value in Branch.values(of: item) {
                    stack[top].elements.append(fitting(value.json, below: level, levels: levels))
                }
            }
        }
        return .null
    }

    /// `value` when it fits below a container at `level`, else `null`.
    private static func fitting(_ value: YAny, below level: Int, levels: Int) -> YAny {
        value.hasLevels(atMost: levels - level) ? value : .null
    }
}

extension YAny {
    /// Whether the value has at most `limit` levels (a scalar has one). Stops looking at `limit`, so
    /// it recurses at most `limit` deep however deep the value is.
    func hasLevels(atMost limit: Int) -> Bool {
        guard limit >= 1 else { return false }
        switch self {
        case .array(let elements): return elements.allSatisfy { $0.hasLevels(atMost: limit - 1) }
        case .object(let object): return object.entries.allSatisfy { $0.value.hasLevels(atMost: limit - 1) }
        default: return true
        }
    }
}
