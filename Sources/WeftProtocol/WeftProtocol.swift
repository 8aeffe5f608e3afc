import YCRDT

/// The frame codec and control messages shared by relay and client (issue #5).
public enum WeftProtocolModule {
    /// The issue that builds this module.
    public static let issue = 5
}
