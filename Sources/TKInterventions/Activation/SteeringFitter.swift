import TKEngine

/// Fits steering vectors: per fold, mean(true) − mean(false) of the residual stream after each
/// chosen block at the answers' last tokens, over that fold's training questions only.
public enum SteeringFitter {
    public static func fit(model: TransformerModel, examples: [ProbeExample], layers: [Int], dataChecksum: String,
                           folds: Int = 2, seed: UInt64 = 0, fingerprint: String? = nil, metadata: [String: String] = [:],
                           threads: Int = 2, progress: (Int) -> Void = { _ in }) throws -> SteeringFit {
        let signature = ModelSignature(model: model, fingerprint: fingerprint)
        try checkLayers(layers, signature: signature)
        let split = try QuestionFolds(questions: Array(Set(examples.map(\.questionIndex))).sorted(), count: folds, seed: seed)
        let activations = try ActivationCollector(model: model, threads: threads)
            .collect(examples, heads: false, residualLayers: layers, progress: progress)
        return try fit(activations: activations, layers: layers, split: split, signature: signature,
                       dataChecksum: dataChecksum, metadata: metadata)
    }

    /// Fits every fold from collected residual activations (a pure function of them).
    public static func fit(activations a: CollectedActivations, layers: [Int], split: QuestionFolds, signature: ModelSignature,
                           dataChecksum: String, metadata: [String: String] = [:]) throws -> SteeringFit {
        try checkLayers(layers, signature: signature)
        let sortedLayers = layers.sorted()
        for q in Set(a.questionIndices) where split.assignment[q] == nil {
            throw ActivationFitError(.invalidInput, "question \(q) has activations but no fold; build the split from the same questions")
        }
        var foldFits: [SteeringFoldFit] = []
        for f in 0..<split.count {
            let training = split.training(fold: f)
            let rows = a.rows(inQuestions: Set(training))
            let labels = rows.map { a.labels[$0] }
            guard labels.contains(true), labels.contains(false) else {
                throw ActivationFitError(.insufficientData, "fold \(f): the training questions have no \(labels.contains(true) ? "false" : "true") answers; use more questions")
            }
            var vectors: [SteeringVector] = []
            for l in sortedLayers {
                guard let all = a.residuals[l], all.count == a.count else {
                    throw ActivationFitError(.insufficientData, "no residual activations were collected for layer \(l)")
                }
                let difference = ITIFitter.meanDifference(rows.map { all[$0] }, labels: labels)
                guard difference.count == signature.dim else {
                    throw ActivationFitError(.invalidInput, "layer \(l) activations have \(difference.count) values, the model's residual stream \(signature.dim)")
                }
                vectors.append(SteeringVector(layer: l, values: difference.map { Float($0) }))
            }
            foldFits.append(SteeringFoldFit(fold: f, trainingQuestions: training, vectors: vectors))
        }
        return SteeringFit(model: signature, dataChecksum: dataChecksum, promptTemplate: ProbeExample.template, layers: sortedLayers,
                           split: split, folds: foldFits, metadata: metadata)
    }

    static func checkLayers(_ layers: [Int], signature: ModelSignature) throws {
        guard !layers.isEmpty else { throw ActivationFitError(.invalidInput, "choose at least one layer to steer, e.g. --layers 10,12") }
        for l in layers where !(0..<signature.layers).contains(l) {
            throw ActivationFitError(.unknownLocation, "layer \(l) does not exist; the model has layers 0...\(signature.layers - 1)")
        }
        guard Set(layers).count == layers.count else { throw ActivationFitError(.invalidInput, "layers \(layers) repeat a layer; list each once") }
    }
}
