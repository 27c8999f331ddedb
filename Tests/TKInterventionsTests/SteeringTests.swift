import Foundation
import Testing
import TKBackends
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

@Suite struct SteeringTests {
    /// A hand-made vector at `layer` for a model of the tiny fixture's signature.
    func vectors(_ model: TransformerModel, layer: Int) -> SteeringVectors {
        let dim = model.config.dim
        return SteeringVectors(model: ModelSignature(model: model), vectors: [
            SteeringVector(layer: layer, values: (0..<dim).map { Float($0 % 5) * 0.1 - 0.2 }),
        ])
    }

    func residuals(_ model: TransformerModel, hooks base: Hooks) throws -> [[Float]] {
        var hooks = base
        let recorder = ActivationRecorder(points: (0..<model.config.layers).map { HookPoint.residual(layer: $0) })
        recorder.install(into: &hooks)  // after the steering hooks: sees the edited stream
        try InferenceSession(model: model).forward(.sequence(ActivationFixture.tokens, startingAt: 0), hooks: hooks)
        return (0..<model.config.layers).map { recorder.recorded[.residual(layer: $0)]!.flatMap { $0 } }
    }

    @Test func steeringAtLayerLChangesExactlyLayersFromLOn() throws {
        let (_, model) = try ActivationFixture.load { $0.layers = 4 }
        let baseline = try residuals(model, hooks: Hooks())
        for layer in 0..<4 {
            let steer = try SteeringIntervention(vectors: vectors(model, layer: layer), alpha: 2)
            let steered = try residuals(model, hooks: try steer.hooks(for: model))
            for l in 0..<4 {
                if l < layer {
                    #expect(steered[l] == baseline[l], "layer \(l) precedes the steered layer \(layer)")
                } else {
                    #expect(ActivationFixture.maxAbsDiff(steered[l], baseline[l]) > 1e-3, "layer \(l) follows the steered layer \(layer)")
                }
            }
        }
    }

    @Test func alphaZeroReproducesTheBaselineBitForBit() throws {
        let (_, model) = try ActivationFixture.load()
        let steer = try SteeringIntervention(vectors: vectors(model, layer: 0), alpha: 0)
        let hooks = try steer.hooks(for: model)
        #expect(!hooks.isEmpty)
        #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: hooks) == ActivationFixture.logits(model, ActivationFixture.tokens))
        #expect(try residuals(model, hooks: hooks) == residuals(model, hooks: Hooks()))
    }

