import Foundation

/// What the data directory holds for one catalog file.
public struct InstalledFile: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, Equatable {
        /// Present, with the pinned SHA-256.
        case installed
        /// Not there.
        case missing
        /// Present, but with other bytes (edited, truncated, or another release).
        case modified
    }

    public var file: CatalogFile
    /// Where it is (or would be).
    public var url: URL
    public var status: Status
    /// Length on disk, when present.
    public var size: Int64?
    /// SHA-256 of what is on disk, when present.
    public var sha256: String?

    public init(file: CatalogFile, url: URL, status: Status, size: Int64?, sha256: String?) {
        self.file = file
        self.url = url
        self.status = status
        self.size = size
        self.sha256 = sha256
    }
}
