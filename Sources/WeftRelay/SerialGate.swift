/// Lets one operation through at a time, the others waiting in arrival order.
///
/// The relay's deploys go through one: a deploy checks the requester's role, imports and (for a new
/// project) records its owner, and two deploys interleaving those steps could both find a project
/// missing and both become its owner, or one could write to a project the other had just created
/// without being checked against it.
actor SerialGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every operation that entered before it has left.
    func run<Result: Sendable>(_ body: @Sendable () async -> Result) async -> Result {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        let result = await body()
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        return result
    }
}
