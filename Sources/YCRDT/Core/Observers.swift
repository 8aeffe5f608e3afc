/// A token for an observer; pass it to the matching `unobserve` (or call ``cancel()``) to stop.
public final class Subscription {
    private var onCancel: (() -> Void)?

    init(onCancel: @escaping () -> Void) {
        self.onCancel = onCancel
    }

    /// Stops the observer. Calling it twice does nothing.
    public func cancel() {
        onCancel?()
        onCancel = nil
    }
}

/// An ordered list of callbacks keyed by a number, safe to change while it is being called.
struct ObserverList<Argument> {
    private var callbacks: [(id: Int, body: (Argument) -> Void)] = []
    private var nextID = 0

    var isEmpty: Bool { callbacks.isEmpty }

    mutating func add(_ body: @escaping (Argument) -> Void) -> Int {
        nextID += 1
        callbacks.append((nextID, body))
        return nextID
    }

    mutating func remove(_ id: Int) {
        callbacks.removeAll { $0.id == id }
    }

    func call(_ argument: Argument) {
        for callback in callbacks { callback.body(argument) }
    }
}
