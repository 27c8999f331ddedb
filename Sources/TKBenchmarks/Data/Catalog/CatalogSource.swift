import Foundation

/// One upstream file a catalog entry is made from, with the addresses it can be fetched from.
public struct CatalogSource: Sendable, Codable, Equatable, Hashable {
    /// The pinned original first, then byte-identical mirrors, tried in order when one fails.
    public var urls: [URL]

    public init(_ urls: [URL]) {
        self.urls = urls
    }

    /// A source at `url`, with `mirrors` behind it.
    public init(_ url: URL, mirrors: [URL] = []) {
        self.urls = [url] + mirrors
    }
}
