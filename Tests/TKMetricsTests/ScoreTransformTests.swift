import Testing
import TKEvalCore
@testable import TKMetrics

struct ScoreTransformTests {
    @Test func perByteDividesByUTF8Length() {
        let scores = [
            ContinuationScore(logprob: -6, tokenCount: 2, isGreedy: false, byteCount: 3),
            ContinuationScore(logprob: -6, tokenCount: 3, isGreedy: false, byteCount: 12),
            ContinuationScore(logprob: -2, tokenCount: 0, isGreedy: false, byteCount: 0),
        ]
        #expect(ScoreTransform.perByte(scores) == [-2, -0.5, -2])
        #expect(ScoreTransform.perToken(scores) == [-3, -2, -2])
    }

    @Test func lengthNormalisationCanChangeTheMC1Winner() throws {
        // A short false answer wins on raw likelihood; per byte the long true answer wins.
        let raw = try ScoredChoices(scores: [-12, -5], labels: [1, 0])
        #expect(try MultipleChoiceMetrics.mc1(raw) == .incorrect)
        let normalised = try raw.withScores(ScoreTransform.lengthNormalized(raw.scores, lengths: [40, 5]))
        #expect(try MultipleChoiceMetrics.mc1(normalised) == .correct)
    }

    @Test func pmiSubtractsTheUnconditionalScore() throws {
        let pmi = try ScoreTransform.pointwiseMutualInformation(conditional: [-3, -4], unconditional: [-1, -5])
        #expect(pmi == [-2, 1])
        // The generic answer (likely anywhere) loses once its prior is taken out.
        let item = try ScoredChoices(scores: pmi, labels: [0, 1])
        #expect(try MultipleChoiceMetrics.mc1(item) == .correct)
    }

    @Test func mismatchedLengthsAreAnError() {
        #expect(throws: MetricsError.self) { try ScoreTransform.lengthNormalized([-1, -2], lengths: [1]) }
        #expect(throws: MetricsError.self) {
            try ScoreTransform.pointwiseMutualInformation(conditional: [-1], unconditional: [-1, -2])
        }
    }
}
