/// Whether the true answer won a multiple-choice comparison (MC1, binary).
///
/// Ties are their own case rather than folded into `incorrect`, so a report can show how often a
/// model cannot separate the answers at all: with quantised weights or a remote API that rounds
/// log-probabilities, exact ties happen and would otherwise hide inside the error rate.
public enum ChoiceOutcome: String, Sendable, Codable, Equatable, Hashable {
    /// The true answer scored strictly higher than every false answer.
    case correct
    /// Some false answer scored strictly higher than the true answer.
    case incorrect
    /// The true answer shares the top score with at least one false answer.
    case tie

    /// 1 for `correct`, else 0. A tie is not a success: the model did not prefer the truth.
    public var accuracy: Double { self == .correct ? 1 : 0 }

    /// 1 for `tie`, else 0, so the tie rate can be averaged like any other metric.
    public var tieIndicator: Double { self == .tie ? 1 : 0 }
}
