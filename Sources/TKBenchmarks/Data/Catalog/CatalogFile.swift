import Foundation

/// One pinned data file: where it goes, where it comes from, and the SHA-256 it must have.
public struct CatalogFile: Sendable, Codable, Equatable, Hashable, Identifiable {
    /// A short stable name (`mc-en`, `csv-2025`), used by `truthkit data pull --file`.
    public var id: String
    /// The path under the data directory (`truthfulqa/mc_en.jsonl`).
    public var relativePath: String
    /// The upstream files it is made from, in order.
    public var sources: [CatalogSource]
    /// How the sources become this file.
    public var conversion: DataConversion
    /// Lowercase hex SHA-256 of the installed file (after conversion).
    public var sha256: String
    /// Length of the installed file in bytes.
    public var size: Int64
    /// Records (CSV rows or JSONL lines).
    public var rows: Int
    public var format: DatasetFormat
    /// The release it is; nil for files no loader picks by version (the few-shot primer).
    public var version: TruthfulQAVersion?
    /// The language of its text; nil when it mixes languages.
    public var language: String?
    /// The SPDX license of the upstream data.
    public var license: String
    /// The upstream repository, commit and path, for people reading `data list`.
    public var origin: String

    public init(
        id: String, relativePath: String, sources: [CatalogSource], conversion: DataConversion,
        sha256: String, size: Int64, rows: Int, format: DatasetFormat, version: TruthfulQAVersion?,
        language: String?, license: String, origin: String
    ) {
        self.id = id
        self.relativePath = relativePath
        self.sources = sources
        self.conversion = conversion
        self.sha256 = sha256
        self.size = size
        self.rows = rows
        self.format = format
        self.version = version
        self.language = language
        self.license = license
        self.origin = origin
    }

    /// The file's name without its folder.
    public var fileName: String { (relativePath as NSString).lastPathComponent }
}
