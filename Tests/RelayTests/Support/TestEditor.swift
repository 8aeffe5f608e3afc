import Foundation
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel
import YCRDT

/// A minimal editor over the real socket: joins a workflow, syncs a YCRDT replica with the relay as
/// y-protocols does, edits it (through `WorkflowDocument`/`Reconciler` or a job body's `YText`), saves,
/// and keeps what a real client keeps: the base workflow and its lock_version (from `joined`, `saved`
/// and `workflow_saved`), the ack count, and every control message that arrived.
///
/// Blocking and single-threaded, like the CLI's client: every wait pumps the socket, applying sync
/// messages and answering the relay's step 1 as it goes.
final class TestEditor {
    struct JoinRefused: Error, CustomStringConvertible {
        let code: String
        let message: String
        var description: String { "join refused: \(code): \(message)" }
    }

    let name: String
    let connection: RelayConnection
    let doc: Doc
    let session: SyncSession
    /// The saved workflow the editor's unsaved-changes marker compares against.
    private(set) var base: Workflow
    private(set) var lockVersion: Int
    private(set) var role: String = ""
    private(set) var clientID: UInt64?
    /// Control messages that arrived and were not taken by ``take(timeout:_:)`` (acks excluded).
    private(set) var inbox: [ControlMessage] = []
    /// Every `error` the relay sent this connection.
    private(set) var errors: [ControlMessage] = []
    /// Sync step 2 and update messages sent since the join: what the relay's acks count.
    private(set) var updatesSent = 0
    /// The highest `ack {updates}` received.
    private(set) var acked = 0
    /// Every ack in arrival order, with how many errors had arrived before it.
    private(set) var ackLog: [(updates: Int, errorsBefore: Int)] = []
    /// Whether the relay closed the connection.
    private(set) var isClosed = false
    private(set) var awarenessMessages = 0
    /// The awareness updates the relay sent, in order.
    private(set) var awarenessUpdates: [[UInt8]] = []
    private let outbox = Outbox()
    private var subscription: Subscription?

    private final class Outbox {
        var updates: [[UInt8]] = []
    }

    /// Connects, joins `workflow` (id or `project/workflow`) as `name`, and syncs. With `replica`, the
    /// editor syncs a document it already holds (a client reconnecting, to the same relay or another).
    init(
        socket: String, workflow: String, as name: String, replica: Doc? = nil, timeout: Duration = .seconds(10)
    ) throws {
        self.name = name
        self.connection = try RelayConnection(path: socket)
        self.doc = replica ?? Doc()
        self.session = SyncSession(doc: doc, options: .client)
        self.base = Workflow(id: "", name: "", lockVersion: 0)
        self.lockVersion = 0
        let outbox = self.outbox
        let sessionOrigin = session.origin
        subscription = doc.observeUpdates { update, transaction in
            // Local edits only: what the relay sent is already there.
            if transaction.origin != sessionOrigin { outbox.updates.append(update) }
        }
        try join(workflow, timeout: timeout)
    }

    deinit { connection.close() }

    private func join(_ workflow: String, timeout: Duration) throws {
        try connection.send(.control(.join(workflow: workflow, as: name)))
        let answer = try take(timeout: timeout) { control -> ControlMessage? in
            switch control {
            case .joined, .error: control
            default: nil
            }
        }
        guard case .joined(let baseJSON, let version, let role, let clientID) = answer else {
            if case .error(let code, let message) = answer { throw JoinRefused(code: code, message: message) }
            throw TestSupportError("unexpected answer to join: \(answer)")
        }
        base = try Self.workflow(from: baseJSON)
        lockVersion = version
        self.role = role.rawValue
        self.clientID = clientID
        for message in session.start() { try send(WireMessage(message)!) }
        try waitUntil(timeout: timeout, "synced") { session.isSynced }
    }

