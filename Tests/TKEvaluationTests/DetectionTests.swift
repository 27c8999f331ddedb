import Foundation
import Testing
import TKCalibration
import TKEvalCore
import TKEvaluation
import TKMetrics

/// Semantic entropy, clustering and SelfCheck on hand-worked cases. Expected numbers were computed
/// by hand and checked with numpy/scipy/sklearn (`-(p*log p).sum()`, `scipy.special.logsumexp`,
/// `sklearn.metrics.roc_auc_score`), as each test notes.
struct DetectionTests {
    @Test func discreteSemanticEntropyIsTheEntropyOfClusterFrequencies() {
        // p = (2/4, 1/4, 1/4): −(.5 ln .5 + 2 · .25 ln .25) = 1.0397207708399179 (numpy).
        #expect(abs(SemanticEntropy.discrete(clusterIDs: [0, 0, 1, 2]) - 1.0397207708399179) < 1e-12)
        #expect(SemanticEntropy.discrete(clusterIDs: [3, 3, 3]) == 0)
    }

    @Test func lengthNormalisedEntropyNormalisesClusterMassOverTheSamples() {
        // Mean log-probs ln .2, ln .2, ln .4; clusters {0,1}, {2}: masses .4 and .4 of .8 → p = (.5, .5),
        // SE = ln 2 = 0.6931471805599453 (numpy + scipy.special.logsumexp).
        let se = SemanticEntropy.lengthNormalised(clusterIDs: [0, 0, 1], meanLogprobs: [log(0.2), log(0.2), log(0.4)])
        #expect(abs(se - 0.6931471805599453) < 1e-12)
    }

    @Test func strictRuleNeedsEntailmentBothWaysAndKuhnsRuleOnlyNoContradiction() async throws {
        // b entails a one way only (neutral back); c contradicts a; b and c neutral both ways.
        let verdicts: [[Int]: Entailment] = [[0, 1]: .entailment, [1, 0]: .neutral, [0, 2]: .contradiction, [2, 0]: .contradiction,
                                             [1, 2]: .neutral, [2, 1]: .neutral]
        let texts = ["a", "b", "c"]
        let strict = try await SemanticClustering.assign(texts, rule: .strict) { verdicts[[$0, $1]]! }
        let lenient = try await SemanticClustering.assign(texts, rule: .noContradiction) { verdicts[[$0, $1]]! }
        #expect(strict == [0, 1, 2])
        // b joins a (no contradiction either way); c contradicts a, the only opener, so opens its own.
        #expect(lenient == [0, 0, 1])
    }

    @Test func identicalSamplesShareAClusterWithoutAskingTheJudge() async throws {
        var asked = 0
        let ids = try await SemanticClustering.assign(["x", "x", "x"], rule: .strict) { _, _ in
            asked += 1
            return .neutral
        }
        #expect(ids == [0, 0, 0] && asked == 0)
    }

    @Test func entailmentRepliesAreReadFromTheirFirstThirtyCharacters() {
        #expect(EntailmentJudge.parse(" Entailment.") == .entailment)
        #expect(EntailmentJudge.parse("contradiction") == .contradiction)
        #expect(EntailmentJudge.parse("I think so") == .neutral)
        #expect(EntailmentJudge.parse(String(repeating: "x", count: 30) + "entailment") == .neutral)
    }

    @Test func semanticEntropyTaskAsksEachOrderedPairOnceAndScoresBothRules() async throws {
        let question = "Capital of France?"
        let judge = ScriptedModel(generations: [EntailmentJudge.prompt(question: question, first: "Paris", second: "London"): " contradiction"])
        let samples = SampledAnswersTask.Result(index: 7, question: question,
                                                samples: [.init(text: "Paris", logprob: -1, tokenCount: 1), .init(text: "Paris", logprob: -1, tokenCount: 1),
                                                          .init(text: "London", logprob: -2, tokenCount: 2)],
                                                lowTemperatureAnswer: .init(text: "Paris", logprob: -0.1, tokenCount: 1))
        let item = DetectionItem(answer: SelfEvaluationItem(index: 7, question: question, answer: "Paris", category: nil, correct: true), samples: samples)
        let result = try await SemanticEntropyTask().evaluate(item, model: judge)
        #expect(result.clusters == ["strict": [0, 0, 1], "no-contradiction": [0, 0, 1]])
        #expect(result.judgeCalls == 1)
        // p = (2/3, 1/3): 0.6365141682948128 (numpy).
        #expect(abs(result.scores["se_discrete_strict"]! - 0.6365141682948128) < 1e-12)
        // Mean log-probs −1, −1, −1 (−2 over 2 tokens): every sample weighs the same, so the
        // length-normalised entropy equals the discrete one.
        #expect(abs(result.scores["se_length_normalised_no_contradiction"]! - 0.6365141682948128) < 1e-12)
    }

