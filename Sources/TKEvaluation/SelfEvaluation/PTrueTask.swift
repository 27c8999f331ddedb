import Foundation
import TKBenchmarks
import TKEvalCore
import TKMetrics

/// One generated answer to self-evaluate: the question, the model's answer and its correctness
/// label from a named source.
public struct SelfEvaluationItem: Sendable, Codable, Equatable {
    public var index: Int
    public var question: String
    public var answer: String
    public var category: String?
    public var correct: Bool

    public init(index: Int, question: String, answer: String, category: String?, correct: Bool) {
        self.index = index
        self.question = question
        self.answer = answer
        self.category = category
        self.correct = correct
    }

    /// Items from a stored generation run's answers, labelled by `source`; answers the source has
    /// no label for are returned separately (reported, never dropped silently).
    public static func from(_ answers: [GenerationItemResult], source: CorrectnessSource) -> (items: [SelfEvaluationItem], unlabelled: [Int]) {
        var items: [SelfEvaluationItem] = [], unlabelled: [Int] = []
        for r in answers {
            guard let correct = source.label(of: r) else { unlabelled.append(r.index); continue }
            items.append(SelfEvaluationItem(index: r.index, question: r.question, answer: r.answer, category: r.category, correct: correct))
        }
        return (items, unlabelled)
    }
}

/// P(True), zero-shot (Kadavath et al. 2022 §3.2): the model reads its own answer in Kadavath's
/// prompt, verbatim, and the score is the probability of ` (A)` against ` (B)`, each the
/// continuation's log-probability under the full-vocabulary log-softmax (a scoring request), then
/// normalised over the two: `P(True) = e^a / (e^a + e^b)`. The raw log-probabilities are kept.
///
/// Needs log-probabilities: on an OpenAI-compatible endpoint without echoed `logprobs` the scoring
/// request fails with the backend's error naming the endpoint.
public struct PTrueTask: EvaluationTask {
    public init() {}

    public var name: String { "self-eval-p-true" }
    public var version: String { "1" }
    public var settings: [String: String] { ["prompt": "kadavath-zero-shot", "options": "\" (A)\",\" (B)\""] }
    public var headline: [String] { ["p_true", "correct"] }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var pTrue: Double
        public var logprobA: Double
        public var logprobB: Double
        public var correct: Bool
    }

    /// Kadavath et al.'s prompt, verbatim (methods-round2 §A.2).
    public static func prompt(question: String, answer: String) -> String {
        "Question: \(question)\nProposed Answer: \(answer)\nIs the proposed answer:\n (A) True\n (B) False\nThe proposed answer is:"
    }

    public func index(of item: SelfEvaluationItem) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    public func evaluate(_ item: SelfEvaluationItem, model: any LanguageModel) async throws -> Result {
        let request = ScoringRequest(context: Self.prompt(question: item.question, answer: item.answer), continuations: [" (A)", " (B)"])
        guard let scores = try await model.score([request]).first, scores.count == 2 else {
            throw EvaluationError("the model returned no scores for item \(item.index)'s P(True) request")
        }
        let a = scores[0].logprob, b = scores[1].logprob
        let peak = max(a, b)
        let pTrue = exp(a - peak) / (exp(a - peak) + exp(b - peak))
        return Result(index: item.index, category: item.category, pTrue: pTrue, logprobA: a, logprobB: b, correct: item.correct)
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: result.category, type: nil, values: ["p_true": result.pTrue, "correct": result.correct ? 1 : 0])
    }
}
