/// One item's metric values, with the groups it is reported under.
///
/// This is what an evaluator keeps per item and what `MetricsSummary` averages. Values are keyed
/// by metric name (see `MetricName`), so one summary can mix MC1, MC2, MC3, their
/// length-normalised and PMI variants, and anything added later without a new type.
public struct ItemScore: Sendable, Codable, Equatable {
    /// TruthfulQA's category ("Misconceptions", "Health", …), when the data has one.
    public var category: String?
    /// TruthfulQA's type ("Adversarial", "Non-Adversarial"), when the data has one.
    public var type: String?
    /// Metric name → value for this item (0 or 1 for accuracies, a fraction for MC2/MC3).
    public var values: [String: Double]

    public init(category: String? = nil, type: String? = nil, values: [String: Double]) {
        self.category = category
        self.type = type
        self.values = values
    }

    /// MC1, the MC1 tie indicator, MC2 and MC3 for one TruthfulQA item.
    ///
    /// - Parameters:
    ///   - mc1: The `mc1_targets` answers (exactly one true) with their scores.
    ///   - mc2: The `mc2_targets` answers with their scores; MC2 and MC3 are computed from these.
    ///   - prefix: Put before each metric name, for variants (`"norm_"` gives `norm_mc2`).
    /// - Throws: `MetricsError.invalidChoices` if `mc1` has other than one true answer.
    public static func multipleChoice(
        mc1: ScoredChoices, mc2: ScoredChoices, category: String? = nil, type: String? = nil, prefix: String = ""
    ) throws(MetricsError) -> ItemScore {
        let outcome = try MultipleChoiceMetrics.mc1(mc1)
        return ItemScore(category: category, type: type, values: [
            prefix + MetricName.mc1: outcome.accuracy,
            prefix + MetricName.mc1Ties: outcome.tieIndicator,
            prefix + MetricName.mc2: MultipleChoiceMetrics.mc2(mc2),
            prefix + MetricName.mc3: MultipleChoiceMetrics.mc3(mc2),
        ])
    }
}