    @Test func residualShiftMatchesTheNaiveReference() throws {
        let (tiny, model) = try ActivationFixture.load()
        let v = vectors(model, layer: 0)
        let steer = try SteeringIntervention(vectors: v, alpha: 1.5)
        var edits = NaiveTransformer.Edits()
        edits.residualAdd[0] = v.vectors[0].values.map { 1.5 * $0 }
        let reference = NaiveTransformer(model: tiny).forward(ActivationFixture.tokens, edits: edits).logits.flatMap { $0 }
        let steered = try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: try steer.hooks(for: model))
        #expect(ActivationFixture.maxAbsDiff(steered, reference) < 2e-4)
    }

    /// Each fold's vector is the mean difference over that fold's training questions, computed
    /// here independently; held-out activations do not move it.
    @Test func vectorsAreTrainingFoldMeanDifferences() throws {
        let (_, model) = try ActivationFixture.load()
        let examples = ActivationFixture.examples()
        let acts = try ActivationCollector(model: model).collect(examples, heads: false, residualLayers: [1])
        let split = try QuestionFolds(questions: Array(100..<108), count: 2, seed: 9)
        let signature = ModelSignature(model: model)
        let fit = try SteeringFitter.fit(activations: acts, layers: [1], split: split, signature: signature, dataChecksum: "d")
        for f in 0..<2 {
            let training = Set(split.training(fold: f))
            let rows = examples.indices.filter { training.contains(examples[$0].questionIndex) }
            let truthful = rows.filter { examples[$0].isTrue }, untruthful = rows.filter { !examples[$0].isTrue }
            let layer1: [[Float]] = acts.residuals[1]!
            func mean(_ rows: [Int], _ j: Int) -> Double {
                let total: Double = rows.map { Double(layer1[$0][j]) }.reduce(0, +)
                return total / Double(rows.count)
            }
            let expected: [Double] = (0..<model.config.dim).map { j in mean(truthful, j) - mean(untruthful, j) }
            #expect(ActivationFixture.maxAbsDiff(fit.folds[f].vectors[0].values, expected.map(Float.init)) < 1e-6)
            #expect(Set(fit.folds[f].trainingQuestions) == training)
        }
        var moved = acts
        let heldOut = Set(split.heldOut(fold: 0))
        for i in moved.labels.indices where heldOut.contains(moved.questionIndices[i]) {
            moved.residuals[1]![i] = moved.residuals[1]![i].map { $0 * -4 + 1 }
        }
        let refit = try SteeringFitter.fit(activations: moved, layers: [1], split: split, signature: signature, dataChecksum: "d")
        #expect(refit.folds[0] == fit.folds[0])
        #expect(refit.folds[1] != fit.folds[1])
    }

    @Test func fitsSavesLoadsAndParsesFromAnInterventionSpec() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try SteeringFitter.fit(model: model, examples: ActivationFixture.examples(), layers: [0, 1], dataChecksum: "sha256:x",
                                         folds: 2, seed: 4)
        let path = ActivationFixture.temporaryPath("steer")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        #expect(try SteeringFit.load(path: path) == fit)
        let steer = try #require(try MethodRegistry.make(InterventionSpec(parsing: "steer:file=\(path),alpha=3,fold=1,layers=1"), for: model) as? SteeringIntervention)
        #expect(steer.vectors.vectors.map(\.layer) == [1] && steer.alpha == 3 && steer.vectors.fold == 1)
        #expect(steer.vectors.vectors[0] == fit.folds[1].vectors[1])
        #expect(steer.settings["layers"] == "1" && steer.settings["data"] == "sha256:x")
        try steer.validate(for: model)
        #expect { try MethodRegistry.make(InterventionSpec(parsing: "steer:file=\(path),layers=3"), for: model) } throws: {
            ($0 as? ActivationFitError)?.code == .unknownLocation
        }
        #expect(throws: InterventionError.self) { try MethodRegistry.make(InterventionSpec(parsing: "steer:file=\(path),alpha=-200"), for: model) }
    }

    @Test func badVectorsAndModelsFailBeforeScoring() throws {
        let (_, model) = try ActivationFixture.load()
        let examples = ActivationFixture.examples()
        #expect { try SteeringFitter.fit(model: model, examples: examples, layers: [2], dataChecksum: "d") } throws: {
            ($0 as? ActivationFitError)?.code == .unknownLocation
        }
        #expect { try SteeringFitter.fit(model: model, examples: examples, layers: [], dataChecksum: "d") } throws: {
            ($0 as? ActivationFitError)?.code == .invalidInput
        }
        #expect { try SteeringIntervention(vectors: vectors(model, layer: 5), alpha: 1) } throws: { ($0 as? ActivationFitError)?.code == .unknownLocation }
        #expect { try SteeringIntervention(vectors: vectors(model, layer: 0), alpha: 101) } throws: { ($0 as? ActivationFitError)?.code == .outOfRange }
        var short = vectors(model, layer: 0)
        short.vectors[0].values.removeLast()
        #expect { try SteeringIntervention(vectors: short, alpha: 1) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        let steer = try SteeringIntervention(vectors: vectors(model, layer: 1), alpha: 1)
        let (_, deeper) = try ActivationFixture.load { $0.layers = 3 }
        #expect { try steer.hooks(for: deeper) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        let fit = try SteeringFitter.fit(model: model, examples: examples, layers: [1], dataChecksum: "d")
        #expect { try fit.checkData(checksum: "e") } throws: { ($0 as? ActivationFitError)?.code == .incompatibleData }
        #expect { try SteeringIntervention(vectors: try fit.vectors(fold: 0), alpha: 1).checkData(checksum: "e") } throws: {
            ($0 as? ActivationFitError)?.code == .incompatibleData
        }
        try SteeringIntervention(vectors: try fit.vectors(fold: 0), alpha: 1).checkData(checksum: "d")
        #expect { try fit.vectors(fold: 2) } throws: { ($0 as? ActivationFitError)?.code == .unknownLocation }
    }
}
