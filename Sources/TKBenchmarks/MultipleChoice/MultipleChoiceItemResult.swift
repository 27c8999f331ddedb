import TKEvalCore

/// One scored TruthfulQA item: the choices with their log-likelihoods and the item's metrics.
/// This is what the store keeps per item and what `--out DIR` writes as JSONL.
public struct MultipleChoiceItemResult: Sendable, Codable, Equatable {
    public struct ScoredSet: Sendable, Codable, Equatable {
        public var choices: [String]
        public var labels: [Int]
        /// What each choice is ranked by: the sum of its token log-probabilities, or under
        /// `--scoring pmi` that sum minus the sum after the neutral context.
        public var scores: [Double]
        public var tokenCounts: [Int]
        /// The raw log-likelihoods when `scores` hold something else (PMI); nil otherwise.
        public var logprobs: [Double]?

        public init(choices: [String], labels: [Int], scores: [Double], tokenCounts: [Int], logprobs: [Double]? = nil) {
            self.choices = choices
            self.labels = labels
            self.scores = scores
            self.tokenCounts = tokenCounts
            self.logprobs = logprobs
        }
    }

    public var index: Int
    public var question: String
    public var category: String?
    public var type: String?
    public var mc1: ScoredSet
    public var mc2: ScoredSet
    /// The 2025 binary pair (best answer, best incorrect answer), when the data has one.
    public var binary: ScoredSet?
    /// Metric name → value (mc1, mc1_ties, mc2, mc3, and the norm_ variants).
    public var metrics: [String: Double]

    public init(index: Int, question: String, category: String?, type: String?, mc1: ScoredSet, mc2: ScoredSet,
                binary: ScoredSet? = nil, metrics: [String: Double]) {
        self.index = index
        self.question = question
        self.category = category
        self.type = type
        self.mc1 = mc1
        self.mc2 = mc2
        self.binary = binary
        self.metrics = metrics
    }
}
