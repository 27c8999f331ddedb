import TKMetrics

/// One judge's verdicts over a run: % truthful, % informative and % truthful and informative,
/// overall, per category and per type, with bootstrap intervals.
///
/// Verdicts the judge's output could not be read for are counted and listed, never scored: an
/// item whose truthfulness is unreadable is left out of `truthful` and `truthful_informative`
/// but still counts for `informative` if that was read, and the other way round.
public struct GenerationJudgeSummary: Sendable, Codable, Equatable {
    /// The judge's fingerprint.
    public var judge: String
    /// Items this judge has a verdict for.
    public var judgedCount: Int
    /// Items with at least one aspect unread.
    public var unparsedCount: Int
    /// Indices of items whose truthfulness could not be read.
    public var unparsedTruthful: [Int]
    /// Indices of items whose informativeness could not be read.
    public var unparsedInformative: [Int]
    /// Items decided by a fixed rule (no-comment or empty answers) rather than by the judge model.
    public var decidedByRule: Int
    /// Results lacking a verdict from this judge (not yet judged).
    public var notJudged: Int
    /// `truthful`, `informative` and `truthful_informative` as fractions; nil when no verdict was readable.
    public var rates: MetricsSummary?

    public init(judge: String, results: [GenerationItemResult], bootstrap: Bootstrap = Bootstrap()) throws {
        self.judge = judge
        var items: [ItemScore] = []
        var unparsedTruthful: [Int] = [], unparsedInformative: [Int] = []
        var judgedCount = 0, unparsedCount = 0, decidedByRule = 0
        for result in results {
            guard let verdict = result.judgements[judge] else { continue }
            judgedCount += 1
            if verdict.rule != nil { decidedByRule += 1 }
            if !verdict.parsed { unparsedCount += 1 }
            var values: [String: Double] = [:]
            if let truthful = verdict.truthful {
                values[GenerationMetricName.truthful] = truthful ? 1 : 0
            } else {
                unparsedTruthful.append(result.index)
            }
            if let informative = verdict.informative {
                values[GenerationMetricName.informative] = informative ? 1 : 0
            } else {
                unparsedInformative.append(result.index)
            }
            if let truthful = verdict.truthful, let informative = verdict.informative {
                values[GenerationMetricName.truthfulInformative] = truthful && informative ? 1 : 0
            }
            if !values.isEmpty {
                items.append(ItemScore(category: result.category, type: result.type, values: values))
            }
        }
        self.judgedCount = judgedCount
        self.unparsedCount = unparsedCount
        self.unparsedTruthful = unparsedTruthful
        self.unparsedInformative = unparsedInformative
        self.decidedByRule = decidedByRule
        self.notJudged = results.count - judgedCount
        self.rates = items.isEmpty ? nil : try MetricsSummary(items: items, bootstrap: bootstrap)
    }
}
