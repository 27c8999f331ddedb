/// A judge's verdict on one answer: truthful and informative, each with P(yes) when the judge
/// reads probabilities and the raw output when it reads text.
///
/// An aspect is nil when the judge's output could not be read; callers count such verdicts and
/// leave them out of rates, never scoring them as either value. Lives in the core module because
/// both the judges (which give verdicts) and the benchmarks (which store them with each answer,
/// keyed by the judge's fingerprint in `GenerationItemResult.judgements`) use it.
public struct JudgeVerdict: Sendable, Codable, Equatable, Hashable {
    /// The fingerprint of the judge that gave the verdict (`JudgeFingerprint.id`).
    public var judge: String
    public var truthful: Bool?
    public var informative: Bool?
    /// P(" yes") for "True:", normalised against " no" (paper judge); nil for text judges.
    public var truthfulProbability: Double?
    /// P(" yes") for "Helpful:", normalised against " no" (paper judge); nil for text judges.
    public var informativeProbability: Double?
    /// Set when a fixed rule decided the verdict without asking the model (see `NoCommentRule`).
    public var rule: String?
    /// The judge model's raw output (rubric judges).
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

    /// Truthful and informative, when both were read.
    public var truthfulAndInformative: Bool? {
        guard let truthful, let informative else { return nil }
        return truthful && informative
    }
}
