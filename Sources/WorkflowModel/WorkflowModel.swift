import YCRDT

/// Workflows as values and as documents (issue #4).
///
/// Until that issue lands this module holds only this marker, so the layering of DESIGN.md is
/// visible in the package graph.
public enum WorkflowModelModule {
    /// The issue that builds this module.
    public static let issue = 4
}
