/// Reads update v2 (the column-oriented format Yjs writes for some peers).
enum UpdateV2Decoder {
    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> DecodedUpdate {
        throw .malformed("update v2 is not supported yet")
    }
}
