import YCRDT

/// What a live document does with its unsaved edits when a new version of its workflow is saved
/// elsewhere (a deploy, a sandbox merge, a sync, another editor's save).
public enum ExternalUpdatePolicy: String, Hashable, Sendable, Codable, CaseIterable {
    /// Three-way: the changes old base → new version are applied onto the document and its own edits
    /// that do not conflict stay. Weft's default.
    case rebase
    /// Lightning's behaviour: the document becomes the new version; the discarded edits come back as
    /// a draft so they can be recovered.
    case reset
}

/// What applying a new version to a document did.
public struct RebaseOutcome: Hashable, Sendable {
    /// What the document's one transaction changed.
    public var summary: ReconcileSummary
    /// Where the document's unsaved edits gave way to the new version (rebase only).
    public var conflicts: [RebaseConflict]
    /// Reset only: the document as it was, when it held unsaved edits, so nothing is lost.
    public var draft: Workflow?
    /// Whether the document held edits of its own: it differed from the old base (the unsaved-changes
    /// marker was on), and not merely because it already held the new version.
    public var hadUnsavedEdits: Bool
    /// Whether the document still differs from the new version afterwards (the marker stays on
    /// against the new base).
    public var stillDirty: Bool

    public init(
        summary: ReconcileSummary = ReconcileSummary(), conflicts: [RebaseConflict] = [],
        draft: Workflow? = nil,
        hadUnsavedEdits: Bool = false, stillDirty: Bool = false
    ) {
        self.summary = summary
        self.conflicts = conflicts
        self.draft = draft
        self.hadUnsavedEdits = hadUnsavedEdits
        self.stillDirty = stillDirty
    }
}

/// Brings a live document to a new saved version without losing what people typed into it.
public enum Rebaser {
    /// Applies `newVersion` (theirs) to `doc`, whose content is `oldBase` plus whatever unsaved edits
    /// people made (ours), in at most one transaction with `origin`.
    ///
    /// - No unsaved edits (the document equals `oldBase` by the unsaved-changes compare), or the
    ///   document already equals `newVersion`: the document is reconciled to `newVersion`.
    /// - `.rebase`: the document is reconciled to ``ThreeWayMerge/merge(base:ours:theirs:)`` of
    ///   `oldBase`, the document and `newVersion`; the conflicts say where our edits gave way.
    /// - `.reset`: the document is reconciled to `newVersion`; `draft` is the document as it was.
    ///
    /// Reconciling is minimal (``Reconciler``): entities nobody changed keep their CRDT items, a body
    /// changes by a text diff. A document that already holds exactly `newVersion` gets no transaction
    /// at all, and neither does a document of another workflow (a version whose id is not the
    /// document's is ignored: the outcome is empty). An empty document (never written) is written.
    ///
    /// `stillDirty` is computed from the document read back afterwards, so it is what the marker will
    /// show against the new base (a version without positions leaves the canvas alone, for one).
    @discardableResult
    public static func apply(
        newVersion: Workflow, oldBase: Workflow, to doc: Doc, policy: ExternalUpdatePolicy = .rebase,
        origin: AnyHashable? = nil
    ) -> RebaseOutcome {
        let ours = WorkflowDocument.read(doc)
        let isEmpty = ours.id.isEmpty
        if !isEmpty, ours.id != newVersion.id { return RebaseOutcome() }
        if ours == newVersion { return RebaseOutcome() }

        let hadUnsavedEdits = !isEmpty && UnsavedChanges.differ(document: ours, base: oldBase)
        guard hadUnsavedEdits, UnsavedChanges.differ(document: ours, base: newVersion) else {
            // Nothing of ours to keep (or ours already is the new version): the document becomes theirs.
            let summary = Reconciler.reconcile(doc, to: newVersion, origin: origin)
            return RebaseOutcome(
                summary: summary, hadUnsavedEdits: false, stillDirty: stillDirty(doc, against: newVersion))
        }

        switch policy {
        case .rebase:
            let (merged, conflicts) = ThreeWayMerge.merge(base: oldBase, ours: ours, theirs: newVersion)
            let summary = Reconciler.reconcile(doc, to: merged, origin: origin)
            return RebaseOutcome(
                summary: summary, conflicts: conflicts, hadUnsavedEdits: true,
                stillDirty: stillDirty(doc, against: newVersion))
        case .reset:
            let summary = Reconciler.reconcile(doc, to: newVersion, origin: origin)
            return RebaseOutcome(
                summary: summary, draft: ours, hadUnsavedEdits: true,
                stillDirty: stillDirty(doc, against: newVersion))
        }
    }

    private static func stillDirty(_ doc: Doc, against newVersion: Workflow) -> Bool {
        UnsavedChanges.differ(document: WorkflowDocument.read(doc), base: newVersion)
    }
}
