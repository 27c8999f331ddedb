import Foundation

/// One file to fetch over HTTP(S), where to put it, and what it must turn out to be.
public struct DownloadRequest: Sendable, Equatable {
    public var url: URL
    /// The final path. Bytes go to `<destination>.partial` first and are renamed here only once
    /// they are complete and verified.
    public var destination: URL
    /// Lowercase hex SHA-256 the file must have; nil to accept any content.
    public var expectedSHA256: String?
    /// Length in bytes the file must have; nil to trust the server's length.
    public var expectedSize: Int64?
    /// Extra request headers, e.g. `Authorization` for gated Hugging Face repositories.
    public var headers: [String: String]

    public init(
        url: URL, destination: URL, expectedSHA256: String? = nil, expectedSize: Int64? = nil,
        headers: [String: String] = [:]
    ) {
        self.url = url
        self.destination = destination
        self.expectedSHA256 = expectedSHA256?.lowercased()
        self.expectedSize = expectedSize
        self.headers = headers
    }

    /// Where unfinished bytes are kept between attempts and between runs.
    public var partialURL: URL {
        destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".partial")
    }
}
