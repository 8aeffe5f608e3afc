/// Shared text: a sequence of UTF-16 code units, as Yjs counts it.
///
/// Two ways to say where: the `utf16` methods take UTF-16 offsets (what the wire and Yjs peers use);
/// the plain methods take `Character` offsets (what a person sees: an emoji or an accented letter
/// made of combining marks is one) and convert. Formatting and embeds that arrive from other peers
/// are kept and round-trip; ``delta`` shows them.
public struct YText {
    let branch: Branch
    /// Keeps the document alive while a handle onto one of its types exists.
    let owner: Doc?

    init(branch: Branch) {
        self.branch = branch
        self.owner = branch.doc
    }

    /// The text, formatting and embeds left out.
    public var string: String {
        var units: [UInt16] = []
        units.reserveCapacity(branch.length)
        var item = branch.start
        while let current = item {
            if !current.isDeleted, case .string(let chunk) = current.content { units.append(contentsOf: chunk) }
            item = current.right
        }
        return UTF16Transcoding.string(units)
    }

    /// The length in UTF-16 code units (embeds count one each).
    public var utf16Count: Int { branch.length }

    /// The length in Characters.
    public var count: Int { string.count }

    // MARK: UTF-16 offsets

    /// Inserts `text` at a UTF-16 offset.
    public func insert(_ text: String, atUTF16 offset: Int) throws {
        try checkOffset(offset)
        try branch.transact { branch.insertText($0, at: offset, units: Array(text.utf16)) }
    }

    public func insert(_ text: String, atUTF16 offset: Int, in transaction: Transaction) throws {
        try checkOffset(offset)
        branch.insertText(transaction, at: offset, units: Array(text.utf16))
    }

    /// Inserts `text` with formatting attributes (`nil` values clear an attribute).
    public func insert(_ text: String, atUTF16 offset: Int, attributes: [String: YAny]) throws {
        try checkOffset(offset)
        try branch.transact { transaction in
            var position = branch.findTextPosition(transaction, index: offset, useMarkers: false)
            var wanted = attributes
            for key in position.attributes.keys where wanted[key] == nil { wanted[key] = .null }
            branch.insertContent(
                transaction, at: &position, content: .string(Array(text.utf16)), attributes: wanted)
        }
    }

    /// Inserts an embed (one unit long) at a UTF-16 offset.
    public func insertEmbed(_ embed: YAny, atUTF16 offset: Int) throws {
        try checkOffset(offset)
        try branch.transact { transaction in
            var position = branch.findTextPosition(transaction, index: offset, useMarkers: false)
            branch.insertContent(transaction, at: &position, content: .embed(embed), attributes: position.attributes)
        }
    }

    /// Deletes `count` UTF-16 code units from a UTF-16 offset.
    public func delete(atUTF16 offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset + count <= branch.length else {
            throw YError.indexOutOfRange(index: offset + count, length: branch.length)
        }
        try branch.transact { branch.deleteText($0, at: offset, count: count) }
    }

    public func delete(atUTF16 offset: Int, count: Int, in transaction: Transaction) throws {
        guard offset >= 0, count >= 0, offset + count <= branch.length else {
            throw YError.indexOutOfRange(index: offset + count, length: branch.length)
        }
        branch.deleteText(transaction, at: offset, count: count)
    }

    // MARK: Character offsets

    /// Inserts `text` before the Character at `index` (0...count).
    public func insert(_ text: String, at index: Int) throws {
        try insert(text, atUTF16: try utf16Offset(ofCharacter: index))
    }

    /// Deletes the Characters in `range`.
    public func delete(_ range: Range<Int>) throws {
        let start = try utf16Offset(ofCharacter: range.lowerBound)
        let end = try utf16Offset(ofCharacter: range.upperBound)
        try delete(atUTF16: start, count: end - start)
    }

    /// The UTF-16 offset where the Character at `index` starts.
    public func utf16Offset(ofCharacter index: Int) throws -> Int {
        let text = string
        guard index >= 0, index <= text.count else {
            throw YError.indexOutOfRange(index: index, length: text.count)
        }
        let position = text.index(text.startIndex, offsetBy: index)
        return text.utf16.distance(from: text.startIndex, to: position)
    }

    /// The Character index containing a UTF-16 offset (rounding down inside a Character).
    public func characterIndex(ofUTF16 offset: Int) -> Int {
        let text = string
        let clamped = max(0, min(offset, text.utf16.count))
        let position = text.utf16.index(text.startIndex, offsetBy: clamped)
        let rounded = text.rangeOfComposedCharacter(at: position, in: text)
        return text.distance(from: text.startIndex, to: rounded)
    }

    private func checkOffset(_ offset: Int) throws {
        guard offset >= 0, offset <= branch.length else {
            throw YError.indexOutOfRange(index: offset, length: branch.length)
        }
    }

    // MARK: Rich content

    /// One run of the text as Yjs's delta format describes it.
    public struct DeltaRun: Equatable, Sendable {
        public var insert: YAny
        public var attributes: [String: YAny]
    }

    /// The text as runs of equal formatting, with embeds as their own runs.
    public var delta: [DeltaRun] {
        var runs: [DeltaRun] = []
        var attributes: [String: YAny] = [:]
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            runs.append(DeltaRun(insert: .string(UTF16Transcoding.string(pending)), attributes: attributes))
            pending = []
        }
        var item = branch.start
        while let current = item {
            if !current.isDeleted {
                switch current.content {
                case .string(let units): pending.append(contentsOf: units)
                case .format(let key, let value):
                    flush()
                    Branch.TextPosition.update(&attributes, key: key, value: value)
                case .embed(let value):
                    flush()
                    runs.append(DeltaRun(insert: value, attributes: attributes))
                case .type(let nested):
                    flush()
                    runs.append(DeltaRun(insert: YValue.wrap(nested).json, attributes: attributes))
                default: break
                }
            }
            item = current.right
        }
        flush()
        return runs
    }

    public var isDeleted: Bool { branch.isDeleted }

    @discardableResult
    public func observe(_ body: @escaping (YEvent) -> Void) -> Subscription {
        branch.observe(body)
    }

    public func isSameType(as other: YText) -> Bool { branch === other.branch }
}

extension String {
    fileprivate func rangeOfComposedCharacter(at position: String.Index, in text: String) -> String.Index {
        // Round a UTF-16 position down to the start of the Character that contains it.
        var index = text.startIndex
        var last = text.startIndex
        while index < text.endIndex, index <= position {
            last = index
            index = text.index(after: index)
        }
        return position == text.endIndex ? text.endIndex : last
    }
}
