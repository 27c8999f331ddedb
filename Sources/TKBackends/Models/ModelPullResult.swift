import Foundation

/// Where a pulled model ended up and whether it had to be fetched.
public struct ModelPullResult: Sendable, Equatable {
    public var url: URL
    public var size: Int64
    /// True when the file was already there (and, where a checksum is known, verified).
    public var wasCached: Bool

    public init(url: URL, size: Int64, wasCached: Bool) {
        self.url = url
        self.size = size
        self.wasCached = wasCached
    }
}
