/// Timings of the editor.
public struct EditorSettings: Hashable, Sendable {
    /// How long an ordinary message stays.
    public var toastLifetime: Duration = .seconds(4)
    /// How long an error stays.
    public var errorLifetime: Duration = .seconds(8)
    /// How long the badge on something someone else changed stays.
    public var badgeLifetime: Duration = .seconds(15)

    public init() {}
}
