import Foundation
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

/// An ``EditorSession`` under test, with every event its pumps returned.
final class RecordingSession {
    let session: EditorSession
    private(set) var events: [SessionEvent] = []

    /// A session that joins `workflow` as `name` (fast backoff: 50 ms doubling to 400 ms).
    init(
        relay: TestRelay, workflow: String, as name: String, clock: (() -> Duration)? = nil,
        backoff: ReconnectBackoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(400))
    ) throws {
        var configuration = EditorSession.Configuration(socketPath: relay.socket, userName: name)
        configuration.backoff = backoff
        if let clock {
            session = EditorSession(configuration: configuration, clock: clock)
        } else {
            session = EditorSession(configuration: configuration)
        }
        try session.join(workflow: workflow)
    }

    var name: String { session.userName }

    /// Pumps once, recording what it returned.
    @discardableResult
    func pump(timeout: Duration = .milliseconds(20)) -> [SessionEvent] {
        let new = session.pump(timeout: timeout)
        events += new
        return new
    }

    /// Forgets the events recorded so far.
    func clearEvents() { events.removeAll() }

    var savedNotices: [WorkflowSavedNotice] {
        events.compactMap { if case .workflowSaved(let notice) = $0 { notice } else { nil } }
    }

    var remoteChanges: [RemoteChange] {
        events.compactMap { if case .remoteChange(let change) = $0 { change } else { nil } }
    }

    var savedVersions: [Int] {
        events.compactMap { if case .saved(let version) = $0 { version } else { nil } }
    }

    var connectionStates: [ConnectionState] {
        events.compactMap { if case .connection(let state) = $0 { state } else { nil } }
    }

    var errors: [String] {
        events.compactMap {
            if case .error(let code, let message) = $0 { "\(code): \(message)" } else { nil }
        }
    }
}

/// Pumps every session until `condition` holds, or throws naming `what` after `timeout`.
func pumpUntil(
    _ sessions: [RecordingSession], timeout: Duration = .seconds(15), _ what: String,
    _ condition: () -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestSupportError(
                "timed out waiting until \(what):\n"
                    + sessions.map { "\($0.name): \($0.session.connectionState), events \($0.events)" }
                    .joined(
                        separator: "\n"))
        }
        for session in sessions { session.pump(timeout: .milliseconds(10)) }
    }
}
