import Testing
import TKInterventions

/// Probes fitted on one set of statements and tested on another (MC statements → generated answers).
struct OutOfDistributionProbeTests {
    /// Two features; the first separates true from false in training.
    static let training = CollectedActivations(questionIndices: [0, 0, 1, 1], labels: [true, false, true, false], layers: 1, heads: 1, headDim: 2,
                                               dim: 2, headValues: [], residuals: [0: [[1, 0.2], [-1, 0.1], [2, -0.3], [-2, 0]]])

    @Test(arguments: LinearProbe.Kind.allCases)
    func probesFittedOnTrainingScoreEveryTestRow(kind: LinearProbe.Kind) throws {
        let test = CollectedActivations(questionIndices: [5, 6, 7], labels: [true, false, true], layers: 1, heads: 1, headDim: 2, dim: 2,
                                        headValues: [], residuals: [0: [[3, 0], [-3, 0], [0.5, 0]]])
        let scores = try LayerProbeStudy.outOfDistribution(training: Self.training, test: test, layers: [0], kinds: [kind])
        #expect(scores.count == 1 && scores[0].scores.count == 3)
        // The same probe fitted directly on the training rows gives the same scores.
        let probe = try LinearProbe.fit(kind, features: Self.training.residuals[0]!, labels: Self.training.labels)
        #expect(scores[0].scores == test.residuals[0]!.map(probe.score))
        #expect(scores[0].scores[0] > scores[0].scores[1])
    }

    @Test func aLayerMissingFromEitherSetIsAnError() {
        let test = CollectedActivations(questionIndices: [5], labels: [true], layers: 1, heads: 1, headDim: 2, dim: 2, headValues: [], residuals: [1: [[1, 0]]])
        #expect(throws: ActivationFitError.self) { try LayerProbeStudy.outOfDistribution(training: Self.training, test: test, layers: [0], kinds: [.massMean]) }
    }

    @Test func subsetKeepsTheChosenRowsInOrder() {
        let subset = Self.training.subset(rows: [3, 0])
        #expect(subset.questionIndices == [1, 0] && subset.labels == [false, true] && subset.residuals[0]! == [[-2, 0], [1, 0.2]])
    }
}
