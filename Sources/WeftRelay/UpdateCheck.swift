import YCRDT

/// Checks a client's update against the live document before it is committed.
///
/// Yjs keeps structs whose dependencies are missing as "pending", waiting for a gap to fill. Over one
/// relay connection that gap never fills: every update a client can legitimately send depends only on
/// what the relay already has (the relay's own state, which the client synced from, plus the client's
/// earlier updates, which the relay handles in order). An update that references what the document
/// does not hold is therefore refused (DESIGN.md behaviour 10) instead of being committed to the log as
/// garbage that no replica could ever show.
enum UpdateCheck {
    /// Why `update` cannot be integrated fully into `doc`, or nil when it can.
    ///
    /// - Throws: `DecodingError` when the bytes are not an update v1 at all.
    static func missingDependency(of update: [UInt8], in doc: Doc) throws(DecodingError) -> String? {
        let summary = try Updates.inspect(update)
        let state = doc.stateVector
        // The clocks the document will know after the update: its own, extended by each client's
        // structs as long as they follow on without a gap.
        var known = state.clocks
        for entry in summary.structs where entry.kind != .skip {
            let have = known[entry.client] ?? 0
            if entry.clock > have {
                return "the update starts client \(entry.client) at clock \(entry.clock), but the document has it only up to \(have)"
            }
            known[entry.client] = max(have, entry.clock + entry.length)
        }
        func isKnown(_ id: ID) -> Bool { id.clock < (known[id.client] ?? 0) }
        for entry in summary.structs where entry.kind == .item {
            if let origin = entry.origin, !isKnown(origin) {
                return "item \(entry.id) is inserted after \(origin), which the document does not have"
            }
            if let rightOrigin = entry.rightOrigin, !isKnown(rightOrigin) {
                return "item \(entry.id) is inserted before \(rightOrigin), which the document does not have"
            }
            if case .item(let parent) = entry.parent, !isKnown(parent) {
                return "item \(entry.id) belongs to \(parent), which the document does not have"
            }
        }
        for deletes in summary.deletes {
            let end = known[deletes.client] ?? 0
            for range in deletes.ranges where range.length > 0 && range.clock + range.length > end {
                return "the update deletes \(deletes.client):\(range.clock)+\(range.length), which the document does not have"
            }
        }
        return nil
    }
}
