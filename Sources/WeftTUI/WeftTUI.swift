import TOMLKit
import WeftClient
import WorkflowModel

/// The editor as a value: events in, effects out, a cell-grid renderer (issue #6).
public enum WeftTUIModule {
    /// The issue that builds this module.
    public static let issue = 6
}
