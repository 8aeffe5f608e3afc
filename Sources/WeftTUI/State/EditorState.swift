import WorkflowModel

/// The whole editor as a value: what is open, what is selected, what is on screen, what is being
/// said. Events go in through ``apply(_:)``, effects come out; rendering reads it
/// (``ScreenRenderer``). Nothing here does I/O or reads a clock — time arrives as
/// ``EditorEvent/tick(_:)`` — so every test can drive it with events and compare whole states.
public struct EditorState: Hashable, Sendable {
    /// The mode decides what keys mean.
    public enum Mode: Hashable, Sendable {
        /// Keys move through the graph (``Keymap``).
        case normal
        /// The `?` overlay, scrolled by `scroll` lines.
        case help(scroll: Int)
        /// The `:` command line holding `text`.
        case command(String)
        /// The `/` search field holding `text`; `origin` is what was selected before, restored by Esc.
        case search(String, origin: String?)
        /// "Unsaved changes — quit anyway?"
        case confirmQuit
        /// The form of the selection's fields (``Inspector``).
        case inspector(Inspector)
        /// "Delete this and its edges?" about entity `id`.
        case confirmDelete(String)
        /// Adding an edge: picking its source (nil) with the move keys, then its target.
        case connect(source: String?)
        /// The collaborators list, scrolled by `scroll` lines.
        case who(scroll: Int)
        /// A save was refused as stale: rebase and save again?
        case confirmRebase(StaleSave)
        /// Typing goes into the job body open in ``EditorState/body`` (`b`; Esc goes back).
        case body
    }

    /// A mark on something someone else just changed.
    public struct Badge: Hashable, Sendable {
        /// Initials of who changed it; empty for a system actor or someone unknown.
        public var initials: String
        public var expiresAt: Duration
    }

    /// The document as it reads now.
    public private(set) var workflow: Workflow
    /// The saved version the document is based on (what a save carries).
    public private(set) var lockVersion: Int
    /// Whether the document differs from the saved version.
    public private(set) var isDirty: Bool
    /// Who we are.
    public let userName: String
    public private(set) var connection: ConnectionStatus
    public private(set) var participants: [Participant] = []
    public private(set) var layout: GraphLayout
    /// The selected node or edge.
    public private(set) var selectedID: String?
    public private(set) var size: Size
    /// The canvas cell at the graph window's top left.
    public private(set) var graphScroll = Point.zero
    /// The first line of the details shown.
    public private(set) var detailScroll = 0
    public private(set) var showsDetails = true
    public private(set) var mode = Mode.normal
    public private(set) var toasts = ToastQueue()
    public private(set) var badges: [String: Badge] = [:]
    /// The last search, for `n` and `N`.
    public private(set) var lastSearch = ""
    /// Set by "save and quit"; the quit follows the `saved` answer.
    public private(set) var quitsAfterSave = false
    /// The injected clock's last reading.
    public private(set) var now: Duration
    /// A stale refusal that came while typing in a body: rather than a question that would take the
    /// next keystroke, the message line says so and the next Ctrl-S rebases and saves again.
    public private(set) var pendingRebase: StaleSave?
    /// Whether our own edits can be undone or redone now (from the last ``LocalChange``).
    public private(set) var canUndo = false
    public private(set) var canRedo = false
    /// The relay's validation messages from the last refused save, until a save succeeds.
    public private(set) var relayErrors = FieldErrors()
    /// After "rebase and save again" while the newer version has not arrived yet: the version to
    /// wait for before saving.
    public private(set) var savesAtVersion: Int?
    /// Where the ids of added entities come from.
    public private(set) var ids: IDSource
    /// The body editor, while a job's body is open (``Mode/body``).
    public internal(set) var body: BodyEditor?
    /// What the body editor's Ctrl-C and Ctrl-X last took (the editor's own clipboard).
    public internal(set) var bodyClipboard = ""
    public let keymap: Keymap
    /// A viewer's editor: it shows everything and follows the others, but changes nothing (the relay
    /// would refuse the changes, and a replica that kept them would no longer match anyone's).
    public let isReadOnly: Bool
    public let settings: EditorSettings

    /// An editor open on `workflow`, based on version `lockVersion`, on a terminal of `size`, with
    /// `participants` already there (their arrival is not announced; later ones are).
    ///
    /// The first node in reading order (a trigger, usually) starts selected.
    public init(
        workflow: Workflow, lockVersion: Int? = nil, isDirty: Bool = false, userName: String, size: Size,
        connection: ConnectionStatus = .connected, participants: [Participant] = [], now: Duration = .zero,
        keymap: Keymap = .standard,
        settings: EditorSettings = EditorSettings(), idSeed: UInt64 = 0, isReadOnly: Bool = false
    ) {
        self.ids = IDSource(seed: idSeed)
        self.isReadOnly = isReadOnly
        self.workflow = workflow
        self.lockVersion = lockVersion ?? workflow.lockVersion
        self.isDirty = isDirty
        self.userName = userName
        self.size = size
        self.connection = connection
        self.participants = participants
        self.now = now
        self.keymap = keymap
        self.settings = settings
        self.layout = GraphLayout.make(for: workflow)
        self.selectedID = layout.readingOrder.first
        scrollSelectionIntoView()
    }

    /// Where everything goes on the screen now.
    public var screen: ScreenLayout { ScreenLayout(size: size, showsDetails: showsDetails) }

    /// When the state next changes by itself (a message or badge expiring), for the loop's timeout.
    public var nextDeadline: Duration? {
        ([toasts.nextExpiry] + badges.values.map { Optional($0.expiresAt) }).compactMap { $0 }.min()
    }

