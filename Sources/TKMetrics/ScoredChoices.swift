import TKEvalCore

/// One multiple-choice item after scoring: a score per answer and which answers are true.
///
/// Scores are natural-log likelihoods (or any transform of them, see `ScoreTransform`); higher
/// means the model prefers the answer. Truth comes from the labels, never from the order of the
/// answers, so shuffled answer lists score the same as TruthfulQA's true-first order.
///
/// The initialisers check the invariants every metric relies on, so the metric functions
/// themselves cannot fail on a value of this type (except MC1, which also needs exactly one true
/// answer).
public struct ScoredChoices: Sendable, Equatable {
    /// One score per answer, in the item's answer order.
    public let scores: [Double]
    /// Parallel to `scores`: whether each answer is true.
    public let isTrue: [Bool]

    /// Checks that there is at least one answer, one label per score, at least one true answer,
    /// and no NaN or +infinity score. −infinity is allowed: it is the log of probability zero.
    public init(scores: [Double], isTrue: [Bool]) throws(MetricsError) {
        guard !scores.isEmpty else {
            throw MetricsError(.invalidChoices, "An item needs at least one scored answer; got none.")
        }
        guard scores.count == isTrue.count else {
            throw MetricsError(
                .invalidChoices,
                "Got \(scores.count) scores but \(isTrue.count) labels; give one label per answer, in the same order."
            )
        }
        guard isTrue.contains(true) else {
            throw MetricsError(
                .invalidChoices,
                "None of the \(scores.count) answers is labelled true; every TruthfulQA item has at least one true answer — check the labels (1 = true)."
            )
        }
        if let bad = scores.firstIndex(where: { $0.isNaN || $0 == .infinity }) {
            throw MetricsError(
                .invalidChoices,
                "Answer \(bad) has score \(scores[bad]); scores must be log-likelihoods (finite, or −infinity for probability zero). A PMI or length transform of a −infinity score gives this."
            )
        }
        self.scores = scores
        self.isTrue = isTrue
    }

    /// TruthfulQA's `mc1_targets` / `mc2_targets` form: labels of 1 (true) and 0 (false).
    public init(scores: [Double], labels: [Int]) throws(MetricsError) {
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw MetricsError(.invalidChoices, "Label \(bad) is \(labels[bad]); labels must be 1 (true) or 0 (false).")
        }
        try self.init(scores: scores, isTrue: labels.map { $0 == 1 })
    }

    /// The log-likelihoods of a model's continuation scores, with 0/1 labels.
    public init(_ scores: [ContinuationScore], labels: [Int]) throws(MetricsError) {
        try self.init(scores: scores.map(\.logprob), labels: labels)
    }

    /// The same labels with new scores (a length-normalised or PMI version of these).
    public func withScores(_ newScores: [Double]) throws(MetricsError) -> ScoredChoices {
        try ScoredChoices(scores: newScores, isTrue: isTrue)
    }

    /// Scores of the true answers, in answer order.
    public var trueScores: [Double] { zip(scores, isTrue).filter { $0.1 }.map(\.0) }

    /// Scores of the false answers, in answer order.
    public var falseScores: [Double] { zip(scores, isTrue).filter { !$0.1 }.map(\.0) }
}

extension ScoredChoices: Codable {
    private enum CodingKeys: String, CodingKey {
        case scores, isTrue
    }

    /// Decodes through the checking initialiser, so a stored value cannot smuggle in bad labels.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            scores: try container.decode([Double].self, forKey: .scores),
            isTrue: try container.decode([Bool].self, forKey: .isTrue)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scores, forKey: .scores)
        try container.encode(isTrue, forKey: .isTrue)
    }
}
