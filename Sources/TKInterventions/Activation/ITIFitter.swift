import TKEngine

/// Fits ITI from activations: per fold, a probe per head on the fold's training questions, heads
/// ranked by validation accuracy, mass-mean directions and σ — all from the training fold only.
///
/// `fit(activations:…)` is a pure function of the activations, so a test can show that changing
/// the held-out questions' activations changes nothing; `fit(model:examples:…)` collects them first.
public enum ITIFitter {
    /// Collects head activations for `examples` (one pass per question) and fits every fold.
    public static func fit(model: TransformerModel, examples: [ProbeExample], dataChecksum: String,
                           folds: Int = 2, seed: UInt64 = 0, options: ITIFitOptions = ITIFitOptions(),
                           fingerprint: String? = nil, metadata: [String: String] = [:], threads: Int = 2,
                           progress: (Int) -> Void = { _ in }) throws -> ITIFit {
        let split = try QuestionFolds(questions: Array(Set(examples.map(\.questionIndex))).sorted(), count: folds, seed: seed)
        let activations = try ActivationCollector(model: model, threads: threads).collect(examples, heads: true, progress: progress)
        return try fit(activations: activations, split: split, signature: ModelSignature(model: model, fingerprint: fingerprint),
                       dataChecksum: dataChecksum, options: options, metadata: metadata)
    }

    /// Fits every fold of `split` from collected head activations.
    ///
    /// - Throws: `ActivationFitError` when the activations do not match the signature, questions are
    ///   missing from the split, or a fold's training questions lack true or false answers.
    public static func fit(activations a: CollectedActivations, split: QuestionFolds, signature: ModelSignature,
                           dataChecksum: String, options: ITIFitOptions = ITIFitOptions(),
                           metadata: [String: String] = [:]) throws -> ITIFit {
        guard a.layers == signature.layers, a.heads == signature.heads, a.headDim == signature.headDim else {
            throw ActivationFitError(.invalidInput, "activations have \(a.layers) layers × \(a.heads) heads of \(a.headDim), the model \(signature.layers) × \(signature.heads) of \(signature.headDim)")
        }
        guard a.headValues.count == a.count, a.count > 0 else {
            throw ActivationFitError(.insufficientData, "no head activations were collected; collect with heads: true")
        }
        let width = a.layers * a.heads * a.headDim
        for (i, row) in a.headValues.enumerated() where row.count != width {
            throw ActivationFitError(.invalidInput, "example \(i) has \(row.count) head values, expected \(width)")
        }
        for q in Set(a.questionIndices) where split.assignment[q] == nil {
            throw ActivationFitError(.invalidInput, "question \(q) has activations but no fold; build the split from the same questions")
        }
        guard options.validationFraction > 0, options.validationFraction < 1 else {
            throw ActivationFitError(.invalidInput, "the validation fraction must be between 0 and 1 (exclusive), got \(options.validationFraction)")
        }
        var foldFits: [ITIFoldFit] = []
        for f in 0..<split.count {
            foldFits.append(try fitFold(f, activations: a, split: split, options: options))
        }
        return ITIFit(model: signature, dataChecksum: dataChecksum, promptTemplate: ProbeExample.template, options: options,
                      split: split, folds: foldFits, metadata: metadata)
    }

    static func fitFold(_ fold: Int, activations a: CollectedActivations, split: QuestionFolds, options: ITIFitOptions) throws -> ITIFoldFit {
        let (trainQ, valQ) = split.probeSplit(fold: fold, validationFraction: options.validationFraction)
        let trainRows = a.rows(inQuestions: Set(trainQ)), valRows = a.rows(inQuestions: Set(valQ))
        let fitRows = a.rows(inQuestions: Set(trainQ + valQ))
        for (name, rows) in [("probe-training", trainRows), ("training-fold", fitRows)] {
            let labels = rows.map { a.labels[$0] }
            guard labels.contains(true), labels.contains(false) else {
                throw ActivationFitError(.insufficientData, "fold \(fold): the \(name) questions have no \(labels.contains(true) ? "false" : "true") answers; use more questions")
            }
        }
        let trainLabels = trainRows.map { a.labels[$0] }, valLabels = valRows.map { a.labels[$0] }
        let probeOptions = LogisticRegression.Options(l2: options.l2)
        var heads: [ITIHead] = []
        heads.reserveCapacity(a.layers * a.heads)
        for layer in 0..<a.layers {
            for head in 0..<a.heads {
                let x = { (rows: [Int]) in rows.map { Array(a.head(example: $0, layer: layer, head: head)) } }
                let trainX = x(trainRows), valX = x(valRows)
                let probe = try LogisticRegression.fit(features: trainX, labels: trainLabels, options: probeOptions)
                let trainAccuracy = probe.accuracy(features: trainX, labels: trainLabels)
                let valAccuracy = valRows.isEmpty ? trainAccuracy : probe.accuracy(features: valX, labels: valLabels)
                let (direction, sigma) = massMeanDirection(x(fitRows), labels: fitRows.map { a.labels[$0] })
                heads.append(ITIHead(layer: layer, head: head, validationAccuracy: valAccuracy, trainingAccuracy: trainAccuracy,
                                     direction: direction, sigma: sigma))
            }
        }
        // Stable ranking: accuracy descending, then layer, then head.
        heads.sort { l, r in
            if l.validationAccuracy != r.validationAccuracy { return l.validationAccuracy > r.validationAccuracy }
            return (l.layer, l.head) < (r.layer, r.head)
        }
        return ITIFoldFit(fold: fold, probeTrainingQuestions: trainQ, probeValidationQuestions: valQ, heads: heads)
    }

    /// Unit mean(true) − mean(false) over `rows`, and the population standard deviation of all
    /// rows projected on it. Zero direction and σ when the means coincide.
    public static func massMeanDirection(_ rows: [[Float]], labels: [Bool]) -> (direction: [Float], sigma: Float) {
        guard let d = rows.first?.count else { return ([], 0) }
        let difference = meanDifference(rows, labels: labels)
        let norm = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { return ([Float](repeating: 0, count: d), 0) }
        let unit = difference.map { $0 / norm }
        let projections = rows.map { r in zip(r, unit).reduce(0.0) { $0 + Double($1.0) * $1.1 } }
        let mean = projections.reduce(0, +) / Double(projections.count)
        let variance = projections.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(projections.count)
        return (unit.map { Float($0) }, Float(variance.squareRoot()))
    }

    /// mean(rows labelled true) − mean(rows labelled false), in Double (zeros for a missing class).
    static func meanDifference(_ rows: [[Float]], labels: [Bool]) -> [Double] {
        guard let d = rows.first?.count else { return [] }
        var sumTrue = [Double](repeating: 0, count: d), sumFalse = [Double](repeating: 0, count: d)
        var nTrue = 0, nFalse = 0
        for (r, label) in zip(rows, labels) {
            if label {
                nTrue += 1
                for j in 0..<d { sumTrue[j] += Double(r[j]) }
            } else {
                nFalse += 1
                for j in 0..<d { sumFalse[j] += Double(r[j]) }
            }
        }
        guard nTrue > 0, nFalse > 0 else { return [Double](repeating: 0, count: d) }
        return (0..<d).map { sumTrue[$0] / Double(nTrue) - sumFalse[$0] / Double(nFalse) }
    }
}
