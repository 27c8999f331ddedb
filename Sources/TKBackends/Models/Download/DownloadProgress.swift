/// How far a download has got, reported as bytes arrive.
public struct DownloadProgress: Sendable, Equatable {
    /// Bytes in the partial file, including those kept from an earlier attempt.
    public var completed: Int64
    /// The full length, once the server has said it.
    public var total: Int64?
    /// Bytes that were already there when this attempt began (0 for a fresh start).
    public var resumedFrom: Int64

    public init(completed: Int64, total: Int64?, resumedFrom: Int64) {
        self.completed = completed
        self.total = total
        self.resumedFrom = resumedFrom
    }
}