    /// Leaves and joins again on the same connection with a fresh replica is not supported by this
    /// class (the replica is its identity); see `leave()` for the connection-level part.
    func leave() throws { try connection.send(.control(.leave)) }

    func close() { connection.close() }

    // MARK: The document

    /// The document as a workflow value.
    var workflow: Workflow { WorkflowDocument.read(doc) }

    /// The unsaved-changes marker: the document differs from the base (DESIGN.md behaviour 2).
    var isDirty: Bool { UnsavedChanges.differ(document: workflow, base: base) }

    var unsavedDifferences: [UnsavedChanges.Difference] {
        UnsavedChanges.differences(document: workflow, base: base)
    }

    /// Every root of the document as plain JSON: what two converged replicas must agree on.
    var contents: YAny { Self.contents(of: doc) }

    static func contents(of doc: Doc) -> YAny {
        var object = YObject()
        for name in doc.rootNames {
            if let root = doc.existingRoot(name) { object[name] = root.json }
        }
        // Roots that exist but are empty look the same as roots never touched.
        for (key, value) in object.entries {
            if value == .object(YObject()) || value == .array([]) { object[key] = nil }
        }
        return .object(object)
    }

    // MARK: Editing

    /// Changes the workflow value and brings the document to it with the minimal CRDT operations
    /// (a body changes by a text diff), as the editor does; sends the update.
    func edit(_ change: (inout Workflow) -> Void) throws {
        var value = workflow
        change(&value)
        Reconciler.reconcile(doc, to: value, origin: "local")
        try flush()
    }

    /// Inserts `text` into a job's body at UTF-16 offset `offset` (clamped to the end); sends it.
    func insert(_ text: String, intoBodyOf jobID: String, at offset: Int) throws {
        let body = try bodyText(of: jobID)
        try body.insert(text, atUTF16: min(offset, body.utf16Count))
        try flush()
    }

    /// Appends `text` to a job's body; sends it.
    func append(_ text: String, toBodyOf jobID: String) throws {
        let body = try bodyText(of: jobID)
        try body.insert(text, atUTF16: body.utf16Count)
        try flush()
    }

    func bodyText(of jobID: String) throws -> YText {
        for value in doc.array("jobs").values {
            guard let job = value.mapValue, job["id"]?.anyValue?.stringValue == jobID else { continue }
            guard let body = job["body"]?.textValue else { throw TestSupportError("job \(jobID)'s body is not a Y.Text") }
            return body
        }
        throw TestSupportError("no job \(jobID) in \(name)'s document")
    }

    /// Sends the updates local transactions produced.
    func flush() throws {
        let pending = outbox.updates
        outbox.updates.removeAll()
        for update in pending { try send(.sync(.update(update))) }
    }

    func send(_ message: WireMessage) throws {
        if case .sync(let sync) = message {
            switch sync {
            case .step2, .update: updatesSent += 1
            case .step1: break
            }
        }
        try connection.send(message)
    }

    // MARK: Saving

    /// Sends `save` with the editor's lock_version (or `version`) and returns `saved`/`save_failed`.
    @discardableResult
    func save(lockVersion version: Int? = nil, timeout: Duration = .seconds(10)) throws -> ControlMessage {
        try flush()
        try connection.send(.control(.save(lockVersion: version ?? lockVersion)))
        return try take(timeout: timeout) { control -> ControlMessage? in
            switch control {
            case .saved, .saveFailed, .error: control
            default: nil
            }
        }
    }

    // MARK: Receiving

