import TKBenchmarks
import TKEvalCore
import TKMetrics

/// Verbalized confidence on TruthfulQA generation questions: the model answers Tian et al.'s
/// prompt with a guess and a stated confidence (generation only, so it runs on logprob-free
/// endpoints too); the guess is scored against the references (BLEU/ROUGE, as generation answers
/// are), which is what labels it correct or not. The prompt is the user turn of the model's chat
/// template when it has one (Tian's prompts are chat instructions), else the raw instruction.
public struct VerbalizedConfidenceTask: EvaluationTask {
    public var style: VerbalizedConfidence.Style
    public var chat: (any ChatRenderer)?
    public var maxTokens: Int

    public init(style: VerbalizedConfidence.Style, chat: (any ChatRenderer)?, maxTokens: Int = 96) {
        self.style = style
        self.chat = chat
        self.maxTokens = maxTokens
    }

    public var name: String { "verbalized-confidence" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["prompt": style.id, "chat": chat.map { "chat:" + $0.templateID } ?? "raw", "max_tokens": String(maxTokens), "decoding": "greedy"]
    }
    public var headline: [String] { ["confidence", SimilarityMetric.bleu.accKey] }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var reply: String
        /// Nil when the reply could not be read (`failure` says why).
        public var reading: VerbalizedConfidence.Reading?
        public var failure: String?
        /// Similarity of the guess to the references (`bleu_acc`, …); empty without a guess.
        public var metrics: [String: Double]
    }

    public func index(of item: TruthfulQAItem) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    public func prompt(for item: TruthfulQAItem) throws -> String {
        let instruction = VerbalizedConfidence.prompt(style, question: item.question.trimmingCharacters(in: .whitespaces))
        guard let chat else { return instruction + "\n" }
        return try chat.render(messages: [(role: "user", content: instruction)], addGenerationPrompt: true)
    }

    public func evaluate(_ item: TruthfulQAItem, model: any LanguageModel) async throws -> Result {
        let reply = try await model.generate(TextGenerationRequest(prompt: try prompt(for: item), maxTokens: maxTokens, temperature: 0)).text
        switch VerbalizedConfidence.parse(reply, style: style) {
        case .success(let reading):
            return Result(index: item.index, category: item.category, reply: reply, reading: reading, failure: nil,
                          metrics: GenerationEvaluator.similarityMetrics(answer: reading.guess, item: item))
        case .failure(let failure):
            return Result(index: item.index, category: item.category, reply: reply, reading: nil, failure: failure.reason, metrics: [:])
        }
    }

    public func score(_ result: Result) -> ItemScore {
        var values = result.metrics
        values["parsed"] = result.reading == nil ? 0 : 1
        if let r = result.reading { values["confidence"] = r.confidence }
        return ItemScore(category: result.category, values: values)
    }
}
