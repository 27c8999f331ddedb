import TKEvalCore

/// One scored TruthfulQA item: the choices with their log-likelihoods and the item's metrics.
/// This is what the store keeps per item and what `--out DIR` writes as JSONL.
public struct MultipleChoiceItemResult: Sendable, Codable, Equatable {
    public struct ScoredSet: Sendable, Codable, Equatable {
        public var choices: [String]
        public var labels: [Int]
        /// Sum of continuation token log-probabilities per choice.
        public var scores: [Double]
        public var tokenCounts: [Int]
    }

    public var index: Int
    public var question: String
    public var category: String?
    public var type: String?
    public var mc1: ScoredSet
    public var mc2: ScoredSet
    /// Metric name → value (mc1, mc1_ties, mc2, mc3, and the norm_ variants).
    public var metrics: [String: Double]
}
