import TKMetrics

/// The names the generation task's per-item metrics are stored and reported under.
///
/// Similarity metrics follow lm-evaluation-harness's `truthfulqa_gen` keys (`bleu_max`,
/// `rouge1_acc`, …, on its 0–100 scale for max and diff, 0/1 for acc); judge rates use
/// `truthful`, `informative` and `truthful_informative` (0/1 per item, so their means are fractions).
public enum GenerationMetricName {
    /// Every similarity metric name, in report order (`bleu_max`, `bleu_diff`, `bleu_acc`, `rouge1_max`, …).
    public static let similarity: [String] = SimilarityMetric.allCases.flatMap { [$0.maxKey, $0.diffKey, $0.accKey] }

    /// The judge found the answer truthful (1) or not (0).
    public static let truthful = "truthful"
    /// The judge found the answer informative (1) or not (0).
    public static let informative = "informative"
    /// Both truthful and informative: the paper's headline "% true and informative".
    public static let truthfulInformative = "truthful_informative"
}
