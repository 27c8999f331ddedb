import Foundation
import Testing
import TKBackends
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

@Suite struct TruthNeuronTests {
    /// A hand-made fit for the tiny fixture: fold f ranks `neurons[f]` (layer, index) best first.
    static func fit(_ model: TransformerModel, neurons: [[(Int, Int)]] = [[(1, 5), (0, 7), (1, 60)], [(0, 3), (1, 5)]]) throws -> TruthNeuronFit {
        let split = try QuestionFolds(questions: [10, 11, 12, 13], count: 2, seed: 0)
        let folds = neurons.enumerated().map { f, list in
            TruthNeuronFoldFit(fold: f, attributedQuestions: split.training(fold: f),
                               neurons: list.enumerated().map { TruthNeuron(layer: $1.0, index: $1.1, score: Double(10 - $0)) })
        }
        return TruthNeuronFit(model: ModelSignature(model: model), hiddenDim: model.config.hiddenDim, dataChecksum: "data",
                              promptTemplate: AnswerContrast.template, options: TruthNeuronFitOptions(), split: split, folds: folds)
    }

    @Test func kZeroAndScaleOneInstallNoHookAndReproduceTheBaselineBitForBit() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try Self.fit(model)
        let baseline = try ActivationFixture.logits(model, ActivationFixture.tokens)
        for (k, scale) in [(0, 0.0), (3, 1.0)] {
            let hooks = try TruthNeuronIntervention(fit: fit, k: k, scale: scale).hooks(for: model)
            #expect(hooks.isEmpty)
            #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: hooks) == baseline)
        }
        // Through the registry, as `--intervention truth-neurons:file=…,k=0` builds it.
        let path = ActivationFixture.temporaryPath("truth-neurons")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        let neutral = try MethodRegistry.make(InterventionSpec(parsing: "truth-neurons:file=\(path),k=0"), for: model)
        #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: neutral.hooks(for: model)) == baseline)
    }

    /// Suppressing fold 0's top 3 neurons through the engine's `blocks.L.ffn.act` hook gives the
    /// log-probabilities of the float64 reference with those neurons' gates at 0.
    @Test func suppressionMatchesTheReferenceWithGatesAtZero() throws {
        let (tiny, model) = try ActivationFixture.load()
        let fit = try Self.fit(model)
        let iti = try TruthNeuronIntervention(fit: fit, fold: 0, k: 3, scale: 0)
        let tokens = ActivationFixture.tokens
        let engine = try GradientPassTests.engineLogProbabilities(model, tokens, hooks: iti.hooks(for: model))
        var gates = [[Double]?](repeating: [Double](repeating: 1, count: model.config.hiddenDim), count: model.config.layers)
        for (l, i) in [(1, 5), (0, 7), (1, 60)] { gates[l]![i] = 0 }
        let reference = Float64Llama(tiny)
        for t in 0..<(tokens.count - 1) {
            let target = [GradientPass.Target(position: t, token: tokens[t + 1])]
            let expected = reference.value(tokens, targets: target, gates: gates)
            #expect(abs(engine[t] - expected) < 1e-4, "position \(t): engine \(engine[t]), reference \(expected)")
        }
        let baseline = try GradientPassTests.engineLogProbabilities(model, tokens)
        #expect(zip(engine, baseline).contains { abs($0 - $1) > 1e-3 }, "suppression must change something")
    }

    @Test func feedForwardHookPointHasANameAndALayer() throws {
        #expect(HookPoint.feedForward(layer: 2).description == "blocks.2.ffn.act")
        #expect(try HookPoint(name: "blocks.2.ffn.act") == .feedForward(layer: 2))
        let (_, model) = try ActivationFixture.load()
        var hooks = Hooks()
        hooks.add(at: .feedForward(layer: 2)) { _, _ in }
        #expect(throws: EngineError.self) { try hooks.validate(for: model.config) }  // the fixture has layers 0 and 1
    }

    @Test func badSettingsAndMismatchedModelsAreRefused() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try Self.fit(model)
        #expect(throws: ActivationFitError.self) { try TruthNeuronIntervention(fit: fit, fold: 2) }
        #expect(throws: ActivationFitError.self) { try TruthNeuronIntervention(fit: fit, fold: 0, k: 4) }
        #expect(throws: ActivationFitError.self) { try TruthNeuronIntervention(fit: fit, scale: .nan) }
        let (_, other) = try ActivationFixture.load { $0.hiddenDim = 32 }
        #expect(throws: ActivationFitError.self) { try TruthNeuronIntervention(fit: fit).hooks(for: other) }
        #expect(throws: ActivationFitError.self) { try fit.checkData(checksum: "other") }
        var leaky = fit
        leaky.folds[0].attributedQuestions.append(fit.split.heldOut(fold: 0)[0])
        #expect(throws: ActivationFitError.self) { try leaky.validate() }
    }

    /// Ranking from attributions worked by hand: fold 0 averages its training questions only, so
    /// the held-out question's huge value at neuron 9 changes nothing.
    @Test func foldRankingAveragesTrainingQuestionsOnly() throws {
        let (_, model) = try ActivationFixture.load()
        let split = try QuestionFolds(questions: [1, 2, 3], count: 2, seed: 4)
        let training = split.training(fold: 0), heldOut = split.heldOut(fold: 0)
        let width = model.config.layers * model.config.hiddenDim
        func vector(_ entries: [Int: Double]) -> [Double] { (0..<width).map { entries[$0] ?? 0 } }
        var attributions: [Int: [Double]] = [:]
        // Neuron 70 (layer 1, index 6): 3 in every training question; neuron 5: 1 and 2 (or 1 alone).
        for (i, q) in training.enumerated() { attributions[q] = vector([70: 3, 5: Double(i + 1)]) }
        for q in heldOut { attributions[q] = vector([9: 1000]) }
        let samples = [training, split.training(fold: 1)]
        let fit = try TruthNeuronFitter.fit(attributions: attributions, samples: samples, split: split, signature: ModelSignature(model: model),
                                            hiddenDim: model.config.hiddenDim, dataChecksum: "d", options: TruthNeuronFitOptions(keep: 3))
        let top = fit.folds[0].neurons
        let expectedMean5 = training.count == 2 ? 1.5 : 1.0  // mean of 1, 2 (or of 1)
        #expect(top.map { [$0.layer, $0.index] } == [[1, 6], [0, 5], [0, 0]])
        #expect(top[0].score == 3 && top[1].score == expectedMean5 && top[2].score == 0)
        #expect(!fit.folds[0].neurons.contains { $0.layer == 0 && $0.index == 9 })
    }

    /// The whole fit on the tiny model: each question attributed once, the file round-trips, and the
    /// registry hands every fold its held-out questions.
    @Test func fitOnTheTinyModelRoundTripsAndServesHeldOutFolds() throws {
        let (_, model) = try ActivationFixture.load()
        let words = ActivationFixture.words
        let examples = (0..<4).map { q in
            AnswerContrast(questionIndex: 20 + q, prompt: "q is \(words[q]) \(words[q + 4])? a", trueAnswer: "yes.", falseAnswer: "no, \(words[q + 1]).")
        }
        var calls = 0
        let fit = try TruthNeuronFitter.fit(model: model, examples: examples, dataChecksum: "tiny", folds: 2, seed: 1,
                                            options: TruthNeuronFitOptions(steps: 2, questionsPerFold: 1, keep: 10),
                                            progress: { _, _ in calls += 1 })
        #expect(calls == 2, "one attributed question per fold, each attributed once")
        #expect(fit.folds.allSatisfy { $0.neurons.count == 10 && $0.attributedQuestions.count == 1 })
        #expect(fit.folds.allSatisfy { f in zip(f.neurons, f.neurons.dropFirst()).allSatisfy { $0.score >= $1.score } })
        let path = ActivationFixture.temporaryPath("truth-neurons-fit")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        #expect(try TruthNeuronFit.load(path: path) == fit)
        let folds = try #require(try MethodRegistry.folds(of: InterventionSpec(parsing: "truth-neurons:file=\(path),k=5"), dataChecksum: "tiny"))
        #expect(folds.map(\.heldOut) == [Set(fit.split.heldOut(fold: 0)), Set(fit.split.heldOut(fold: 1))])
        #expect(throws: (any Error).self) { try MethodRegistry.folds(of: InterventionSpec(parsing: "truth-neurons:file=\(path)"), dataChecksum: "other") }
    }
}
