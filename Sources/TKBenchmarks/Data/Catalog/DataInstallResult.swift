import Foundation

/// One catalog file put in place (or found already there) by `DataInstaller`.
public struct DataInstallResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable, Equatable {
        /// Fetched from its sources (and converted), then verified.
        case downloaded
        /// Copied from a local folder, verified.
        case imported
        /// Already present with the pinned SHA-256; nothing was fetched.
        case alreadyInstalled
    }

    public var file: CatalogFile
    /// The installed file.
    public var url: URL
    public var outcome: Outcome
    /// The addresses or path the bytes came from (empty for `alreadyInstalled`).
    public var from: [String]

    public init(file: CatalogFile, url: URL, outcome: Outcome, from: [String]) {
        self.file = file
        self.url = url
        self.outcome = outcome
        self.from = from
    }
}
