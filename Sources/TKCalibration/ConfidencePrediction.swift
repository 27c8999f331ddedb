/// One prediction with the confidence a model gave it and whether it turned out correct: the
/// typed input of every calibration and selective-prediction metric.
///
/// The confidence is a probability (0…1) that the prediction is correct — the top choice's
/// softmax probability in multiple choice, P(True), a verbalized probability. Metrics that rank
/// (AUROC, AURC, AURAC) only use its order, so any "higher is surer" score works for those.
public struct ConfidencePrediction: Sendable, Codable, Equatable {
    public var confidence: Double
    public var correct: Bool

    public init(confidence: Double, correct: Bool) {
        self.confidence = confidence
        self.correct = correct
    }
}
