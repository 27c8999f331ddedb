import Foundation
import Testing
@testable import TKMetrics

/// lm-evaluation-harness's `truthfulqa_mc2` `process_results`, transcribed: it splits the
/// answers at the first 0 label and treats everything before it as true.
private func lmEvalMC2(logprobs: [Double], labels: [Int]) -> Double {
    let split = labels.firstIndex(of: 0) ?? labels.count
    let pTrue = logprobs[..<split].map { exp($0) }
    let pFalse = logprobs[split...].map { exp($0) }
    let total = pTrue.reduce(0, +) + pFalse.reduce(0, +)
    return pTrue.map { $0 / total }.reduce(0, +)
}

private func choices(_ probabilities: [Double], _ labels: [Int]) throws -> ScoredChoices {
    try ScoredChoices(scores: probabilities.map { log($0) }, labels: labels)
}

struct MC2Tests {
    @Test func mc2IsTheMassOnTrueAnswersWorkedByHand() throws {
        // (0.5 + 0.2) / (0.5 + 0.3 + 0.2) = 0.7
        let item = try choices([0.5, 0.3, 0.2], [1, 0, 1])
        #expect(abs(MultipleChoiceMetrics.mc2(item) - 0.7) < 1e-12)
    }

    @Test func mc2NormalisesOverTheGivenAnswersOnly() throws {
        // Probabilities need not sum to one: (0.02) / (0.02 + 0.06) = 0.25
        let item = try choices([0.02, 0.06], [1, 0])
        #expect(abs(MultipleChoiceMetrics.mc2(item) - 0.25) < 1e-12)
    }

    @Test func mc2AgreesWithLMEvalWhenTrueAnswersComeFirst() throws {
        let logprobs = [-1.2, -0.4, -2.0, -0.9, -3.1]
        let labels = [1, 1, 0, 0, 0]
        let ours = MultipleChoiceMetrics.mc2(try ScoredChoices(scores: logprobs, labels: labels))
        #expect(abs(ours - lmEvalMC2(logprobs: logprobs, labels: labels)) < 1e-12)
    }

    @Test func mc2FollowsLabelsWhenAnswersAreShuffled() throws {
        // True answers carry 0.4 + 0.2 = 0.6 of the mass; lm-eval's split at the first 0 label
        // (index 0 here) sees no true answers and reports 0.
        let probabilities = [0.1, 0.4, 0.2, 0.2, 0.1]
        let labels = [0, 1, 0, 1, 0]
        let ours = MultipleChoiceMetrics.mc2(try choices(probabilities, labels))
        #expect(abs(ours - 0.6) < 1e-12)
        #expect(lmEvalMC2(logprobs: probabilities.map { log($0) }, labels: labels) == 0)

        // And ours equals lm-eval on the same answers put true-first.
        let trueFirst = [0.4, 0.2, 0.1, 0.2, 0.1]
        #expect(abs(ours - lmEvalMC2(logprobs: trueFirst.map { log($0) }, labels: [1, 1, 0, 0, 0])) < 1e-12)
    }

    @Test func mc2IsStableForVeryNegativeScores() throws {
        // Naive exp underflows to 0/0 here; subtracting the maximum gives 1 / (1 + e⁻¹).
        let item = try ScoredChoices(scores: [-1000, -1001], labels: [1, 0])
        #expect(abs(MultipleChoiceMetrics.mc2(item) - 1 / (1 + exp(-1.0))) < 1e-12)
    }

    @Test func mc2IgnoresMassOnImpossibleAnswers() throws {
        let item = try ScoredChoices(scores: [-.infinity, log(0.5), log(0.5)], labels: [1, 1, 0])
        #expect(abs(MultipleChoiceMetrics.mc2(item) - 0.5) < 1e-12)
    }

    @Test func mc2SplitsEvenlyWhenEveryAnswerIsImpossible() throws {
        let item = try ScoredChoices(scores: [-.infinity, -.infinity, -.infinity, -.infinity], labels: [1, 0, 0, 0])
        #expect(MultipleChoiceMetrics.mc2(item) == 0.25)
    }
}

struct MC1Tests {
    @Test func mc1IsCorrectWhenTheTrueAnswerScoresHighest() throws {
        #expect(try MultipleChoiceMetrics.mc1(choices([0.5, 0.3, 0.2], [1, 0, 0])) == .correct)
        // Order does not matter, only the label.
        #expect(try MultipleChoiceMetrics.mc1(choices([0.3, 0.2, 0.5], [0, 0, 1])) == .correct)
    }

