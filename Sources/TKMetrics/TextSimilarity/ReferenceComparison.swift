/// One metric's comparison of an answer with the true and the false references: the paper's
/// `max`, `diff` and `acc`.
///
/// `max` is the similarity to the closest true reference, `diff` is that minus the similarity to
/// the closest false reference, and `acc` says whether the true side is *strictly* closer
/// (`int(max_true > max_false)` in lm-evaluation-harness, so a tie counts as 0: an answer equally
/// close to both sides has not shown it leans towards the truth).
public struct ReferenceComparison: Sendable, Codable, Equatable {
    /// Similarity to the closest true reference (0–100); the same as `trueMax`.
    public var max: Double
    /// `trueMax − falseMax`.
    public var diff: Double
    /// `trueMax > falseMax`.
    public var acc: Bool
    /// Similarity to the closest true reference (0–100).
    public var trueMax: Double
    /// Similarity to the closest false reference (0–100).
    public var falseMax: Double

    /// The comparison implied by the two maxima.
    public init(trueMax: Double, falseMax: Double) {
        self.max = trueMax
        self.diff = trueMax - falseMax
        self.acc = trueMax > falseMax
        self.trueMax = trueMax
        self.falseMax = falseMax
    }
}