    @Test func samplesWithoutLogprobsGiveOnlyTheDiscreteEntropy() async throws {
        let samples = SampledAnswersTask.Result(index: 0, question: "Q?", samples: [.init(text: "a", logprob: nil, tokenCount: 1), .init(text: "a", logprob: nil, tokenCount: 1)],
                                                lowTemperatureAnswer: .init(text: "a", logprob: nil, tokenCount: 1))
        let item = DetectionItem(answer: SelfEvaluationItem(index: 0, question: "Q?", answer: "a", category: nil, correct: false), samples: samples)
        let result = try await SemanticEntropyTask().evaluate(item, model: ScriptedModel())
        #expect(Set(result.scores.keys) == ["se_discrete_strict", "se_discrete_no_contradiction"])
    }

    @Test func selfCheckSplitsSentencesAndReadsYesNo() {
        #expect(SelfCheck.sentences("It is 3.5 km. Really? Yes!") == ["It is 3.5 km.", "Really?", "Yes!"])
        #expect(SelfCheck.sentences("  ") == [])
        #expect(SelfCheck.verdict(" Yes.") == 0 && SelfCheck.verdict("No") == 1 && SelfCheck.verdict("Maybe") == nil)
    }

    @Test func selfCheckUnigramCountsTheAnswerWithTheSamples() throws {
        // Counts over "Paris", "London" and the answer: paris 2, is 1, big 1, london 1 (5 tokens).
        // Answer surprisals −ln(2/5), −ln(1/5), −ln(1/5): mean 1.3783888522474517, max 1.6094379124341003 (numpy).
        let scores = try #require(SelfCheck.unigram(answer: "Paris is big.", samples: ["Paris", "London"]))
        #expect(abs(scores.average - 1.3783888522474517) < 1e-12)
        #expect(abs(scores.maxAverage - 1.6094379124341003) < 1e-12)
        #expect(SelfCheck.unigram(answer: "", samples: ["a"]) == nil)
    }

    @Test func selfCheckPromptScoreAveragesVerdictsAndCountsUnreadableReplies() async throws {
        let sentence = "Paris is big."
        let checker = ScriptedModel(generations: [
            SelfCheck.prompt(context: "s1", sentence: sentence): "Yes", SelfCheck.prompt(context: "s2", sentence: sentence): "No",
            SelfCheck.prompt(context: "s3", sentence: sentence): "Perhaps",
        ])
        let samples = SampledAnswersTask.Result(index: 1, question: "Q?", samples: ["s1", "s2", "s3"].map { .init(text: $0, logprob: nil, tokenCount: 1) },
                                                lowTemperatureAnswer: .init(text: "s1", logprob: nil, tokenCount: 1))
        let item = DetectionItem(answer: SelfEvaluationItem(index: 1, question: "Q?", answer: sentence, category: nil, correct: true), samples: samples)
        let result = try await SelfCheckTask().evaluate(item, model: checker)
        // (0 + 1 + 0.5) / 3 = 0.5, the unreadable reply counted.
        #expect(abs(result.scores[SelfCheckTask.promptScore]! - 0.5) < 1e-12)
        #expect(result.unreadable == 1 && result.sentences == 1)
    }

    @Test func detectionAUROCRanksHigherUncertaintyAsWrong() throws {
        // Confidence = −uncertainty: sklearn roc_auc_score([1,1,0,0], [-.1,-.4,-.3,-.9]) = 0.75.
        let summary = try DetectionSummary(score: "u", uncertainties: [0.1, 0.4, 0.3, 0.9], correct: [true, true, false, false],
                                           bootstrap: Bootstrap(resamples: 50))
        #expect(summary.auroc == 0.75)
        #expect(summary.n == 4 && summary.accuracy == 0.5)
    }
}
