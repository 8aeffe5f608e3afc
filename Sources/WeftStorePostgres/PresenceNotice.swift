import Foundation
import WeftStore
import YCRDT

/// The text of a presence notification (``PresenceSignal``), as ``PostgresStore/sendPresence(_:workflowID:)``
/// sends it with `pg_notify` and ``ChangeFeed`` reads it:
///
/// - `awareness <origin> <base64> <workflowID>`: an awareness update (y-protocols encoding, base64);
/// - `awareness-query <origin> <workflowID>`: a relay asks the others for their clients' states.
///
/// `origin` names the sending store (one per relay process), so that a store ignores its own. Unlike
/// ``ChangeNotice`` it carries content, and PostgreSQL refuses a payload of 8,000 bytes or more: an update
/// that does not fit is split by client, and a client whose state alone does not fit is dropped.
package enum PresenceNotice {
    /// The longest payload sent, in UTF-8 bytes (PostgreSQL's limit is "shorter than 8000 bytes").
    package static let maximumPayloadBytes = 7999

    static let updateKind = "awareness"
    static let queryKind = "awareness-query"

    /// The payloads that carry `signal`, each at most ``maximumPayloadBytes``, and how many clients' entries
    /// were left out for being too large on their own (an update that is not a valid awareness update
    /// travels whole or not at all, counting as one).
    package static func payloads(
        _ signal: PresenceSignal, workflowID: String, origin: String
    ) -> (payloads: [String], dropped: Int) {
        switch signal {
        case .query:
            let payload = "\(queryKind) \(origin) \(workflowID)"
            return payload.utf8.count <= maximumPayloadBytes ? ([payload], 0) : ([], 1)
        case .update(let bytes):
            let overhead = "\(updateKind) \(origin)  \(workflowID)".utf8.count
            func fits(_ bytes: [UInt8]) -> Bool { overhead + (bytes.count + 2) / 3 * 4 <= maximumPayloadBytes }
            func payload(_ bytes: [UInt8]) -> String {
                "\(updateKind) \(origin) \(Data(bytes).base64EncodedString()) \(workflowID)"
            }
            if fits(bytes) { return ([payload(bytes)], 0) }
            guard let update = try? AwarenessUpdate(decoding: bytes) else { return ([], 1) }
            // Greedily, in order: each chunk as many whole entries as fit.
            var chunks: [[AwarenessUpdate.Entry]] = []
            var current: [AwarenessUpdate.Entry] = []
            var dropped = 0
            for entry in update.entries {
                guard fits(AwarenessUpdate([entry]).encoded()) else {
                    dropped += 1
                    continue
                }
                if fits(AwarenessUpdate(current + [entry]).encoded()) {
                    current.append(entry)
                } else {
                    chunks.append(current)
                    current = [entry]
                }
            }
            if !current.isEmpty { chunks.append(current) }
            return (chunks.map { payload(AwarenessUpdate($0).encoded()) }, dropped)
        }
    }

    /// The store that sent a presence payload, or nil when the payload is not one.
    static func origin(of payload: String) -> Substring? {
        let parts = payload.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == updateKind || parts[0] == queryKind else { return nil }
        return parts[1]
    }

    /// The change a presence payload announces, or nil when it is not a well-formed one.
    package static func parse(_ payload: String) -> StoreChange? {
        let parts = payload.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        switch parts.first {
        case Substring(queryKind):
            let query = payload.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard query.count == 3, !query[1].isEmpty, !query[2].isEmpty else { return nil }
            return .presence(workflowID: String(query[2]), .query)
        case Substring(updateKind):
            guard parts.count == 4, !parts[1].isEmpty, !parts[3].isEmpty,
                let data = Data(base64Encoded: String(parts[2]))
            else { return nil }
            return .presence(workflowID: String(parts[3]), .update(Array(data)))
        default:
            return nil
        }
    }
}
