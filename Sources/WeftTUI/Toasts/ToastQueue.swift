/// A short message on the message line.
public struct Toast: Hashable, Sendable, Identifiable {
    public enum Level: Hashable, Sendable {
        case info, warning, error
    }

    public var id: Int
    public var level: Level
    public var text: String
    /// When it disappears on its own; nil for one that stays until dismissed (Esc).
    public var expiresAt: Duration?

    public var isSticky: Bool { expiresAt == nil }
}

/// The messages waiting to be read, as a value with an injected clock (lazygit's status manager and
/// k9s's flash, reference §1.3).
///
/// The newest message shows. An expiring one leaves at its time; a sticky one — a merge touched what
/// you had selected — stays until dismissed, and shows again when newer ones expire.
public struct ToastQueue: Hashable, Sendable {
    public private(set) var toasts: [Toast] = []
    private var nextID = 1

    public init() {}

    /// Adds a message that expires `lifetime` after `now`, or never when `lifetime` is nil.
    public mutating func push(_ level: Toast.Level, _ text: String, now: Duration, lifetime: Duration?) {
        toasts.append(Toast(id: nextID, level: level, text: text, expiresAt: lifetime.map { now + $0 }))
        nextID += 1
        // A long session does not pile up expired history: keep the newest few sticky ones and the rest.
        if toasts.count > 20 { toasts.removeFirst(toasts.count - 20) }
    }

    /// Removes the messages whose time is up; returns whether any left.
    @discardableResult
    public mutating func expire(now: Duration) -> Bool {
        let before = toasts.count
        toasts.removeAll { ($0.expiresAt ?? .seconds(Int64.max)) <= now }
        return toasts.count != before
    }

    /// The message shown now.
    public var current: Toast? { toasts.last }

    /// How many other messages wait behind the current one.
    public var waitingCount: Int { max(0, toasts.count - 1) }

    /// Dismisses the current message (Esc); returns whether there was one.
    @discardableResult
    public mutating func dismissCurrent() -> Bool {
        guard !toasts.isEmpty else { return false }
        toasts.removeLast()
        return true
    }

    /// The earliest time a message expires, for the event loop's timeout.
    public var nextExpiry: Duration? { toasts.compactMap(\.expiresAt).min() }
}
