import TKBenchmarks
import TKEvalCore
import TKMetrics

/// A generic multiple-choice benchmark (GPQA, MMLU, ARC or a user's file): each option scored by
/// its log-likelihood after `Question: …\nAnswer:` (lm-evaluation-harness's zero-shot layout for
/// these tasks), with
/// - `acc`: the top-scoring option is the correct one (ties count as wrong, as MC1's do),
/// - `acc_norm`: the same with scores divided by the option's length in UTF-8 bytes (lm-eval's
///   `acc_norm` normalises by characters),
/// - `prob_correct`: the correct option's share of the options' normalised probability mass.
///
/// This is the proof that a new benchmark needs only a task and a loader: no command-line code.
public struct MultipleChoiceTask: EvaluationTask {
    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var question: String
        public var category: String?
        public var choices: [String]
        public var answer: Int
        /// Log-likelihood of each option.
        public var scores: [Double]
        public var tokenCounts: [Int]
        public var metrics: [String: Double]
    }

    /// The data's shuffle seed (GPQA), recorded in the run's settings.
    public var shuffleSeed: UInt64?

    public init(shuffleSeed: UInt64? = nil) {
        self.shuffleSeed = shuffleSeed
    }

    public static let acc = "acc", accNorm = "acc_norm", probCorrect = "prob_correct"

    public var name: String { "mc" }
    /// 2: `--shuffle-seed` orders come from TKRandom's unbiased bounded draw (version 1 used
    /// `next() % n`), so shuffled version-1 runs must not be resumed into.
    public var version: String { "2" }
    public var settings: [String: String] {
        var s = ["prompt": "question-answer", "scoring": "sum-logprob"]
        if let shuffleSeed { s["shuffle_seed"] = String(shuffleSeed) }
        return s
    }
    public var headline: [String] { [Self.acc, Self.accNorm, Self.probCorrect] }

    public func index(of item: MultipleChoiceQuestion) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    public func context(_ item: MultipleChoiceQuestion) -> String { "Question: " + item.question + "\nAnswer:" }
    public func continuation(_ choice: String) -> String { " " + choice }

    public func evaluate(_ item: MultipleChoiceQuestion, model: any LanguageModel) async throws -> Result {
        let continuations = item.choices.map(continuation)
        let scored = try await model.score([ScoringRequest(context: context(item), continuations: continuations)])
        guard scored.count == 1, scored[0].count == item.choices.count else {
            throw EvaluationError("the model returned \(scored.first?.count ?? 0) scores for the \(item.choices.count) options of item \(item.index)")
        }
        let scores = scored[0].map(\.logprob)
        let normalised = zip(scores, continuations).map { $0 / Double(max(1, $1.utf8.count)) }
        let labels = item.choices.indices.map { $0 == item.answer ? 1 : 0 }
        let raw = try ScoredChoices(scores: scores, labels: labels)
        let acc = try MultipleChoiceMetrics.mc1(raw).accuracy
        let accNorm = try MultipleChoiceMetrics.mc1(try ScoredChoices(scores: normalised, labels: labels)).accuracy
        return Result(index: item.index, question: item.question, category: item.category, choices: item.choices,
                      answer: item.answer, scores: scores, tokenCounts: scored[0].map(\.tokenCount),
                      metrics: [Self.acc: acc, Self.accNorm: accNorm,
                                Self.probCorrect: MultipleChoiceMetrics.mc2(raw)])
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: result.category, values: result.metrics)
    }
}