    /// The name the screen gives an entity: a job's name, a trigger's label, an edge's "a → b".
    public func displayName(of id: String) -> String {
        if let job = workflow.job(id) { return job.name.isEmpty ? "(unnamed)" : job.name }
        if let trigger = workflow.trigger(id) { return GraphLayout.label(of: trigger) }
        if let edge = workflow.edge(id) {
            return "\(displayName(of: edge.sourceID ?? "?")) → \(displayName(of: edge.targetJobID))"
        }
        return id == workflow.id ? "the workflow" : id
    }

    // MARK: Changing the state (used by the apply extensions)

    mutating func setWorkflow(_ workflow: Workflow) {
        self.workflow = workflow
        layout = GraphLayout.make(for: workflow, previous: layout)
        if let selectedID, layout.node(selectedID) == nil, layout.route(selectedID) == nil,
            workflow.edge(selectedID) == nil
        {
            self.selectedID = layout.readingOrder.first
        }
        clampScroll()
        refreshBody()
    }

    mutating func setDirty(_ dirty: Bool) { isDirty = dirty }
    mutating func setPendingRebase(_ stale: StaleSave?) { pendingRebase = stale }
    mutating func setLockVersion(_ version: Int) { lockVersion = version }
    mutating func setConnection(_ status: ConnectionStatus) { connection = status }
    mutating func setParticipants(_ list: [Participant]) { participants = list }
    mutating func setMode(_ mode: Mode) { self.mode = mode }
    mutating func setLastSearch(_ text: String) { lastSearch = text }
    mutating func setQuitsAfterSave(_ value: Bool) { quitsAfterSave = value }
    mutating func setUndoable(canUndo: Bool, canRedo: Bool) {
        self.canUndo = canUndo
        self.canRedo = canRedo
    }
    mutating func setRelayErrors(_ errors: FieldErrors) { relayErrors = errors }
    mutating func setSavesAtVersion(_ version: Int?) { savesAtVersion = version }
    mutating func nextID() -> String { ids.next() }
    mutating func showDetails() {
        guard !showsDetails else { return }
        toggleDetails()
    }
    mutating func toggleDetails() {
        showsDetails.toggle()
        clampScroll()
        scrollSelectionIntoView()
    }
    mutating func setBadge(_ id: String, initials: String) {
        badges[id] = Badge(initials: initials, expiresAt: now + settings.badgeLifetime)
    }
    mutating func toast(_ level: Toast.Level, _ text: String, sticky: Bool = false) {
        let lifetime = sticky ? nil : level == .error ? settings.errorLifetime : settings.toastLifetime
        toasts.push(level, text, now: now, lifetime: lifetime)
    }
    @discardableResult mutating func dismissToast() -> Bool { toasts.dismissCurrent() }

    mutating func advanceClock(to time: Duration) {
        now = max(now, time)
        toasts.expire(now: now)
        badges = badges.filter { $0.value.expiresAt > now }
    }

    mutating func resize(_ newSize: Size) {
        size = Size(width: max(0, newSize.width), height: max(0, newSize.height))
        clampScroll()
        scrollSelectionIntoView()
        refreshBody()
    }

    /// Selects `id` and scrolls it into view; returns whether the selection changed.
    @discardableResult
    mutating func select(_ id: String?) -> Bool {
        guard id != selectedID else { return false }
        selectedID = id
        detailScroll = 0
        scrollSelectionIntoView()
        return true
    }

    mutating func scrollGraph(dx: Int, dy: Int) {
        graphScroll = Point(x: graphScroll.x + dx, y: graphScroll.y + dy)
        clampScroll()
    }

    mutating func scrollDetails(by lines: Int) {
        detailScroll += lines
        clampScroll()
    }

    mutating func scrollHelp(by lines: Int) {
        guard case .help(let scroll) = mode else { return }
        mode = .help(scroll: max(0, min(scroll + lines, HelpOverlay.lines(keymap).count - 1)))
    }

    /// Keeps the scroll offsets within what there is to show.
    mutating func clampScroll() {
        let area = screen.graphArea
        graphScroll.x = max(0, min(graphScroll.x, layout.width - area.width))
        graphScroll.y = max(0, min(graphScroll.y, layout.height - area.height))
        let detailHeight = screen.detailArea?.height ?? 0
        // The body editor hides the details: their scroll waits as it is (and a long body is not laid
        // out again on every keystroke).
        let detailLines =
            mode == .body
            ? detailScroll + detailHeight
            : DetailPane.lines(for: self, width: screen.detailArea?.width ?? 40, glyphs: .unicode).count
        detailScroll = max(0, min(detailScroll, detailLines - detailHeight))
    }

    /// Scrolls the graph so the selection is in the window, with a cell of margin when it fits.
    mutating func scrollSelectionIntoView() {
        guard let selectedID, let frame = layout.frame(of: selectedID) else {
            clampScroll()
            return
        }
        let area = screen.graphArea
        guard area.width > 0, area.height > 0 else { return }
        func fit(_ scroll: Int, _ start: Int, _ length: Int, _ window: Int) -> Int {
            var scroll = scroll
            if start + length > scroll + window { scroll = start + length - window + (length < window ? 1 : 0) }
            if start < scroll { scroll = max(0, start - (length < window ? 1 : 0)) }
            return scroll
        }
        graphScroll = Point(
            x: fit(graphScroll.x, frame.x, frame.width, area.width),
            y: fit(graphScroll.y, frame.y, frame.height, area.height))
        clampScroll()
    }
}
