import TKEngine
import TKKernels

/// Fits GrAInS (Nguyen et al. 2025): per training question, contrastive integrated gradients of
/// `log p(true answer) − log p(false answer)` over the prompt's input embeddings; the k prompt
/// tokens with the highest and the k with the lowest attribution are ablated (embeddings set to
/// the zero baseline) separately, and the change is read in the residual stream after `layer` at
/// the prompt's last token. Per fold, the direction is the first principal direction of the
/// changes `h(negative ablated) − h(positive ablated)` over the fold's training questions.
///
/// The reference's MC evaluation scores `log_softmax(logits[-1])[input_ids[-1]]` — the last token
/// predicting itself; here the direction is applied through a hook and MC is scored by the
/// evaluator like every other method.
public enum GrAInSFitter {
    public static func fit(model: TransformerModel, examples: [AnswerContrast], dataChecksum: String, folds: Int = 2, seed: UInt64 = 0,
                           options: GrAInSFitOptions, fingerprint: String? = nil, metadata: [String: String] = [:], threads: Int = 2,
                           progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> GrAInSFit {
        let c = model.config
        guard (0..<c.layers).contains(options.layer) else {
            throw ActivationFitError(.invalidInput, "layer \(options.layer) does not exist; the model has layers 0...\(c.layers - 1)")
        }
        guard options.topK >= 1 else { throw ActivationFitError(.invalidInput, "ablate at least one token per side (top-k ≥ 1), got \(options.topK)") }
        try IntegratedGradients.checkSteps(options.steps)
        let byQuestion = Dictionary(examples.map { ($0.questionIndex, $0) }, uniquingKeysWith: { a, _ in a })
        let split = try QuestionFolds(questions: byQuestion.keys.sorted(), count: folds, seed: seed)
        let samples = (0..<folds).map { split.trainingSample(fold: $0, count: options.questionsPerFold) }
        let needed = Array(Set(samples.flatMap { $0 })).sorted()
        let pass = GradientPass(weights: try DenseLlamaWeights(model: model))
        var changes: [Int: [Float]] = [:]
        for (i, q) in needed.enumerated() {
            changes[q] = try change(byQuestion[q]!, model: model, pass: pass, options: options, threads: threads)
            progress(i + 1, needed.count)
        }
        let foldFits = try (0..<folds).map { f -> GrAInSFoldFit in
            let rows = samples[f].map { changes[$0]! }
            guard !rows.isEmpty else { throw ActivationFitError(.insufficientData, "fold \(f) has no training questions; use more questions") }
            let norms = rows.map { r in Double(r.reduce(0) { $0 + $1 * $1 }).squareRoot() }
            return GrAInSFoldFit(fold: f, attributedQuestions: samples[f], direction: principalDirection(rows, dim: c.dim),
                                 meanChangeNorm: norms.reduce(0, +) / Double(norms.count))
        }
        let fit = GrAInSFit(model: ModelSignature(model: model, fingerprint: fingerprint), dataChecksum: dataChecksum,
                            promptTemplate: AnswerContrast.template, options: options, split: split, folds: foldFits, metadata: metadata)
        try fit.validate()
        return fit
    }

    /// `h(negative tokens ablated) − h(positive tokens ablated)` after `options.layer` at the
    /// prompt's last token, for one question.
    public static func change(_ example: AnswerContrast, model: TransformerModel, pass: GradientPass, options: GrAInSFitOptions,
                              threads: Int = 2) throws -> [Float] {
        let tokenizer = model.tokenizer
        let prompt = tokenizer.encode(example.prompt, addSpecial: true)
        let good = tokenizer.encode(" " + example.trueAnswer, addSpecial: false), bad = tokenizer.encode(" " + example.falseAnswer, addSpecial: false)
        guard !prompt.isEmpty, !good.isEmpty, !bad.isEmpty else {
            throw ActivationFitError(.invalidInput, "question \(example.questionIndex) has an empty prompt or answer")
        }
        let n = prompt.count
        let attribution = try IntegratedGradients.tokens(pass, sequences: [
            .init(tokens: prompt + good, targets: GradientPass.Target.continuation(good, after: n, weight: 1)),
            .init(tokens: prompt + bad, targets: GradientPass.Target.continuation(bad, after: n, weight: -1)),
        ], steps: options.steps).values
        // A prompt token's attribution is the sum over the two sequences, which share the prompt.
        let promptScores = (0..<n).map { attribution[$0] + attribution[n + good.count + $0] }
        let (positive, negative) = extremes(promptScores, k: options.topK)
        let withoutPositive = try residual(model: model, tokens: prompt, ablating: positive, layer: options.layer, threads: threads)
        let withoutNegative = try residual(model: model, tokens: prompt, ablating: negative, layer: options.layer, threads: threads)
        return zip(withoutNegative, withoutPositive).map { $0 - $1 }
    }

    /// Positions of the k highest positive and the k lowest negative scores (fewer when fewer are
    /// positive or negative).
    static func extremes(_ scores: [Double], k: Int) -> (positive: Set<Int>, negative: Set<Int>) {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return (Set(order.prefix(k).filter { scores[$0] > 0 }), Set(order.reversed().prefix(k).filter { scores[$0] < 0 }))
    }

    /// The residual stream after `layer` at the last token, with the embeddings at `ablating` set to zero.
    static func residual(model: TransformerModel, tokens: [Int32], ablating: Set<Int>, layer: Int, threads: Int) throws -> [Float] {
        var hooks = Hooks()
        let rows = ablating.sorted()
        hooks.add(at: .embedding) { m, _ in
            let zeros = [Float](repeating: 0, count: m.cols)
            for r in rows where r < m.rows { m.setRow(r, zeros) }
        }
        let recorder = ActivationRecorder(points: [.residual(layer: layer)])
        recorder.install(into: &hooks)
        try InferenceSession(model: model, threads: threads).forward(.sequence(tokens, startingAt: 0), hooks: hooks)
        return recorder.recorded[.residual(layer: layer)]!.last!
    }

    /// The first right singular vector of the rows (power iteration on `RᵀR`), unit length, signed
    /// to agree with the rows' mean; zeros when every row is zero.
    public static func principalDirection(_ rows: [[Float]], dim: Int) -> [Float] {
        let gram = GramMatrix.of(rows.flatMap { $0 }, rows: rows.count, cols: dim)
        var mean = [Double](repeating: 0, count: dim)
        for r in rows { for j in 0..<dim { mean[j] += Double(r[j]) } }
        var v = mean.allSatisfy { $0 == 0 } ? [Double](repeating: 1, count: dim) : mean
        for _ in 0..<500 {
            var next = [Double](repeating: 0, count: dim)
            for i in 0..<dim { for j in 0..<dim { next[i] += Double(gram[i * dim + j]) * v[j] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return [Float](repeating: 0, count: dim) }
            let unit = next.map { $0 / norm }
            let moved = zip(unit, v).reduce(0) { $0 + abs($1.0 - $1.1) }
            v = unit
            if moved < 1e-9 { break }
        }
        let sign: Double = zip(v, mean).reduce(0) { $0 + $1.0 * $1.1 } < 0 ? -1 : 1
        return v.map { Float(sign * $0) }
    }
}
