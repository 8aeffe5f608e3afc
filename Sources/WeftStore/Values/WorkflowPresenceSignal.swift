/// One workflow's presence signal, as a relay passes several workflows' at once to the other relays
/// (``WorkflowStorage/sendPresence(_:)``).
public struct WorkflowPresenceSignal: Hashable, Sendable {
    public let workflowID: String
    public let signal: PresenceSignal

    public init(workflowID: String, signal: PresenceSignal) {
        self.workflowID = workflowID
        self.signal = signal
    }
}
