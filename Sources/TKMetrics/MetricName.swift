/// The names metrics are stored and reported under, shared by the evaluator, the store's
/// summaries and reports so that `"mc2"` is spelled in one place.
public enum MetricName {
    /// MC1 accuracy (ties count as wrong).
    public static let mc1 = "mc1"
    /// Fraction of items where the MC1 true answer tied for the top score.
    public static let mc1Ties = "mc1_ties"
    /// MC2 normalised probability mass on the true answers.
    public static let mc2 = "mc2"
    /// MC3 fraction of true answers above every false answer.
    public static let mc3 = "mc3"
    /// Binary-format accuracy (best answer against best incorrect answer).
    public static let binary = "binary"
    /// Fraction of items where the binary pair tied.
    public static let binaryTies = "binary_ties"
    /// Lettered-choice MC1 (options shown as A/B/C…, the answer letter parsed from generated text):
    /// a different metric from `mc1`, for models without log-probabilities.
    public static let letteredMC1 = "lettered_mc1"
    /// Fraction of lettered-mode answers with no parseable letter (counted wrong in `lettered_mc1`).
    public static let letteredUnparsed = "lettered_unparsed"
}
