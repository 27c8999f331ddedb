/// A judge's verdict on one generated answer, as stored with the answer.
///
/// Kept here as a plain value (rather than the judges module's own type) because benchmarks do not
/// depend on the judges: the CLI maps a `TKJudges.JudgeVerdict` field for field onto this. Keyed
/// in `GenerationItemResult.judgements` by the judge's fingerprint, so answers judged by several
/// judges keep every verdict and re-judging never regenerates the answer.
public struct GenerationJudgement: Sendable, Codable, Equatable, Hashable {
    /// The judge's fingerprint (model, prompt family and version, settings).
    public var judge: String
    /// nil when the judge's output could not be read; such items are counted and left out of rates.
    public var truthful: Bool?
    /// nil when the judge's output could not be read.
    public var informative: Bool?
    /// P(yes) for truthfulness, when the judge reads probabilities.
    public var truthfulProbability: Double?
    /// P(yes) for informativeness, when the judge reads probabilities.
    public var informativeProbability: Double?
    /// Set when a fixed rule decided the verdict without asking the model (`no-comment`, `empty`).
    public var rule: String?
    /// The judge model's raw output (rubric judges), kept so an unparsed verdict can be inspected.
    public var raw: String?

    public init(judge: String, truthful: Bool?, informative: Bool?, truthfulProbability: Double? = nil,
                informativeProbability: Double? = nil, rule: String? = nil, raw: String? = nil) {
        self.judge = judge
        self.truthful = truthful
        self.informative = informative
        self.truthfulProbability = truthfulProbability
        self.informativeProbability = informativeProbability
        self.rule = rule
        self.raw = raw
    }

    /// Both aspects were read.
    public var parsed: Bool { truthful != nil && informative != nil }
}
