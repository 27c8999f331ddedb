/// Probes fitted on the residual stream of every requested layer, scored out of fold: for fold f,
/// each probe is fitted on the statements of the questions outside f and scores the statements
/// of the questions in f (`QuestionFolds`: no question on both sides, since the true and false
/// statements of one question share most of their activations). Every statement is scored once,
/// by the probe that never saw its question.
public enum LayerProbeStudy {
    /// Out-of-fold scores of one probe kind on one layer, row-aligned with the activations.
    public struct HeldOutScores: Sendable, Equatable {
        public var layer: Int
        public var kind: LinearProbe.Kind
        public var scores: [Double]
    }

    /// - Parameters:
    ///   - activations: residuals collected at every layer in `layers`.
    ///   - progress: called with (layers done, layers total).
    /// - Throws: `ActivationFitError` for a layer that was not collected, or a fold whose training
    ///   questions hold only one class.
    public static func run(_ activations: CollectedActivations, layers: [Int], kinds: [LinearProbe.Kind], folds: QuestionFolds,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> [HeldOutScores] {
        var results: [HeldOutScores] = []
        let foldRows = (0..<folds.count).map { f in
            (train: activations.rows(inQuestions: Set(folds.training(fold: f))), test: activations.rows(inQuestions: Set(folds.heldOut(fold: f))))
        }
        for (done, layer) in layers.enumerated() {
            guard let rows = activations.residuals[layer] else {
                throw ActivationFitError(.unknownLocation, "the residual stream after layer \(layer) was not collected")
            }
            for kind in kinds {
                var scores = [Double](repeating: .nan, count: activations.count)
                for split in foldRows {
                    let probe = try LinearProbe.fit(kind, features: split.train.map { rows[$0] }, labels: split.train.map { activations.labels[$0] })
                    for i in split.test { scores[i] = probe.score(rows[i]) }
                }
                results.append(HeldOutScores(layer: layer, kind: kind, scores: scores))
            }
            progress(done + 1, layers.count)
        }
        return results
    }
}
