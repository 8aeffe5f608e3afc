import WorkflowModel

/// Everything that can happen to the editor: the only input of ``EditorState/apply(_:)``.
public enum EditorEvent: Hashable, Sendable {
    case key(Key)
    /// Text the person pasted (bracketed paste, ``BracketedPaste``): one edit, not a key per character.
    case paste(String)
    /// The terminal is now `width` × `height` cells.
    case resize(width: Int, height: Int)
    /// Time passed: `now` is the injected clock's reading. The loop sends one before each batch of
    /// other events, so everything in the batch happens "now".
    case tick(Duration)
    /// Someone else's edits changed the document.
    case remoteChange(RemoteChange)
    /// Our save made version `lockVersion`.
    case saved(lockVersion: Int, isDirty: Bool)
    /// Our save was refused; nothing was written.
    case saveFailed(reason: String, message: String)
    /// The relay refused our save, with its reasons (validation messages, what moved).
    case saveRefused(SaveRefusal)
    /// Our own edit, undo or redo was carried out (after ``EditorEffect/edit(_:)``,
    /// ``EditorEffect/undo`` or ``EditorEffect/redo``).
    case localChange(LocalChange)
    /// Someone else made a new version (a save, deploy, merge or sync).
    case workflowSaved(SavedVersion)
    /// Who else is here now (the whole list).
    case presence([Participant])
    case connection(ConnectionStatus)
    /// Something went wrong that the person should read about; the editor goes on.
    case error(String)
    /// A word from the program around the editor (the demo's narration); `sticky` ones stay until Esc.
    case notice(String, sticky: Bool)
    /// Where the body editor's cursor and selection anchor stand now in the job's body (UTF-16
    /// offsets), after the document changed under them: the driver keeps them as relative positions,
    /// so they stay on their characters while others type.
    case bodyCursorMoved(jobID: String, utf16Offset: Int, anchor: Int?)
    /// The document's `errors` map changed: what the relay found wrong at the last save, whoever made
    /// it (empty once a save succeeded). Shown at the fields as our own refused save's are.
    case validationErrors(FieldErrors)

    /// Someone else's edits, as the document reads after them.
    public struct RemoteChange: Hashable, Sendable {
        /// The document now.
        public var workflow: Workflow
        /// Whether it differs from the saved version now.
        public var isDirty: Bool
        /// The jobs, triggers and edges (and nodes whose position) that changed.
        public var changedIDs: Set<String>
        /// Who made them, when known.
        public var author: String?

        public init(workflow: Workflow, isDirty: Bool, changedIDs: Set<String>, author: String? = nil) {
            self.workflow = workflow
            self.isDirty = isDirty
            self.changedIDs = changedIDs
            self.author = author
        }
    }

    /// A version someone else made.
    public struct SavedVersion: Hashable, Sendable {
        public var lockVersion: Int
        /// The document now, when the version changed it (nil: unchanged, or changes came as a
        /// ``EditorEvent/remoteChange(_:)`` already).
        public var workflow: Workflow?
        public var isDirty: Bool
        /// Who made it (a person's name, or a system actor such as `deploy`), when known.
        public var author: String?
        /// Whether the author is a person (people get initials on badges; deploys do not).
        public var authorIsPerson: Bool
        /// How: `editor`, `deploy`, `merge`, `sync`, `restore`.
        public var source: String?
        public var changedIDs: Set<String>
        /// Our unsaved edits the new version overrode, each a sentence.
        public var conflicts: [String]

        public init(
            lockVersion: Int, workflow: Workflow? = nil, isDirty: Bool, author: String? = nil,
            authorIsPerson: Bool = false, source: String? = nil, changedIDs: Set<String> = [],
            conflicts: [String] = []
        ) {
            self.lockVersion = lockVersion
            self.workflow = workflow
            self.isDirty = isDirty
            self.author = author
            self.authorIsPerson = authorIsPerson
            self.source = source
            self.changedIDs = changedIDs
            self.conflicts = conflicts
        }

        /// Whether it came from outside the editors: a deploy, merge, sync or restore.
        public var isExternal: Bool { source != nil && source != "editor" }
    }
}

/// What the editor asks the world to do: the only output of ``EditorState/apply(_:)``. The loop
/// that owns the session and the terminal carries them out.
public enum EditorEffect: Hashable, Sendable {
    /// Save the document as a new version.
    case save
    /// Tell the others what we have selected (presence).
    case select(String?)
    /// Change the workflow's structure or a field; the answer is a ``EditorEvent/localChange(_:)``.
    case edit(WorkflowChangeRequest)
    /// Undo our newest step (never anyone else's); the answer is a ``EditorEvent/localChange(_:)``.
    case undo
    /// Redo our newest undone step; the answer is a ``EditorEvent/localChange(_:)``.
    case redo
    /// Repaint the whole terminal (Ctrl-L).
    case redraw
    case quit
    /// Edit a job's body: delete `deleteCount` UTF-16 units at `utf16Offset`, then insert `insert`
    /// there. The body editor shows the result already; the driver makes it in the document.
    case editBody(jobID: String, utf16Offset: Int, deleteCount: Int, insert: String)
    /// End the undo step under way: the next edit starts a new one. Before and after a paste (a step
    /// of its own) and when a body is opened (typing in one job's body is never undone with another's).
    case endUndoStep
}
