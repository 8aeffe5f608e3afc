/// A test-support helper could not do what a test asked: the message says what is missing and what to do.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
