import Foundation
import YCRDT

/// JSON in TEXT columns: the `extra` keys of entities, Kafka settings, version snapshots, audit details.
///
/// Keys are sorted, so equal values give equal text and a stored snapshot is stable to diff.
enum JSONColumns {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(
        _ type: Value.Type, from text: String, table: String, key: String
    ) throws
        -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow(table: table, key: key, reason: "\(error)")
        }
    }

    /// An `extra` dictionary as a column value: NULL when empty.
    static func encodeExtra(_ extra: [String: YAny]) throws -> String? {
        extra.isEmpty ? nil : try encode(extra)
    }

    static func decodeExtra(_ text: String?, table: String, key: String) throws -> [String: YAny] {
        guard let text else { return [:] }
        return try decode([String: YAny].self, from: text, table: table, key: key)
    }
}