    /// Handles one message from the relay.
    private func handle(_ message: WireMessage) throws {
        switch message {
        case .sync(let sync):
            let replies: [ProtocolMessage]
            do { replies = try session.receive(sync) } catch {
                throw TestSupportError("\(name) could not apply a sync message from the relay: \(error)")
            }
            for reply in replies { try send(WireMessage(reply)!) }
        case .awareness(let update):
            awarenessMessages += 1
            awarenessUpdates.append(update)
        case .queryAwareness, .auth:
            break
        case .control(let control):
            switch control {
            case .ack(let updates):
                acked = max(acked, updates)
                ackLog.append((updates, errors.count))
                return
            case .error:
                errors.append(control)
            case .saved(let version, let workflow):
                base = try Self.workflow(from: workflow)
                lockVersion = version
            case .workflowSaved(let version, let workflow, _, _, _, _):
                base = try Self.workflow(from: workflow)
                lockVersion = version
            default:
                break
            }
            inbox.append(control)
        }
    }

    /// Reads one message if one arrives within `timeout`; false when none did.
    @discardableResult
    func pumpOne(timeout: Duration) throws -> Bool {
        guard !isClosed else { return false }
        do {
            guard let message = try connection.poll(timeout: timeout) else { return false }
            try handle(message)
            return true
        } catch RelayConnectionError.closed {
            isClosed = true
            return false
        }
    }

    /// Handles whatever arrives for `duration`.
    func pump(for duration: Duration = .milliseconds(50)) throws {
        let deadline = ContinuousClock.now + duration
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return }
            try pumpOne(timeout: remaining)
        }
    }

    /// Pumps until `condition` holds.
    func waitUntil(timeout: Duration = .seconds(10), _ what: String, _ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw TestSupportError("\(name) timed out waiting until \(what) (inbox: \(inbox.map(\.type)))")
            }
            if isClosed { throw TestSupportError("\(name): the relay closed the connection waiting until \(what)") }
            try pumpOne(timeout: min(remaining, .milliseconds(200)))
        }
    }

    /// Pumps until every update sent so far is acked.
    func waitForAcks(timeout: Duration = .seconds(10)) throws {
        try flush()
        try waitUntil(timeout: timeout, "every update is acked (\(acked) of \(updatesSent))") { acked >= updatesSent }
    }

    /// The first control message (already received or arriving within `timeout`) that `match` takes;
    /// it is removed from the inbox.
    func take<Value>(timeout: Duration = .seconds(10), _ match: (ControlMessage) -> Value?) throws -> Value {
        let deadline = ContinuousClock.now + timeout
        var scanned = 0
        while true {
            while scanned < inbox.count {
                if let value = match(inbox[scanned]) {
                    inbox.remove(at: scanned)
                    return value
                }
                scanned += 1
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw TestSupportError("\(name) timed out waiting for a control message (inbox: \(inbox.map(\.type)))")
            }
            if isClosed { throw TestSupportError("\(name): the relay closed the connection (inbox: \(inbox.map(\.type)))") }
            try pumpOne(timeout: min(remaining, .milliseconds(200)))
        }
    }

    /// Takes the next `workflow_saved`.
    func takeWorkflowSaved(timeout: Duration = .seconds(10)) throws -> WorkflowSavedNotice {
        try take(timeout: timeout) { control -> WorkflowSavedNotice? in
            guard case .workflowSaved(let version, let workflow, let actor, let source, let summary, let conflicts) = control
            else { return nil }
            return WorkflowSavedNotice(
                lockVersion: version, workflow: workflow, actor: actor, source: source, summary: summary,
                conflicts: conflicts)
        }
    }

    /// Takes the next `error` with `code`.
    func takeError(_ code: ErrorCode, timeout: Duration = .seconds(10)) throws -> String {
        try take(timeout: timeout) { control -> String? in
            if case .error(let got, let message) = control, got == code.rawValue { return message }
            return nil
        }
    }

    static func workflow(from json: YAny) throws -> Workflow {
        try JSONDecoder().decode(Workflow.self, from: Data(JSON.stringify(json).utf8))
    }
}

struct WorkflowSavedNotice {
    var lockVersion: Int
    var workflow: YAny
    var actor: WeftProtocol.Actor
    var source: ChangeSource
    var summary: YAny
    var conflicts: [YAny]
}
