import Foundation

/// A loaded TruthfulQA file: its items, where it came from, and exactly which bytes they were.
///
/// Load one with `loadMultipleChoiceJSONL(path:language:)`, `loadCSV(path:)`, or the defaults
/// through `load(language:version:dataDirectory:)`. `checksum` identifies the file's bytes, so a
/// stored result can say which data it was computed on.
public struct TruthfulQADataset: Sendable, Codable, Equatable {
    /// The questions, in file order (`items[i].index == i`).
    public var items: [TruthfulQAItem]
    /// The file the items were read from.
    public var fileURL: URL
    /// Lowercase hex SHA-256 of the file's bytes.
    public var checksum: String
    public var format: DatasetFormat
    /// The release this file is: known for certain when `checksum` matches a pinned file,
    /// otherwise inferred from the header and content; nil for other JSONL files.
    public var version: TruthfulQAVersion?
    /// The language of the items, or `mul` when the file mixes languages.
    public var language: String
    /// Empty or whitespace-only MC options removed while loading (MC1 and MC2 together).
    public var droppedEmptyChoices: Int
    /// Records skipped as invalid under `skipInvalid` (each message names file, line and field).
    public var skippedRecords: [String]
    /// Set when categories and types were joined in from a CSV.
    public var categoryJoin: CategoryJoinReport?

    public init(
        items: [TruthfulQAItem], fileURL: URL, checksum: String, format: DatasetFormat,
        version: TruthfulQAVersion?, language: String, droppedEmptyChoices: Int = 0,
        skippedRecords: [String] = [], categoryJoin: CategoryJoinReport? = nil
    ) {
        self.skippedRecords = skippedRecords
        self.items = items
        self.fileURL = fileURL
        self.checksum = checksum
        self.format = format
        self.version = version
        self.language = language
        self.droppedEmptyChoices = droppedEmptyChoices
        self.categoryJoin = categoryJoin
    }

    /// The categories in order of first appearance.
    public var categories: [String] {
        var seen = Set<String>()
        return items.compactMap(\.category).filter { seen.insert($0).inserted }
    }
}
