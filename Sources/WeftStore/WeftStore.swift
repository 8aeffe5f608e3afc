import GRDB
import WorkflowModel

/// The database: saved workflows, versions, the document log and snapshots (issue #5).
public enum WeftStoreModule {
    /// The issue that builds this module.
    public static let issue = 5
}
