import Foundation

/// A finished, verified download.
public struct DownloadResult: Sendable, Equatable {
    /// The final file.
    public var url: URL
    public var size: Int64
    /// Lowercase hex SHA-256 of the whole file.
    public var sha256: String
    /// Bytes that were reused from a partial file left by an earlier attempt or run.
    public var resumedBytes: Int64
    /// HTTP requests made, retries included.
    public var attempts: Int

    public init(url: URL, size: Int64, sha256: String, resumedBytes: Int64, attempts: Int) {
        self.url = url
        self.size = size
        self.sha256 = sha256
        self.resumedBytes = resumedBytes
        self.attempts = attempts
    }
}
