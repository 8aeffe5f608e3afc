extension String {
    /// The string without leading and trailing whitespace and line breaks, as JavaScript's `trim()`
    /// (which Lightning's compare and name checks use) removes them.
    var strippingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
