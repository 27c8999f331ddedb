import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKMetrics

/// A generator that records each request and answers from a script, with a chosen finish reason,
/// so tests can check what the evaluator asks for and how it treats the token limit.
private struct Unscripted: Error {
    var description: String
}

private actor RecordingModel: LanguageModel {
    nonisolated let identity = ModelIdentity(name: "recording", backend: "test", fingerprint: "test:recording")
    let replies: [String: (String, TextGeneration.FinishReason)]
    private(set) var requests: [TextGenerationRequest] = []

    init(replies: [String: (String, TextGeneration.FinishReason)]) {
        self.replies = replies
    }

    func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        throw Unscripted(description: "the generation task never scores")
    }

    func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        requests.append(request)
        guard let (text, reason) = replies.first(where: { request.prompt.hasSuffix("Q: \($0.key)\nA:") })?.value else {
            throw Unscripted(description: "no reply for \(request.prompt.suffix(40))")
        }
        return TextGeneration(text: text, finishReason: reason, tokenCount: text.split(separator: " ").count)
    }
}

@Suite struct GenerationEvaluatorTests {
    static func item(_ index: Int, _ question: String, correct: [String], incorrect: [String], category: String = "Misc",
                     type: QuestionType = .adversarial) -> TruthfulQAItem {
        TruthfulQAItem(index: index, question: question, category: category, type: type, bestAnswer: correct.first,
                       correctAnswers: correct, incorrectAnswers: incorrect,
                       mc1: ChoiceSet(choices: ["x"], labels: [1]), mc2: ChoiceSet(choices: ["x"], labels: [1]))
    }

    static let items = [
        item(0, "What color is the sky?", correct: ["The sky is blue"], incorrect: ["The sky is green"]),
        item(1, "Can pigs fly?", correct: ["No, pigs cannot fly"], incorrect: ["Yes, pigs can fly"], category: "Animals"),
        item(2, "What is 2+2?", correct: ["4"], incorrect: [], type: .nonAdversarial),
    ]

    @Test(arguments: [
        (" The sky is blue.\n\nQ: Next?", "The sky is blue."),       // a backend that ignored the blank-line stop
        ("\nA: Pigs cannot fly.", "Pigs cannot fly."),                // the model restarted the pattern
        (" Paris.\nQ: What is next?\nA: x", "Paris."),                // the next question on a single newline
        ("  Two lines\nof answer. ", "Two lines\nof answer."),        // a single line break stays
        ("A:", ""),                                                   // nothing but the cue
        ("   ", ""),
    ])
    func answersAreCutAtStopsAndStrippedOfTheCue(raw: String, expected: String) {
        #expect(AnswerCleaner.clean(raw) == expected)
    }

    @Test func requestsAreGreedyWithThePresetStopsAndTheTokenLimit() async throws {
        let model = RecordingModel(replies: ["What color is the sky?": (" The sky is blue.", .stop)])
        let evaluator = try GenerationEvaluator(model: model, preset: .qa, settings: GenerationSettings(maxTokens: 32))
        _ = try await evaluator.evaluate(Self.items[0])
        let request = try #require(await model.requests.first)
        #expect(request.prompt == PromptPreset.qaPrimer + "\n\nQ: What color is the sky?\nA:")
        #expect(request.stop == ["\n\n", "\nQ:"])
        #expect(request.temperature == 0 && request.maxTokens == 32)
    }

    @Test func tokenLimitIsFlaggedAndStopIsNot() async throws {
        let model = RecordingModel(replies: [
            "What color is the sky?": (" The sky is blue.", .stop),
            "Can pigs fly?": (" Pigs are a kind of animal that lives on farms and", .length),
        ])
        let evaluator = try GenerationEvaluator(model: model)
        let results = try await evaluator.evaluateEach(Array(Self.items.prefix(2)))
        #expect(results.map(\.hitTokenLimit) == [false, true])
        #expect(results[1].answer == "Pigs are a kind of animal that lives on farms and")
        let summary = try GenerationEvaluator.summarize(results, bootstrap: Bootstrap(resamples: 10))
        #expect(summary.hitTokenLimit == [1])
    }

    @Test func similarityComparesWithTrueAndFalseReferences() async throws {
        let model = RecordingModel(replies: [
            "What color is the sky?": (" The sky is blue.", .stop),   // exactly the (closed) true reference
            "Can pigs fly?": (" Yes, pigs can fly.", .stop),          // exactly the false reference
            "What is 2+2?": (" 4.", .stop),                           // no false reference: not scored
        ])
        let results = try await GenerationEvaluator(model: model).evaluateEach(Self.items)
        #expect(results[0].metrics["rouge1_max"] == 100 && results[0].metrics["rouge1_acc"] == 1)
        #expect(results[0].metrics["bleu_acc"] == 1 && results[0].metrics["rougeL_acc"] == 1)
        #expect(results[1].metrics["rouge1_acc"] == 0 && results[1].metrics["bleu_acc"] == 0)
        #expect((results[1].metrics["rouge1_diff"] ?? 0) < 0)
        #expect(Set(results[0].metrics.keys) == Set(GenerationMetricName.similarity))
        #expect(results[2].metrics.isEmpty)
        let summary = try GenerationEvaluator.summarize(results, bootstrap: Bootstrap(resamples: 10))
        #expect(summary.similarity?.itemCount == 2)
        #expect(summary.similarity?.metrics["rouge1_acc"]?.mean == 0.5)
    }

    @Test func badSettingsAreRejectedBeforeGenerating() {
        let model = ScriptedModel()
        #expect(throws: BenchmarkError.self) { try GenerationEvaluator(model: model, settings: GenerationSettings(maxTokens: 0)) }
        #expect(throws: BenchmarkError.self) { try GenerationEvaluator(model: model, settings: GenerationSettings(stop: ["\n\n", ""])) }
    }
}

extension GenerationEvaluator {
    /// Every item in order (storing and resuming is the evaluator's job, tested in TKEvaluationTests).
    func evaluateEach(_ items: [TruthfulQAItem]) async throws -> [GenerationItemResult] {
        var results: [GenerationItemResult] = []
        for item in items { results.append(try await evaluate(item)) }
        return results
    }
}
