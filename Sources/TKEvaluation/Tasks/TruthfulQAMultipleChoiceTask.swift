import TKBenchmarks
import TKEvalCore
import TKMetrics

/// TruthfulQA multiple choice: MC1, MC2 (headline), MC3 and, on 2025 data, the binary format —
/// every choice scored by its log-likelihood after the preset's prompt (see `MultipleChoiceEvaluator`).
public struct TruthfulQAMultipleChoiceTask: EvaluationTask {
    public let format: PromptFormat
    public let scoring: ChoiceScoring

    public init(format: PromptFormat, scoring: ChoiceScoring = .logprob) {
        self.format = format
        self.scoring = scoring
    }

    public var name: String { "truthfulqa-mc" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["preset": format.name, "scoring": scoring == .logprob ? "sum-logprob" : "pmi"]
    }
    public var headline: [String] { [MetricName.mc1, MetricName.mc2, MetricName.mc3, MetricName.binary] }

    public func index(of item: TruthfulQAItem) -> Int { item.index }
    public func index(of result: MultipleChoiceItemResult) -> Int { result.index }

    public func evaluate(_ item: TruthfulQAItem, model: any LanguageModel) async throws -> MultipleChoiceItemResult {
        try await MultipleChoiceEvaluator(model: model, format: format, scoring: scoring).evaluate(item)
    }

    public func score(_ result: MultipleChoiceItemResult) -> ItemScore {
        ItemScore(category: result.category, type: result.type, values: result.metrics)
    }
}

/// MC1 for models without log-probabilities: lettered options, the letter parsed from generated
/// text (see `LetteredChoiceEvaluator`); reported as `lettered_mc1`, never as `mc1`.
public struct LetteredChoiceTask: EvaluationTask {
    public let seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    public var name: String { "truthfulqa-mc-lettered" }
    /// 2: option orders come from TKRandom's unbiased bounded draw (version 1 used `next() % n`),
    /// so a seed shows different orders than in version-1 runs, which must not be resumed into.
    public var version: String { "2" }
    public var settings: [String: String] { ["mode": "lettered", "seed": String(seed)] }
    public var headline: [String] { [MetricName.letteredMC1, MetricName.letteredUnparsed] }

    public func index(of item: TruthfulQAItem) -> Int { item.index }
    public func index(of result: LetteredChoiceItemResult) -> Int { result.index }

    public func evaluate(_ item: TruthfulQAItem, model: any LanguageModel) async throws -> LetteredChoiceItemResult {
        try await LetteredChoiceEvaluator(model: model, seed: seed).evaluate(item)
    }

    public func score(_ result: LetteredChoiceItemResult) -> ItemScore {
        ItemScore(category: result.category, type: result.type, values: result.metrics)
    }
}
