extension Array {
    /// The element at `index`, or nil when the index is out of bounds.
    subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
