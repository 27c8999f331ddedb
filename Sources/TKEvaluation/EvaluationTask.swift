import TKEvalCore
import TKMetrics

/// A benchmark task: how one item becomes requests to a model, what is kept per item, and how
/// kept results reduce to metrics.
///
/// The evaluator owns everything else — the stored run, resume, concurrency, progress, intervention
/// comparisons — so a new benchmark is one type conforming to this protocol and a data loader, with
/// no command-line code. `name`, `version` and `settings` go into the run key: two evaluations
/// with equal keys must give identical results, so any field that can change a result belongs in
/// `settings` (bump `version` when prompts or scoring change).
public protocol EvaluationTask: Sendable {
    associatedtype Item: Sendable
    associatedtype Result: Codable & Sendable

    /// Task id, e.g. `truthfulqa-mc`.
    var name: String { get }
    /// Bump whenever prompts or scoring change.
    var version: String { get }
    /// The task's settings as they are stored in the run key (prompt preset, scoring rule, seed…).
    var settings: [String: String] { get }
    /// The metrics a report shows first, in order (the first is the headline).
    var headline: [String] { get }

    /// The item's position in its data file: the stored result's key.
    func index(of item: Item) -> Int
    func index(of result: Result) -> Int
    /// Asks `model` about one item. Must not depend on other items (results are independent of
    /// order and concurrency, so a resumed or parallel run gives identical numbers).
    func evaluate(_ item: Item, model: any LanguageModel) async throws -> Result
    /// The result's metric values and reporting groups.
    func score(_ result: Result) -> ItemScore
}

extension EvaluationTask {
    /// Overall, per-category and per-type metrics with bootstrap intervals.
    public func summarize(_ results: [Result], bootstrap: Bootstrap = Bootstrap()) throws -> MetricsSummary {
        try MetricsSummary(items: results.map(score), bootstrap: bootstrap)
    }
}

/// Which bytes a run's items came from: the run key's data checksum, and how many items the whole
/// file holds (a run is complete when all of them are stored).
public struct DatasetIdentity: Sendable, Equatable {
    public var checksum: String
    public var itemCount: Int
    /// Where the file is, for reports.
    public var path: String

    public init(checksum: String, itemCount: Int, path: String) {
        self.checksum = checksum
        self.itemCount = itemCount
        self.path = path
    }
}
