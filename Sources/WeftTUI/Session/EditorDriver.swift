import WeftClient
import WorkflowModel
import YCRDT

/// Runs an ``EditorState`` against a live ``EditorSession``: session reports become events, and the
/// effects that concern the session (save, select) are carried out on it. The terminal's part —
/// drawing, keys, redraw and quit — stays with the owner (the curses loop, or the headless demo).
///
/// **Threading.** Like the session: one owner, one thread, nothing happens between calls.
public final class EditorDriver {
    public let session: EditorSession
    public private(set) var state: EditorState
    /// Set once a ``EditorEffect/quit`` came out.
    public private(set) var wantsQuit = false
    /// Set when a ``EditorEffect/redraw`` came out; the owner clears it after repainting.
    public var wantsRedraw = false
    /// Every message the editor showed, in order, with the clock's reading: the headless demo's
    /// transcript.
    public private(set) var messages: [(time: Duration, text: String)] = []
    private let clock: () -> Duration
    /// The body cursor the session last published (job, cursor, anchor), to publish only changes.
    var publishedBodyCursor: PublishedBodyCursor?
    /// Set when our edit, undo or redo changed the document in this batch: a ``EditorEvent/localChange(_:)``
    /// follows the batch (one per batch, however many keys it held).
    var documentChangedLocally = false
    /// Set by undo and redo: the cursor is read back from its relative position after the batch.
    var cursorNeedsResolving = false
    /// The document's `errors` map as the editor was last told it.
    var shownValidationErrors = FieldErrors()

    /// A driver for `session`, which must have joined its workflow.
    ///
    /// - Parameters:
    ///   - clock: the same kind of clock the session uses (a `Duration` since a fixed epoch).
    ///   - idSeed: seeds the ids of jobs, triggers and edges this editor adds (random by default).
    public init(
        session: EditorSession, size: Size, clock: @escaping () -> Duration, settings: EditorSettings = EditorSettings(),
        idSeed: UInt64 = UInt64.random(in: 0...UInt64.max)
    ) {
        self.session = session
        self.clock = clock
        state = EditorState(
            workflow: session.workflow, lockVersion: session.lockVersion, isDirty: session.isDirty,
            userName: session.userName, size: size,
            connection: session.isSynced ? .connected : .connecting,
            participants: session.collaborators.map { SessionEvents.participant($0, in: session) }, now: clock(),
            settings: settings, idSeed: idSeed, isReadOnly: session.role == .viewer)
        session.select(nodeID: state.selectedID)
    }

    /// Reads what the session has (waiting up to `timeout`) and applies it.
    public func pumpSession(timeout: Duration = .zero) {
        let reports = session.pump(timeout: timeout)
        var events = reports.flatMap { SessionEvents.events(for: $0, session: session) }
        if reports.contains(where: SessionEvents.changesDocument) { events += bodyEventsAfterDocumentChange() }
        // Anyone's refused save writes the relay's messages into the document, and a change of that
        // map alone is no remote change of the workflow: compare it on every pump (it is small).
        let errors = FieldErrors(errorsMap: session.validationErrors)
        if errors != shownValidationErrors {
            shownValidationErrors = errors
            events.append(.validationErrors(errors))
        }
        apply(events)
    }

    /// Applies `events` after a tick of the clock, carrying out the session's effects.
    public func apply(_ events: [EditorEvent]) {
        var queue: [EditorEvent] = [.tick(clock())] + events
        var index = 0
        while index < queue.count {
            let before = state.toasts.toasts.map(\.id)
            // Where this event's answers go: right after it, in order, before any key still waiting.
            var answerSlot = index + 1
            for effect in state.apply(queue[index]) {
                switch effect {
                case .save:
                    do { try session.save() } catch {
                        queue.append(.saveFailed(reason: "not sent", message: "\(error)"))
                    }
                case .select(let id):
                    session.select(nodeID: id)
                case .edit(let request):
                    let failure = carryOut(request)
                    queue.insert(.localChange(localChange(failure: failure)), at: answerSlot)
                    answerSlot += 1
                case .undo:
                    session.endUndoStep()
                    let undone = session.undo()
                    // Next, before any key still waiting in this batch: those keys must see the
                    // document as the undo left it, or their offsets would land elsewhere.
                    queue.insert(
                        .localChange(localChange(failure: undone ? nil : "there was nothing to undo")), at: answerSlot)
                    answerSlot += 1
                    // An open body's cursor is read back from its relative position after the batch.
                    cursorNeedsResolving = cursorNeedsResolving || undone
                    documentChangedLocally = documentChangedLocally || undone
                case .redo:
                    session.endUndoStep()
                    let redone = session.redo()
                    queue.insert(
                        .localChange(localChange(failure: redone ? nil : "there was nothing to redo")), at: answerSlot)
                    answerSlot += 1
                    cursorNeedsResolving = cursorNeedsResolving || redone
                    documentChangedLocally = documentChangedLocally || redone
                case .redraw:
                    wantsRedraw = true
                case .quit:
                    wantsQuit = true
                case .endUndoStep:
                    session.endUndoStep()
                case .editBody(let jobID, let offset, let deleteCount, let insert):
                    let failure = editBody(
                        jobID: jobID, utf16Offset: offset, deleteCount: deleteCount, insert: insert)
                    if let failure { queue.append(.error(failure)) }
                }
            }
            for toast in state.toasts.toasts where !before.contains(toast.id) {
                messages.append((state.now, toast.text))
            }
            index += 1
            if index == queue.count { queue += eventsAfterLocalChanges() }
        }
        publishBodyCursor()
    }

    /// Makes `request` on the session as one undo step of its own; returns why it failed, if it did.
    private func carryOut(_ request: WorkflowChangeRequest) -> String? {
        session.endUndoStep()
        defer { session.endUndoStep() }
        do {
            switch request {
            case .setField(let field, let value, let id):
                let document: YAny =
                    switch value {
                    case .text(let text): text.map(YAny.string) ?? .null
                    case .flag(let flag): .bool(flag)
                    }
                guard let kind = ReconcileSummary.EntityKind(rawValue: field.kind.rawValue) else {
                    return "\(field.kind.rawValue) fields cannot be set"
                }
                if field.kind == .workflow, field.key == "name", case .text(let name?) = value {
                    session.edit { $0.renameWorkflow(to: name) }
                } else {
                    try session.edit { try $0.setField(field.key, to: document, of: kind, id: id) }
                }
            case .addJob, .addTrigger, .addEdge, .delete:
                var failure: String?
                session.update { workflow in
                    do { try request.apply(to: &workflow) } catch { failure = "\(error)" }
                }
                if let failure { return failure }
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func localChange(failure: String?) -> LocalChange {
        LocalChange(
            workflow: session.workflow, isDirty: session.isDirty, canUndo: session.canUndo, canRedo: session.canRedo,
            failure: failure)
    }

    /// How long the owner may wait for input before something is due: a message or badge expiring, or
    /// the session's next timer (presence renewal, a reconnect attempt).
    public var timeUntilNextWakeUp: Duration? {
        let now = clock()
        let deadlines = [state.nextDeadline.map { max(.zero, $0 - now) }, session.timeUntilNextTimer]
        return deadlines.compactMap { $0 }.min()
    }
}
