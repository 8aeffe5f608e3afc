/// What an item holds. One case per Yjs content ref; everything that can arrive from a peer is
/// kept so it can be written back unchanged.
enum ItemContent {
    /// Ref 1: deleted content of the given clock length.
    case deleted(Int)
    /// Ref 2: legacy JSON values (Yjs 13 never writes these; old documents hold them).
    case json([YAny])
    /// Ref 3: one binary blob.
    case binary([UInt8])
    /// Ref 4: text, as UTF-16 code units (the unit Yjs counts clocks in).
    case string([UInt16])
    /// Ref 5: a rich-text embed.
    case embed(YAny)
    /// Ref 6: a formatting attribute boundary in rich text.
    case format(key: String, value: YAny)
    /// Ref 7: a nested shared type.
    case type(Branch)
    /// Ref 8: plain values.
    case any([YAny])
    /// Ref 9: a subdocument reference.
    case doc(guid: String, options: YAny)

    /// The wire ref of this content.
    var ref: UInt8 {
        switch self {
        case .deleted: 1
        case .json: 2
        case .binary: 3
        case .string: 4
        case .embed: 5
        case .format: 6
        case .type: 7
        case .any: 8
        case .doc: 9
        }
    }

    /// How many clocks this content spans.
    var length: Int {
        switch self {
        case .deleted(let length): length
        case .json(let values), .any(let values): values.count
        case .string(let units): units.count
        case .binary, .embed, .format, .type, .doc: 1
        }
    }

    /// Whether this content counts toward the length of a sequence.
    var isCountable: Bool {
        switch self {
        case .deleted, .format: false
        default: true
        }
    }

    /// Splits at `offset`: `self` keeps the first part, the second part is returned.
    ///
    /// Text split inside a surrogate pair replaces both halves with U+FFFD, as Yjs does.
    mutating func split(at offset: Int) -> ItemContent {
        switch self {
        case .deleted(let length):
            self = .deleted(offset)
            return .deleted(length - offset)
        case .string(var units):
            self = .deleted(0)
            var right = Array(units[offset...])
            units.removeSubrange(offset...)
            if let last = units.last, last >= 0xD800, last <= 0xDBFF {
                units[units.count - 1] = 0xFFFD
                if !right.isEmpty { right[0] = 0xFFFD }
            }
            self = .string(units)
            return .string(right)
        case .any(var values):
            self = .deleted(0)
            let right = Array(values[offset...])
            values.removeSubrange(offset...)
            self = .any(values)
            return .any(right)
        case .json(var values):
            self = .deleted(0)
            let right = Array(values[offset...])
            values.removeSubrange(offset...)
            self = .json(values)
            return .json(right)
        default:
            preconditionFailure("content of length 1 cannot be split")
        }
    }

    /// Appends `other` when both are of a mergeable kind. Returns false when they cannot merge.
    mutating func merge(with other: ItemContent) -> Bool {
        switch (self, other) {
        case (.deleted(let left), .deleted(let right)):
            self = .deleted(left + right)
            return true
        case (.string(var left), .string(let right)):
            self = .deleted(0)
            left.append(contentsOf: right)
            self = .string(left)
            return true
        case (.any(var left), .any(let right)):
            self = .deleted(0)
            left.append(contentsOf: right)
            self = .any(left)
            return true
        case (.json(var left), .json(let right)):
            self = .deleted(0)
            left.append(contentsOf: right)
            self = .json(left)
            return true
        default:
            return false
        }
    }

    /// The values this content contributes to a sequence (text contributes its string).
    var values: [YAny] {
        switch self {
        case .deleted, .format: []
        case .json(let values), .any(let values): values
        case .binary(let bytes): [.binary(bytes)]
        case .string(let units): units.map { _ in .undefined }
        case .embed(let value): [value]
        case .type: [.undefined]
        case .doc(let guid, _): [.string(guid)]
        }
    }
}

extension ItemContent {
    /// Writes the content body (after the info byte), starting `offset` clocks in.
    func write(to encoder: inout Lib0Encoder, offset: Int) {
        switch self {
        case .deleted(let length):
            encoder.writeVarUInt(length - offset)
        case .json(let values):
            encoder.writeVarUInt(values.count - offset)
            for value in values[offset...] { encoder.writeVarString(JSON.stringify(value)) }
        case .binary(let bytes):
            encoder.writeVarBytes(bytes)
        case .string(let units):
            encoder.writeVarString(utf16: units[offset...])
        case .embed(let value):
            encoder.writeVarString(JSON.stringify(value))
        case .format(let key, let value):
            encoder.writeVarString(key)
            encoder.writeVarString(JSON.stringify(value))
        case .type(let branch):
            encoder.writeVarUInt(UInt64(branch.kind.typeRef))
            if let name = branch.kind.nodeName { encoder.writeVarString(name) }
        case .any(let values):
            encoder.writeVarUInt(values.count - offset)
            for value in values[offset...] { encoder.writeAny(value) }
        case .doc(let guid, let options):
            encoder.writeVarString(guid)
            encoder.writeAny(options)
        }
    }

    /// Reads the content body for `ref` (1...9).
    static func read(ref: UInt8, from decoder: inout Lib0Decoder) throws(DecodingError) -> ItemContent {
        switch ref {
        case 1:
            let length = try decoder.readVarInt()
            guard length > 0 else { throw .malformed("deleted content of length 0") }
            return .deleted(length)
        case 2:
            let count = try decoder.readCount(minimumBytesEach: 1)
            var values: [YAny] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                let text = try decoder.readVarString()
                if text == "undefined" {
                    values.append(.undefined)
                } else {
                    do { values.append(try JSON.parse(text)) } catch {
                        throw .malformed("legacy JSON content: \(error)")
                    }
                }
            }
            guard !values.isEmpty else { throw .malformed("JSON content with no values") }
            return .json(values)
        case 3:
            return .binary(Array(try decoder.readVarBytes()))
        case 4:
            let units = try decoder.readVarStringUTF16()
            guard !units.isEmpty else { throw .malformed("empty string content") }
            return .string(units)
        case 5:
            let text = try decoder.readVarString()
            do { return .embed(try JSON.parse(text)) } catch { throw .malformed("embed: \(error)") }
        case 6:
            let key = try decoder.readVarString()
            let text = try decoder.readVarString()
            do { return .format(key: key, value: try JSON.parse(text)) } catch {
                throw .malformed("format value: \(error)")
            }
        case 7:
            let start = decoder.position
            let typeRef = try decoder.readVarUInt()
            let kind: BranchKind
            switch typeRef {
            case 0: kind = .array
            case 1: kind = .map
            case 2: kind = .text
            case 3: kind = .xmlElement(try decoder.readVarString())
            case 4: kind = .xmlFragment
            case 5: kind = .xmlHook(try decoder.readVarString())
            case 6: kind = .xmlText
            default: throw .unknownTag(offset: start, tag: UInt8(truncatingIfNeeded: typeRef), context: "type ref")
            }
            return .type(Branch(kind: kind))
        case 8:
            let count = try decoder.readCount(minimumBytesEach: 1)
            var values: [YAny] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try decoder.readAny()) }
            guard !values.isEmpty else { throw .malformed("Any content with no values") }
            return .any(values)
        case 9:
            let guid = try decoder.readVarString()
            return .doc(guid: guid, options: try decoder.readAny())
        default:
            throw .unknownTag(offset: decoder.position, tag: ref, context: "content ref")
        }
    }
}
