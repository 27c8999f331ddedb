import Testing
@testable import TKInterventions

struct LinearProbeTests {
    /// Two features; true rows at (2, 0) ± (0, 1), false rows at (0, 0) ± (0, 1).
    private let features: [[Float]] = [[2, 1], [2, -1], [0, 1], [0, -1]]
    private let labels = [true, true, false, false]

    @Test func massMeanIsTheDifferenceOfClassMeans() throws {
        // μ_true = (2, 0), μ_false = (0, 0): θ = (2, 0), score = 2·x₀.
        let probe = try LinearProbe.fit(.massMean, features: features, labels: labels)
        #expect(probe.weights == [2, 0])
        #expect(probe.score([1, 5]) == 2)
    }

    @Test func iidMassMeanDividesByThePooledCovariance() throws {
        // Rows centred on their class mean: (0, ±1) in both classes, so Σ = diag(0, 1). The ridge is
        // ε = 1e-3 · trace(Σ)/d = 5e-4, so Σ + εI = diag(5e-4, 1.0005) and w = (2/5e-4, 0) = (4000, 0).
        let probe = try LinearProbe.fit(.massMeanIID, features: features, labels: labels)
        #expect(abs(probe.weights[0] - 4000) < 1e-6)
        #expect(abs(probe.weights[1]) < 1e-9)
    }

    @Test func logisticSeparatesAlongTheInformativeFeature() throws {
        let probe = try LinearProbe.fit(.logistic, features: features, labels: labels)
        #expect(probe.weights[0] > 0)
        #expect(abs(probe.weights[1]) < 1e-9)  // by symmetry the second feature carries no weight
        #expect(zip(features, labels).allSatisfy { (probe.score($0) > 0) == $1 })
    }

    @Test func rejectsOneClassAndRaggedRows() {
        #expect(throws: ActivationFitError.self) { try LinearProbe.fit(.massMean, features: [[1], [2]], labels: [true, true]) }
        #expect(throws: ActivationFitError.self) { try LinearProbe.fit(.logistic, features: [[1], [2, 3]], labels: [true, false]) }
    }

    @Test func studyScoresEachStatementWithAProbeThatNeverSawItsQuestion() throws {
        // Question q has a true row at (q+1, 0) and a false row at (−q−1, 0), except question 3:
        // flipped and huge (±100). A mass-mean probe fitted with question 3 among its training
        // questions points along −x₀ (question 3 outweighs the rest); one fitted without it points
        // along +x₀. So if each fold's rows are scored by the probe fitted on the *other* fold:
        // rows in question 3's fold are right except question 3's own, and rows in the other fold
        // (scored by a probe that saw question 3) are all wrong.
        var rows: [[Float]] = [], rowLabels: [Bool] = [], questions: [Int] = []
        for q in 0..<6 {
            for isTrue in [true, false] {
                let sign: Float = (isTrue != (q == 3)) ? 1 : -1
                let magnitude: Float = q == 3 ? 100 : Float(q + 1)
                rows.append([sign * magnitude, 0]); rowLabels.append(isTrue); questions.append(q)
            }
        }
        let activations = CollectedActivations(questionIndices: questions, labels: rowLabels, layers: 1, heads: 1, headDim: 2, dim: 2,
                                               headValues: [], residuals: [0: rows])
        let folds = try QuestionFolds(questions: Array(0..<6), count: 2, seed: 0)
        let held = try LayerProbeStudy.run(activations, layers: [0], kinds: [.massMean], folds: folds)
        #expect(held.count == 1 && held[0].scores.allSatisfy(\.isFinite))
        for (i, score) in held[0].scores.enumerated() {
            let q = questions[i]
            let right = folds.assignment[q] == folds.assignment[3] && q != 3
            #expect((score > 0) == (rowLabels[i] == right), "row \(i) of question \(q)")
        }
        #expect(throws: ActivationFitError.self) { try LayerProbeStudy.run(activations, layers: [1], kinds: [.massMean], folds: folds) }
    }
}
