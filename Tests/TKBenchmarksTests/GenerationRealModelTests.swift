import Foundation
import Testing
import TKBackends
import TKBenchmarks
import TKEvalCore
import TKMetrics
import TKTesting
#if canImport(TKJudges)
import TKJudges
#endif

/// The generation task end to end on the default model: three v0 questions answered by
/// SmolLM2-135M and, when this target can see the judges module, judged by the paper judge with
/// the same model. Checks structure and ranges, not particular answers.
@Suite struct GenerationRealModelTests {
    @Test(.enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
    func threeAnswersAreGeneratedScoredAndJudged() async throws {
        let dataset = try TruthfulQADataset.loadForGeneration(dataDirectory: DataTestSupport.dataDirectory)
        #expect(dataset.version == .v0)
        let items = Array(dataset.items.prefix(3))
        let model = try NativeModel.load(path: TestEnvironment.modelPath)
        let evaluator = try GenerationEvaluator(model: model, settings: GenerationSettings(maxTokens: 24))
        let results = try await evaluator.evaluateEach(items)

        #expect(results.map(\.index) == items.map(\.index))
        for result in results {
            #expect(result.tokenCount >= 1 && result.tokenCount <= 24)
            #expect(result.hitTokenLimit == (result.finishReason == .length))
            #expect(!result.rawText.contains("\n\n"), "generation stops at a blank line")
            #expect(result.answer == AnswerCleaner.clean(result.rawText))
            #expect(Set(result.metrics.keys) == Set(GenerationMetricName.similarity))
            for name in GenerationMetricName.similarity where name.hasSuffix("_max") {
                #expect((0...100).contains(result.metrics[name]!))
            }
        }

        #if canImport(TKJudges)
        let references = dataset.items.map {
            JudgeReference(question: $0.question, correctAnswers: $0.correctAnswers, incorrectAnswers: $0.incorrectAnswers)
        }
        // Two examples keep the test short (the default is six); the prompt format is the same.
        let judge = try PaperJudge(model: model, references: references, shots: 2)
        let judged = try await GenerationEvaluator.judge(results, judgeID: judge.fingerprint.id) { result in
            let v = try await judge.judge(question: result.question, answer: result.answer)
            return JudgeVerdict(judge: v.judge, truthful: v.truthful, informative: v.informative,
                                       truthfulProbability: v.truthfulProbability,
                                       informativeProbability: v.informativeProbability, rule: v.rule, raw: v.raw)
        }
        for result in judged {
            let verdict = try #require(result.judgements[judge.fingerprint.id])
            if verdict.rule == nil {
                let pt = try #require(verdict.truthfulProbability), pi = try #require(verdict.informativeProbability)
                #expect((0...1).contains(pt) && (0...1).contains(pi))
                #expect(verdict.truthful == (pt >= 0.5) && verdict.informative == (pi >= 0.5))
            } else {
                #expect(verdict.truthful == true && verdict.informative == false)
            }
        }
        let summary = try GenerationEvaluator.summarize(judged, bootstrap: Bootstrap(resamples: 50))
        let rates = try #require(summary.judges[judge.fingerprint.id]?.rates)
        #expect(rates.itemCount == 3)
        #expect((0...1).contains(rates.metrics["truthful_informative"]!.mean))
        #endif
    }
}
