import WeftProtocol
import WorkflowModel
import YCRDT

/// The document as a value, the marker, local edits, undo and redo, and saving.
extension EditorSession {
    // MARK: Reading

    /// The document as a workflow value (read once per change of the document).
    public var workflow: Workflow {
        if let cached = cachedWorkflow, cached.generation == generation { return cached.value }
        let value = WorkflowDocument.read(doc)
        cachedWorkflow = (generation, value)
        return value
    }

    /// The unsaved-changes marker: the document differs from the base, compared as Lightning does
    /// (``UnsavedChanges``). Recomputed when the document or the base changed since the last read.
    public var isDirty: Bool {
        if let cached = cachedDirty, cached.generation == generation, cached.baseGeneration == baseGeneration
        {
            return cached.value
        }
        let value = UnsavedChanges.differ(document: workflow, base: base)
        cachedDirty = (generation, baseGeneration, value)
        return value
    }

    /// Every difference between the document and the base (what the marker stands for).
    public var unsavedChanges: [UnsavedChanges.Difference] {
        UnsavedChanges.differences(document: workflow, base: base)
    }

    /// The validation messages of the last failed save, as the relay wrote them into the document's
    /// `errors` map (an empty object when there are none).
    public var validationErrors: YAny { WorkflowDocument.readErrors(doc) }

    // MARK: Editing

    /// Runs `body` as one transaction on the replica and sends it to the relay as one update (or
    /// keeps it for the sync of the next connection while disconnected). It is undoable.
    ///
    /// If `body` throws, what it changed before throwing stays changed and is sent.
    @discardableResult
    public func edit<Result>(_ body: (WorkflowEdit) throws -> Result) rethrows -> Result {
        let document = doc
        let result = try document.transact(origin: nil) { transaction in
            try body(WorkflowEdit(doc: document, transaction: transaction))
        }
        flushOutgoing()
        return result
    }

    /// Changes the workflow as a value; the document follows with the minimal operations
    /// (``WorkflowEdit/apply(_:)``). The way to add or remove jobs, triggers and edges.
    public func update(_ change: (inout Workflow) throws -> Void) rethrows {
        var value = workflow
        try change(&value)
        edit { $0.apply(value) }
    }

    // MARK: Undo

    public var canUndo: Bool { undoManager.canUndo }
    public var canRedo: Bool { undoManager.canRedo }

    /// Undoes the newest step of this session's own edits (never anyone else's); sends the result.
    /// Returns false when there was nothing to undo.
    @discardableResult
    public func undo() -> Bool {
        let undone = undoManager.undo()
        flushOutgoing()
        return undone
    }

    /// Redoes the newest undone step; sends the result. Returns false when there was nothing to redo.
    @discardableResult
    public func redo() -> Bool {
        let redone = undoManager.redo()
        flushOutgoing()
        return redone
    }

    /// Ends the current undo step: the next edit starts a new one even within the capture timeout
    /// (call it when the user moves to another field or job).
    public func endUndoStep() {
        undoManager.stopCapturing()
    }

    // MARK: Saving

    /// Asks the relay to save the document as the next version, carrying the base's lock_version
    /// (every edit made before is sent first). The answer arrives as ``SessionEvent/saved(lockVersion:)``
    /// or ``SessionEvent/saveFailed(_:)`` from ``pump(timeout:)``.
    ///
    /// - Throws: ``EditorSessionError/notConnected`` unless joined and synced.
    public func save() throws {
        flushOutgoing()
        guard phase == .live, connection != nil else { throw EditorSessionError.notConnected }
        guard send(.control(.save(lockVersion: lockVersion))) else { throw EditorSessionError.notConnected }
        savesOutstanding += 1
    }

    // MARK: Sending edits

    /// Sends the updates of local transactions, or counts them as offline edits when they cannot go
    /// now (the next connection's sync step 2 carries them).
    func flushOutgoing() {
        guard !outgoing.isEmpty else { return }
        let updates = outgoing
        outgoing.removeAll()
        guard phase == .syncing || phase == .live else {
            for _ in updates { ledger.recordOfflineEdit() }
            return
        }
        for (index, update) in updates.enumerated() {
            guard send(.sync(.update(update))) else {
                // The connection dropped: these wait for the next one.
                for _ in updates[index...] { ledger.recordOfflineEdit() }
                return
            }
            ledger.recordSentEdit()
        }
    }
}
