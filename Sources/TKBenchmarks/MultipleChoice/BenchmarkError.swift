/// An evaluation that cannot go on: a backend answered something unusable, or settings conflict.
public struct BenchmarkError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
