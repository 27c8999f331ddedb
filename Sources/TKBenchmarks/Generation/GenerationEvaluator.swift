import TKEvalCore
import TKMetrics

/// Generates answers to TruthfulQA questions with any `LanguageModel` and scores them against the
/// reference answers (BLEU, ROUGE), as lm-evaluation-harness's `truthfulqa_gen` does.
///
/// The prompt is the preset's context (`qa`: the paper's six-example primer, then
/// `Q: {question}\nA:`); the model continues it under `settings` (greedy, stopping at a blank line
/// or the preset's next turn, `Q:`), and `AnswerCleaner` turns the text into the answer. Items already in
/// `completed` are not regenerated; `onItem` is called as each new item completes, so a caller
/// can store it before going on. Judging is a separate pass (`judge(_:judgeID:…)`), so answers
/// are generated once whatever judges later read them.
public struct GenerationEvaluator: Sendable {
    public let model: any LanguageModel
    public let preset: PromptPreset
    public let settings: GenerationSettings

    /// - Throws: `BenchmarkError` for invalid settings.
    public init(model: any LanguageModel, preset: PromptPreset = .qa, settings: GenerationSettings = GenerationSettings()) throws {
        try settings.validate()
        self.model = model
        self.preset = preset
        self.settings = settings
    }

    /// The exact prompt of an item (for `--show-prompt`). The question is trimmed, as lm-eval's
    /// `truthfulqa_gen` does (one 2021 question ends in a space).
    public func prompt(for item: TruthfulQAItem) -> String {
        preset.context(question: item.question.trimmingWhitespace())
    }

    /// The stop sequences in use: the settings', else the preset's.
    public var stops: [String] { settings.stop ?? preset.stopSequences }

    /// The generation request for an item.
    public func request(for item: TruthfulQAItem) -> TextGenerationRequest {
        TextGenerationRequest(prompt: prompt(for: item), maxTokens: settings.maxTokens, stop: stops,
                              temperature: settings.temperature, topP: settings.topP, seed: settings.seed)
    }

    /// Generates, cleans and scores one item.
    public func evaluate(_ item: TruthfulQAItem) async throws -> GenerationItemResult {
        let generation = try await model.generate(request(for: item))
        let answer = AnswerCleaner.clean(generation.text, stops: stops, cue: preset.answerCue.trimmingWhitespace())
        return GenerationItemResult(
            index: item.index, question: item.question, category: item.category, type: item.type?.rawValue,
            language: item.language, rawText: generation.text, answer: answer,
            finishReason: generation.finishReason, tokenCount: generation.tokenCount,
            hitTokenLimit: generation.finishReason == .length, bestAnswer: item.bestAnswer,
            metrics: Self.similarityMetrics(answer: answer, item: item))
    }
}
