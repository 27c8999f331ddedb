import Foundation
import Testing
import TKBackends
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

@Suite struct GrAInSTests {
    /// A hand-made fit for the tiny fixture: fold 0's direction is a fixed unit vector at `layer`.
    static func fit(_ model: TransformerModel, layer: Int = 0) throws -> GrAInSFit {
        let dim = model.config.dim
        let raw = (0..<dim).map { Float($0 % 7) - 3 }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let split = try QuestionFolds(questions: [1, 2, 3, 4], count: 2, seed: 0)
        let folds = (0..<2).map { GrAInSFoldFit(fold: $0, attributedQuestions: split.training(fold: $0), direction: raw.map { $0 / norm }, meanChangeNorm: 1) }
        return GrAInSFit(model: ModelSignature(model: model), dataChecksum: "data", promptTemplate: AnswerContrast.template,
                         options: GrAInSFitOptions(layer: layer), split: split, folds: folds)
    }

    func residuals(_ model: TransformerModel, hooks base: Hooks, layer: Int) throws -> [[Float]] {
        var hooks = base
        let recorder = ActivationRecorder(points: [.residual(layer: layer)])
        recorder.install(into: &hooks)  // after the steering hook: sees the edited stream
        try InferenceSession(model: model).forward(.sequence(ActivationFixture.tokens, startingAt: 0), hooks: hooks)
        return recorder.recorded[.residual(layer: layer)]!
    }

    @Test func alphaZeroInstallsNoHookAndReproducesTheBaselineBitForBit() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try Self.fit(model)
        let hooks = try GrAInSIntervention(fit: fit, alpha: 0).hooks(for: model)
        #expect(hooks.isEmpty)
        let baseline = try ActivationFixture.logits(model, ActivationFixture.tokens)
        #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: hooks) == baseline)
        let path = ActivationFixture.temporaryPath("grains")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        let neutral = try MethodRegistry.make(InterventionSpec(parsing: "grains:file=\(path),alpha=0"), for: model)
        #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: neutral.hooks(for: model)) == baseline)
    }

    /// Each row becomes (h + 10αv)·‖h‖/‖h + 10αv‖, computed here in Double from the baseline row.
    @Test func hookShiftsAlongTheDirectionAndKeepsTheNorm() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try Self.fit(model, layer: 1)
        let alpha = 0.3
        let baseline = try residuals(model, hooks: Hooks(), layer: 1)
        let steered = try residuals(model, hooks: GrAInSIntervention(fit: fit, alpha: alpha).hooks(for: model), layer: 1)
        let v = fit.folds[0].direction.map(Double.init)
        for (h, s) in zip(baseline, steered) {
            let moved = zip(h, v).map { Double($0) + 10 * alpha * $1 }
            let ratio = h.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() / moved.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let expected = moved.map { $0 * ratio }
            #expect(zip(s, expected).allSatisfy { abs(Double($0) - $1) < 1e-4 })
        }
        #expect(zip(baseline, steered).contains { ActivationFixture.maxAbsDiff($0, $1) > 1e-2 })
    }

    /// Worked by hand: rows (1,0), (0,1), (1,1) have RᵀR = [[2,1],[1,2]], whose top eigenvector is
    /// (1,1)/√2; rows (−2,−1) twice give (−2,−1)/√5, signed to agree with their mean.
    @Test func principalDirectionIsTheTopSingularVectorSignedByTheMean() {
        let a = GrAInSFitter.principalDirection([[1, 0], [0, 1], [1, 1]], dim: 2)
        #expect(abs(a[0] - 1 / Float(2).squareRoot()) < 1e-5 && abs(a[1] - 1 / Float(2).squareRoot()) < 1e-5)
        let b = GrAInSFitter.principalDirection([[-2, -1], [-2, -1]], dim: 2)
        #expect(abs(b[0] + 2 / Float(5).squareRoot()) < 1e-5 && abs(b[1] + 1 / Float(5).squareRoot()) < 1e-5)
        #expect(GrAInSFitter.principalDirection([[0, 0]], dim: 2) == [0, 0])
    }

    @Test func extremesTakeOnlyPositiveAndOnlyNegativeScores() {
        let scores = [0.5, -2, 3, -0.1, 0]
        let one = GrAInSFitter.extremes(scores, k: 1)
        #expect(one.positive == [2] && one.negative == [1])
        let three = GrAInSFitter.extremes(scores, k: 3)
        #expect(three.positive == [2, 0] && three.negative == [1, 3])
    }

    @Test func fitOnTheTinyModelGivesUnitDirectionsPerFold() throws {
        let (_, model) = try ActivationFixture.load()
        let words = ActivationFixture.words
        let examples = (0..<4).map { q in
            AnswerContrast(questionIndex: q, prompt: "q is \(words[q]) \(words[q + 4])? a", trueAnswer: "yes.", falseAnswer: "no, \(words[q + 1]).")
        }
        let fit = try GrAInSFitter.fit(model: model, examples: examples, dataChecksum: "tiny", folds: 2, seed: 3,
                                       options: GrAInSFitOptions(layer: 1, topK: 1, steps: 2, questionsPerFold: 2))
        for f in fit.folds {
            let norm = f.direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4, "fold \(f.fold): |direction| = \(norm)")
            #expect(Set(f.attributedQuestions).isDisjoint(with: fit.split.heldOut(fold: f.fold)))
        }
        let path = ActivationFixture.temporaryPath("grains-fit")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        #expect(try GrAInSFit.load(path: path) == fit)
        #expect(throws: ActivationFitError.self) { try GrAInSIntervention(fit: fit, fold: 5) }
        #expect(throws: (any Error).self) { try MethodRegistry.folds(of: InterventionSpec(parsing: "grains:file=\(path)"), dataChecksum: "other") }
    }
}
