/// ROUGE-1, ROUGE-2 and ROUGE-Lsum F-measures of one prediction against one reference, on the
/// paper's 0–100 scale (rouge-score's F-measure × 100, as lm-evaluation-harness reports it).
public struct ROUGEScores: Sendable, Codable, Equatable {
    /// Unigram-overlap F-measure.
    public var rouge1: Double
    /// Bigram-overlap F-measure.
    public var rouge2: Double
    /// Summary-level LCS F-measure over newline-separated sentences; TruthfulQA's "rougeL".
    public var rougeLsum: Double

    /// Scores already on the 0–100 scale (as `ROUGE.score` returns them).
    public init(rouge1: Double, rouge2: Double, rougeLsum: Double) {
        self.rouge1 = rouge1
        self.rouge2 = rouge2
        self.rougeLsum = rougeLsum
    }
}
