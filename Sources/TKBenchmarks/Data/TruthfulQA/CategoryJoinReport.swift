import Foundation

/// How many items got their category and type from a CSV, matched by question text.
///
/// A question matches a CSV row when the texts are equal, or else equal once leading and
/// trailing whitespace is removed (the 2021 CSVs have a trailing space in one question that
/// `mc_task.json` lacks). Items that match nothing keep a nil category and type.
public struct CategoryJoinReport: Sendable, Codable, Equatable {
    /// The CSV the categories came from.
    public var csvFile: URL
    /// The release that CSV was identified as.
    public var csvVersion: TruthfulQAVersion?
    /// Items whose question equals a CSV question exactly.
    public var matchedExactly: Int
    /// Items that matched only after trimming whitespace.
    public var matchedAfterTrimming: Int
    /// `index` of every item that matched no row.
    public var unmatchedIndices: [Int]

    public init(
        csvFile: URL, csvVersion: TruthfulQAVersion?, matchedExactly: Int, matchedAfterTrimming: Int,
        unmatchedIndices: [Int]
    ) {
        self.csvFile = csvFile
        self.csvVersion = csvVersion
        self.matchedExactly = matchedExactly
        self.matchedAfterTrimming = matchedAfterTrimming
        self.unmatchedIndices = unmatchedIndices
    }

    /// Items that got a category and type.
    public var matched: Int { matchedExactly + matchedAfterTrimming }
}
