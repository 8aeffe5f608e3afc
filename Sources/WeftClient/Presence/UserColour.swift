/// A person's colour, derived from their name so that every client picks the same one without
/// asking: a stable hash (FNV-1a over the UTF-8 bytes, not Swift's per-process `Hasher`) into
/// Lightning's eight collaborator colours (`utils/userColor.ts`).
///
/// Colour alone never identifies anyone: a UI shows initials or names beside it.
public enum UserColour {
    /// Lightning's palette, as `#RRGGBB`.
    public static let palette = [
        "#FF6B6B", "#4ECDC4", "#45B7D1", "#FFA07A", "#98D8C8", "#FFCF56", "#FF8B94", "#AED581",
    ]

    /// The colour of `name`, the same on every machine and in every run.
    public static func colour(forName name: String) -> String {
        palette[Int(fnv1a(name) % UInt32(palette.count))]
    }

    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
