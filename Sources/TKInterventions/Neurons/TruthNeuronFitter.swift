import TKEngine
import TKTokenizer

/// Fits Truth Neurons: integrated-gradients attribution of every feed-forward neuron to the
/// true-versus-false contrast of each question, averaged per fold over that fold's training
/// questions and ranked.
///
/// The paper (arXiv 2505.12182) gives no code; this follows its description and knowledge
/// neurons' recipe (gates scaled from 0 to 1, attribution = gate gradient integrated along the
/// path), with the contrast of a true and a false answer as the objective so that a neuron ranks
/// high when it favours the true answer over the false one, not answers in general.
public enum TruthNeuronFitter {
    /// Attributes the questions each fold needs (each question once) and ranks every fold.
    public static func fit(model: TransformerModel, examples: [AnswerContrast], dataChecksum: String, folds: Int = 2,
                           seed: UInt64 = 0, options: TruthNeuronFitOptions = TruthNeuronFitOptions(), fingerprint: String? = nil,
                           metadata: [String: String] = [:], progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> TruthNeuronFit {
        try check(options)
        let byQuestion = Dictionary(examples.map { ($0.questionIndex, $0) }, uniquingKeysWith: { a, _ in a })
        guard byQuestion.count == examples.count else {
            throw ActivationFitError(.invalidInput, "each question needs exactly one example; \(examples.count - byQuestion.count) repeat a question index")
        }
        let split = try QuestionFolds(questions: byQuestion.keys.sorted(), count: folds, seed: seed)
        let samples = (0..<folds).map { split.trainingSample(fold: $0, count: options.questionsPerFold) }
        let needed = Array(Set(samples.flatMap { $0 })).sorted()
        let pass = GradientPass(weights: try DenseLlamaWeights(model: model))
        var attributions: [Int: [Double]] = [:]
        for (i, q) in needed.enumerated() {
            attributions[q] = try attribute(byQuestion[q]!, pass: pass, tokenizer: model.tokenizer, options: options)
            progress(i + 1, needed.count)
        }
        return try fit(attributions: attributions, samples: samples, split: split, signature: ModelSignature(model: model, fingerprint: fingerprint),
                       hiddenDim: model.config.hiddenDim, dataChecksum: dataChecksum, options: options, metadata: metadata)
    }

    /// Ranks every fold from per-question attributions (a pure function of them: the held-out
    /// questions' attributions are never read).
    public static func fit(attributions: [Int: [Double]], samples: [[Int]], split: QuestionFolds, signature: ModelSignature, hiddenDim: Int,
                           dataChecksum: String, options: TruthNeuronFitOptions, metadata: [String: String] = [:]) throws -> TruthNeuronFit {
        let width = signature.layers * hiddenDim
        var foldFits: [TruthNeuronFoldFit] = []
        for f in 0..<split.count {
            let sample = samples[f]
            guard !sample.isEmpty else {
                throw ActivationFitError(.insufficientData, "fold \(f) has no training questions to attribute; use more questions")
            }
            var mean = [Double](repeating: 0, count: width)
            for q in sample {
                guard split.assignment[q] != nil, split.assignment[q] != f else {
                    throw ActivationFitError(.invalidInput, "question \(q) is not a training question of fold \(f)")
                }
                guard let a = attributions[q], a.count == width else {
                    throw ActivationFitError(.invalidInput, "question \(q) has no attribution of \(width) neurons")
                }
                for i in 0..<width { mean[i] += a[i] / Double(sample.count) }
            }
            // Stable ranking: score descending, then layer and index (the flat order).
            let order = (0..<width).sorted { mean[$0] != mean[$1] ? mean[$0] > mean[$1] : $0 < $1 }
            let neurons = order.prefix(options.keep).map { TruthNeuron(layer: $0 / hiddenDim, index: $0 % hiddenDim, score: mean[$0]) }
            foldFits.append(TruthNeuronFoldFit(fold: f, attributedQuestions: sample, neurons: neurons))
        }
        let fit = TruthNeuronFit(model: signature, hiddenDim: hiddenDim, dataChecksum: dataChecksum, promptTemplate: AnswerContrast.template,
                                 options: options, split: split, folds: foldFits, metadata: metadata)
        try fit.validate()
        return fit
    }

    /// Attribution of every neuron (`layers × hiddenDim`, layer-major) to one question's contrast.
    public static func attribute(_ example: AnswerContrast, pass: GradientPass, tokenizer: Tokenizer,
                                 options: TruthNeuronFitOptions) throws -> [Double] {
        let prompt = tokenizer.encode(example.prompt, addSpecial: true)
        let good = tokenizer.encode(" " + example.trueAnswer, addSpecial: false), bad = tokenizer.encode(" " + example.falseAnswer, addSpecial: false)
        guard !prompt.isEmpty, !good.isEmpty, !bad.isEmpty else {
            throw ActivationFitError(.invalidInput, "question \(example.questionIndex) has an empty prompt or answer")
        }
        let sequences = [
            IntegratedGradients.Sequence(tokens: prompt + good, targets: GradientPass.Target.continuation(good, after: prompt.count, weight: 1)),
            IntegratedGradients.Sequence(tokens: prompt + bad, targets: GradientPass.Target.continuation(bad, after: prompt.count, weight: -1)),
        ]
        let layers = pass.weights.config.layers
        switch options.path {
        case .joint:
            return try IntegratedGradients.neurons(pass, sequences: sequences, layers: Array(0..<layers), steps: options.steps).values
        case .perLayer:
            return try (0..<layers).flatMap { try IntegratedGradients.neurons(pass, sequences: sequences, layers: [$0], steps: options.steps).values }
        }
    }

    static func check(_ options: TruthNeuronFitOptions) throws {
        try IntegratedGradients.checkSteps(options.steps)
        guard options.keep >= 1 else { throw ActivationFitError(.invalidInput, "keep at least one neuron per fold, got \(options.keep)") }
        if let n = options.questionsPerFold, n < 1 {
            throw ActivationFitError(.invalidInput, "questions per fold must be at least 1, got \(n)")
        }
    }
}
