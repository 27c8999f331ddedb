import TKMetrics

/// A generation run in numbers: similarity metrics, how many answers were cut off or empty, and
/// each judge's rates.
public struct GenerationSummary: Sendable, Codable, Equatable {
    /// How many answers were summarised.
    public var itemCount: Int
    /// Indices of answers that reached the token limit (possibly cut off mid-sentence).
    public var hitTokenLimit: [Int]
    /// Indices of answers that were empty after cleaning.
    public var emptyAnswers: [Int]
    /// BLEU/ROUGE max, diff and acc (`GenerationMetricName.similarity`) with bootstrap intervals;
    /// nil when no item had similarity metrics.
    public var similarity: MetricsSummary?
    /// Judge fingerprint → that judge's rates, for every judge that judged at least one item.
    public var judges: [String: GenerationJudgeSummary]

    public init(itemCount: Int, hitTokenLimit: [Int], emptyAnswers: [Int], similarity: MetricsSummary?,
                judges: [String: GenerationJudgeSummary]) {
        self.itemCount = itemCount
        self.hitTokenLimit = hitTokenLimit
        self.emptyAnswers = emptyAnswers
        self.similarity = similarity
        self.judges = judges
    }
}

extension GenerationEvaluator {
    /// Overall, per-category and per-type similarity metrics and judge rates with bootstrap intervals.
    ///
    /// - Throws: `MetricsError.emptyInput` for no results, `.invalidParameter` for bad bootstrap settings.
    public static func summarize(_ results: [GenerationItemResult], bootstrap: Bootstrap = Bootstrap()) throws -> GenerationSummary {
        guard !results.isEmpty else {
            throw MetricsError(.emptyInput, "Cannot summarise a generation run with no answers; check the data file and any --limit.")
        }
        let scored = results.filter { !$0.metrics.isEmpty }
        let similarity = scored.isEmpty ? nil : try MetricsSummary(
            items: scored.map { ItemScore(category: $0.category, type: $0.type, values: $0.metrics) }, bootstrap: bootstrap)
        var judgeIDs = Set<String>()
        for result in results { judgeIDs.formUnion(result.judgements.keys) }
        var judges: [String: GenerationJudgeSummary] = [:]
        for id in judgeIDs {
            judges[id] = try GenerationJudgeSummary(judge: id, results: results, bootstrap: bootstrap)
        }
        return GenerationSummary(
            itemCount: results.count,
            hitTokenLimit: results.filter(\.hitTokenLimit).map(\.index),
            emptyAnswers: results.filter { $0.answer.isEmpty }.map(\.index),
            similarity: similarity, judges: judges)
    }
}