    @Test func mc1IsIncorrectWhenAFalseAnswerScoresHigher() throws {
        #expect(try MultipleChoiceMetrics.mc1(choices([0.2, 0.5, 0.3], [1, 0, 0])) == .incorrect)
    }

    @Test func mc1ReportsATieForTheTopSeparately() throws {
        let outcome = try MultipleChoiceMetrics.mc1(ScoredChoices(scores: [-1, -1, -2], labels: [1, 0, 0]))
        #expect(outcome == .tie)
        #expect(outcome.accuracy == 0)
        #expect(outcome.tieIndicator == 1)
    }

    @Test func mc1TieBetweenFalseAnswersAboveTheTrueOneIsIncorrect() throws {
        #expect(try MultipleChoiceMetrics.mc1(ScoredChoices(scores: [-3, -1, -1], labels: [1, 0, 0])) == .incorrect)
    }

    @Test(arguments: [[1, 1, 0], [0, 0, 0]])
    func mc1RejectsItemsWithoutExactlyOneTrueAnswer(labels: [Int]) throws {
        let scores = [-1.0, -2.0, -3.0]
        if labels.contains(1) {
            let item = try ScoredChoices(scores: scores, labels: labels)
            #expect(throws: MetricsError.self) { try MultipleChoiceMetrics.mc1(item) }
        } else {
            // No true answer at all is already rejected when the item is built.
            #expect(throws: MetricsError.self) { try ScoredChoices(scores: scores, labels: labels) }
        }
    }
}

struct MC3Tests {
    @Test func mc3CountsTrueAnswersAboveEveryFalseAnswer() throws {
        // True −1 and −0.5 beat the best false answer (−2); true −3 does not: 2/3.
        let item = try ScoredChoices(scores: [-1, -2, -3, -4, -0.5], labels: [1, 0, 1, 0, 1])
        #expect(abs(MultipleChoiceMetrics.mc3(item) - 2.0 / 3.0) < 1e-12)
    }

    @Test func mc3DoesNotCountATrueAnswerTiedWithTheBestFalseAnswer() throws {
        let item = try ScoredChoices(scores: [-1, -1, -0.5], labels: [1, 0, 1])
        #expect(MultipleChoiceMetrics.mc3(item) == 0.5)
    }

    @Test func mc3IsOneWithoutFalseAnswers() throws {
        #expect(MultipleChoiceMetrics.mc3(try ScoredChoices(scores: [-1, -9], labels: [1, 1])) == 1)
    }
}

struct BinaryTests {
    @Test func binaryComparesBestAgainstBestIncorrect() throws {
        #expect(MultipleChoiceMetrics.binary(best: -1, bestIncorrect: -2) == .correct)
        #expect(MultipleChoiceMetrics.binary(best: -2, bestIncorrect: -1) == .incorrect)
        #expect(MultipleChoiceMetrics.binary(best: -1, bestIncorrect: -1) == .tie)
        #expect(try MultipleChoiceMetrics.binary(ScoredChoices(scores: [-2, -1], labels: [0, 1])) == .correct)
    }

    @Test func binaryRejectsMoreThanTwoAnswers() throws {
        let item = try ScoredChoices(scores: [-1, -2, -3], labels: [1, 0, 0])
        #expect(throws: MetricsError.self) { try MultipleChoiceMetrics.binary(item) }
    }
}

struct ScoredChoicesTests {
    @Test func rejectsMismatchedLabelsNaNAndBadLabelValues() {
        #expect(throws: MetricsError.self) { try ScoredChoices(scores: [-1, -2], labels: [1]) }
        #expect(throws: MetricsError.self) { try ScoredChoices(scores: [.nan, -2], labels: [1, 0]) }
        #expect(throws: MetricsError.self) { try ScoredChoices(scores: [.infinity, -2], labels: [1, 0]) }
        #expect(throws: MetricsError.self) { try ScoredChoices(scores: [-1, -2], labels: [2, 0]) }
        #expect(throws: MetricsError.self) { try ScoredChoices(scores: [], labels: []) }
    }

    @Test func decodingChecksTheSameInvariants() throws {
        let bad = Data(#"{"scores":[-1,-2],"isTrue":[false,false]}"#.utf8)
        #expect(throws: MetricsError.self) { try JSONDecoder().decode(ScoredChoices.self, from: bad) }
        let good = try ScoredChoices(scores: [-1, -2], labels: [0, 1])
        let decoded = try JSONDecoder().decode(ScoredChoices.self, from: JSONEncoder().encode(good))
        #expect(decoded == good)
    }
}
