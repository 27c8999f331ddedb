/// The paper's four similarity metrics for generated answers.
///
/// `rougeL` is named as in the TruthfulQA paper and lm-evaluation-harness's report, but it is
/// computed as ROUGE-Lsum (summary-level LCS over sentences), which is what the harness's
/// `process_results_gen` actually reads (`score["rougeLsum"]`).
public enum SimilarityMetric: String, CaseIterable, Sendable, Codable {
    case bleu, rouge1, rouge2, rougeL

    /// The report name of the similarity to the closest true reference (`bleu_max`, …).
    public var maxKey: String { rawValue + "_max" }
    /// The report name of best-true minus best-false similarity (`bleu_diff`, …).
    public var diffKey: String { rawValue + "_diff" }
    /// The report name of the 0/1 "closer to a true reference" indicator (`bleu_acc`, …).
    public var accKey: String { rawValue + "_acc" }
}
