import WeftProtocol

extension RelayCore {
    /// Answers a history, export or drafts request (``ControlMessage/history(workflow:)`` and the
    /// others of docs/history.md) as the relay would for `requester`: what the CLI runs in-process when
    /// no relay is running. Restores reconcile persisted documents exactly as the relay would.
    public func history(_ request: ControlMessage, requester: String) async -> ControlMessage {
        await History(services: services, registry: registry).handle(request, requester: requester)
    }
}
