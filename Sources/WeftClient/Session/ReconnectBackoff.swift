/// How long to wait before each attempt to reconnect: exponential, from ``initial`` doubling (by
/// ``multiplier``) up to ``maximum``. Deterministic — no jitter — so tests can say when an attempt
/// happens; one relay on one machine has no thundering herd to spread.
public struct ReconnectBackoff: Hashable, Sendable {
    public var initial: Duration
    public var multiplier: Int
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(250), multiplier: Int = 2, maximum: Duration = .seconds(15))
    {
        precondition(initial > .zero && multiplier >= 1 && maximum >= initial, "invalid backoff")
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
    }

    /// The wait before attempt `attempt` (1 is the first after the drop).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        var delay = initial
        var step = 1
        while step < attempt, delay < maximum {
            delay *= multiplier
            step += 1
        }
        return min(delay, maximum)
    }
}
