import TKBenchmarks
import TKEvalCore
import TKMetrics

/// TruthfulQA generation: an answer per question, cleaned and scored against the references
/// (BLEU/ROUGE max, diff, acc), as the paper and lm-evaluation-harness compute them. Judges read the
/// stored answers afterwards in their own runs (`JudgingPass`), so a new judge never regenerates.
public struct TruthfulQAGenerationTask: EvaluationTask {
    public let preset: PromptPreset
    public let generation: GenerationSettings
    /// Judge verdicts to fold into each item's values (as 0/1 rates), by the judge's fingerprint.
    public var judgeID: String?

    public init(preset: PromptPreset = .qa, generation: GenerationSettings = GenerationSettings(), judgeID: String? = nil) throws {
        try generation.validate()
        self.preset = preset
        self.generation = generation
        self.judgeID = judgeID
    }

    public var name: String { "truthfulqa-gen" }
    public var version: String { "1" }

    /// The stops in use: the settings', else the preset's.
    public var stops: [String] { generation.stop ?? preset.stopSequences }

    public var settings: [String: String] {
        ["preset": preset.rawValue, "max_tokens": String(generation.maxTokens),
         "decoding": generation.temperature == 0 ? "greedy" : "temperature=\(generation.temperature),top_p=\(generation.topP),seed=\(generation.seed)",
         "stop": stops.map(\.debugDescription).joined(separator: ",")]
    }

    public var headline: [String] {
        let judged = [GenerationMetricName.truthfulInformative, GenerationMetricName.truthful, GenerationMetricName.informative]
        let similarity = [SimilarityMetric.bleu.accKey, SimilarityMetric.rouge1.accKey, SimilarityMetric.rougeL.accKey]
        return (judgeID == nil ? [] : judged) + similarity
    }

    public func index(of item: TruthfulQAItem) -> Int { item.index }
    public func index(of result: GenerationItemResult) -> Int { result.index }

    func evaluator(_ model: any LanguageModel) throws -> GenerationEvaluator {
        try GenerationEvaluator(model: model, preset: preset, settings: generation)
    }

    public func evaluate(_ item: TruthfulQAItem, model: any LanguageModel) async throws -> GenerationItemResult {
        try await evaluator(model).evaluate(item)
    }

    /// The similarity metrics, plus the judge's verdicts (as 0/1) where `judgeID` judged the item
    /// and reached one; an unread aspect is left out of that rate, never counted either way.
    public func score(_ r: GenerationItemResult) -> ItemScore {
        var values = r.metrics
        if let id = judgeID, let j = r.judgements[id] {
            if let t = j.truthful { values[GenerationMetricName.truthful] = t ? 1 : 0 }
            if let i = j.informative { values[GenerationMetricName.informative] = i ? 1 : 0 }
            if let both = j.truthfulAndInformative { values[GenerationMetricName.truthfulInformative] = both ? 1 : 0 }
        }
        return ItemScore(category: r.category, type: r.type, values: values)
    }
}
