import Foundation
import TKBenchmarks
import TKEvalCore
import TKMetrics
import TKStore

/// P(True) (Kadavath et al. 2022 §3.2, §4): the model reads its own answer in Kadavath's prompt,
/// verbatim, and the score is the probability of ` (A)` against ` (B)`, each the continuation's
/// log-probability under the full-vocabulary log-softmax (a scoring request), then normalised over
/// the two: `P(True) = e^a / (e^a + e^b)`. The raw log-probabilities are kept.
///
/// Three promptings: zero-shot; few-shot (worked examples in the same format, each followed by its
/// answer, before the item); and with brainstormed ideas (the model's own sampled answers listed
/// before the possible answer, Kadavath's comparison-samples prompt, verbatim).
///
/// Needs log-probabilities: on an OpenAI-compatible endpoint without echoed `logprobs` the scoring
/// request fails with the backend's error naming the endpoint.
public struct PTrueTask: EvaluationTask {
    public var prompting: PTruePrompting

    public init(prompting: PTruePrompting = .zeroShot) { self.prompting = prompting }

    public var name: String { "self-eval-p-true" }
    public var version: String { "1" }
    public var settings: [String: String] {
        var s = ["prompt": prompting.id, "options": "\" (A)\",\" (B)\""]
        switch prompting {
        case .zeroShot: break
        case .fewShot(let examples):
            s["shots"] = String(examples.count)
            s["examples"] = examples.map { "\($0.question)|\($0.answer)|\($0.isTrue)" }.joined(separator: "\n")
        case .brainstorm(let ideas): s["ideas"] = String(ideas)
        }
        return s
    }
    public var headline: [String] { ["p_true", "correct"] }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var pTrue: Double
        public var logprobA: Double
        public var logprobB: Double
        public var correct: Bool
    }

    /// Kadavath et al.'s zero-shot prompt, verbatim (methods-round2 §A.2).
    public static func prompt(question: String, answer: String) -> String {
        "Question: \(question)\nProposed Answer: \(answer)\nIs the proposed answer:\n (A) True\n (B) False\nThe proposed answer is:"
    }

    /// Kadavath et al.'s prompt with comparison samples, verbatim (methods-round2 §A.2): the ideas
    /// one per line after `Here are some brainstormed ideas: `.
    public static func brainstormPrompt(question: String, ideas: [String], answer: String) -> String {
        "Question: \(question)\nHere are some brainstormed ideas: \(ideas.joined(separator: "\n"))\nPossible Answer: \(answer)\nIs the possible answer:\n(A) True\n(B) False\nThe possible answer is:"
    }

    /// The scoring context of `item` under this task's prompting.
    public func context(for item: SelfEvaluationItem) throws -> String {
        switch prompting {
        case .zeroShot:
            return Self.prompt(question: item.question, answer: item.answer)
        case .fewShot(let examples):
            let shots = examples.map { Self.prompt(question: $0.question, answer: $0.answer) + ($0.isTrue ? " (A)" : " (B)") }
            return (shots + [Self.prompt(question: item.question, answer: item.answer)]).joined(separator: "\n\n")
        case .brainstorm(let ideas):
            guard item.brainstormed.count >= ideas else {
                throw EvaluationError("item \(item.index) has \(item.brainstormed.count) sampled answers; P(True) with brainstormed ideas needs \(ideas)")
            }
            return Self.brainstormPrompt(question: item.question, ideas: Array(item.brainstormed.prefix(ideas)), answer: item.answer)
        }
    }

    public func index(of item: SelfEvaluationItem) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    public func evaluate(_ item: SelfEvaluationItem, model: any LanguageModel) async throws -> Result {
        let request = ScoringRequest(context: try context(for: item), continuations: [" (A)", " (B)"])
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
