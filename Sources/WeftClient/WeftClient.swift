import WeftProtocol
import WorkflowModel

/// The client side: connection, local replica, base workflow, unsaved-changes marker (issue #6).
public enum WeftClientModule {
    /// The issue that builds this module.
    public static let issue = 6
}
