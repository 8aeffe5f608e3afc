import WorkflowModel
import YCRDT

/// Edits of the local replica inside one transaction, handed to ``EditorSession/edit(_:)``.
///
/// Everything here writes the document shape of DESIGN.md directly, with the fewest CRDT operations:
/// a field is one map write, body text is edited in its Y.Text at UTF-16 offsets (the unit of
/// Yjs, JavaScript and ``RelativePosition``), and ``apply(_:)`` reconciles a whole workflow value
/// (what adding or removing entities takes). The whole closure is one transaction: one update to the
/// relay and (with edits close in time) one undo step.
///
/// Valid only inside the closure it is passed to.
public struct WorkflowEdit {
    /// The replica being edited.
    public let doc: Doc
    /// The transaction the closure runs in; pass it to YCRDT calls made directly.
    public let transaction: Transaction

    // MARK: Fields

    /// Renames the workflow.
    public func renameWorkflow(to name: String) {
        doc.map(DocumentRoot.workflow).set("name", .value(.string(name)), in: transaction)
    }

    /// Renames a job.
    ///
    /// - Throws: ``EditorSessionError/noSuchEntity(kind:id:)``.
    public func renameJob(_ jobID: String, to name: String) throws {
        try setField("name", to: .string(name), of: .job, id: jobID)
    }

    /// Sets one plain field (last writer wins) of the workflow (`id` is ignored for `.workflow`), a
    /// job, a trigger or an edge: `adaptor`, `enabled`, `condition_type`, `cron_expression`, … by
    /// its document key. `nil`-like values are written as JSON `null`, as the document does.
    ///
    /// - Throws: ``EditorSessionError/noSuchEntity(kind:id:)``;
    ///   ``EditorSessionError/fieldNotSettable(_:)`` for `id`, `lock_version`, a job's `body` (edit
    ///   it as text) and positions (use ``setPosition(_:of:)``).
    public func setField(
        _ key: String, to value: YAny, of kind: ReconcileSummary.EntityKind, id: String
    ) throws {
        guard key != "id", key != "lock_version", !(kind == .job && key == "body"), kind != .position else {
            throw EditorSessionError.fieldNotSettable(key)
        }
        let map = try entityMap(kind, id: id)
        map.set(key, .value(value), in: transaction)
    }

    /// Places a node on the canvas, or removes its position (`nil`: automatic layout).
    public func setPosition(_ position: Position?, of nodeID: String) {
        let positions = doc.map(DocumentRoot.positions)
        if let position {
            positions.set(
                nodeID, .value(["x": .double(position.x), "y": .double(position.y)]), in: transaction)
        } else {
            positions.remove(nodeID, in: transaction)
        }
    }

    // MARK: Body text

    /// A job's body as the text CRDT, for edits this type does not wrap.
    ///
    /// - Throws: ``EditorSessionError/noSuchEntity(kind:id:)``, ``EditorSessionError/bodyIsNotText(jobID:)``.
    public func bodyText(of jobID: String) throws -> YText {
        guard let text = try entityMap(.job, id: jobID)["body"]?.textValue else {
            throw EditorSessionError.bodyIsNotText(jobID: jobID)
        }
        return text
    }

    /// Inserts `text` into a job's body at a UTF-16 offset.
    ///
    /// - Throws: as ``bodyText(of:)``; `YError` for an offset outside the body.
    public func insertText(_ text: String, intoBodyOf jobID: String, atUTF16 offset: Int) throws {
        try bodyText(of: jobID).insert(text, atUTF16: offset, in: transaction)
    }

    /// Deletes `count` UTF-16 units of a job's body from `offset`.
    ///
    /// - Throws: as ``bodyText(of:)``; `YError` for a range outside the body.
    public func deleteText(inBodyOf jobID: String, atUTF16 offset: Int, count: Int) throws {
        try bodyText(of: jobID).delete(atUTF16: offset, count: count, in: transaction)
    }

    /// Makes a job's body read `text`, changing only what differs (``TextDiff``), so unchanged
    /// characters — and everyone's cursors on them — keep their place. A body that is not text yet
    /// becomes a Y.Text.
    ///
    /// - Throws: ``EditorSessionError/noSuchEntity(kind:id:)``.
    public func replaceBody(of jobID: String, with text: String) throws {
        let job = try entityMap(.job, id: jobID)
        if let body = job["body"]?.textValue {
            TextDiff.update(body, to: text, in: transaction)
        } else {
            job.set("body", .text(text), in: transaction)
        }
    }

    // MARK: Whole values

    /// Brings the document to `workflow` with the minimal operations (``Reconciler``): add, remove
    /// and change entities by editing a value. `lock_version` is the relay's: the value's is ignored
    /// and the document's kept.
    @discardableResult
    public func apply(_ workflow: Workflow) -> ReconcileSummary {
        var target = workflow
        target.lockVersion = WorkflowDocument.lockVersion(doc)
        return Reconciler.reconcile(doc, to: target, in: transaction)
    }

    // MARK: Finding entities

    private func entityMap(_ kind: ReconcileSummary.EntityKind, id: String) throws -> YMap {
        let root: String
        switch kind {
        case .workflow: return doc.map(DocumentRoot.workflow)
        case .job: root = DocumentRoot.jobs
        case .trigger: root = DocumentRoot.triggers
        case .edge: root = DocumentRoot.edges
        case .position: throw EditorSessionError.fieldNotSettable("position")
        }
        for value in doc.array(root).values {
            if let map = value.mapValue, map["id"]?.anyValue?.stringValue == id { return map }
        }
        throw EditorSessionError.noSuchEntity(kind: kind, id: id)
    }
}

/// The root names of a workflow document (DESIGN.md, "The workflow document").
enum DocumentRoot {
    static let workflow = "workflow"
    static let jobs = "jobs"
    static let triggers = "triggers"
    static let edges = "edges"
    static let positions = "positions"
    /// The roots a person edits, which undo covers (not `errors`, which the relay writes).
    static let edited = [workflow, jobs, triggers, edges, positions]
}
