import TKEvalCore

/// One generated TruthfulQA answer with its similarity metrics and any judges' verdicts.
///
/// This is what the store keeps per item and what `--out DIR` writes as JSONL. It is written as
/// soon as the answer is generated (so a run resumes item by item) and again when a judge adds a
/// verdict.
public struct GenerationItemResult: Sendable, Codable, Equatable {
    public var index: Int
    public var question: String
    public var category: String?
    public var type: String?
    public var language: String
    /// The text the model returned, before cleaning.
    public var rawText: String
    /// The cleaned answer (see `AnswerCleaner`): what is scored and judged.
    public var answer: String
    public var finishReason: TextGeneration.FinishReason
    /// Tokens generated.
    public var tokenCount: Int
    /// Generation stopped at the token limit, so the answer may be cut off mid-sentence.
    public var hitTokenLimit: Bool
    /// The reference best answer, for the report.
    public var bestAnswer: String?
    /// Similarity metrics (`GenerationMetricName.similarity`); empty when the item has no false references.
    public var metrics: [String: Double]
    /// Judge fingerprint → verdict.
    public var judgements: [String: JudgeVerdict]

    public init(index: Int, question: String, category: String? = nil, type: String? = nil, language: String = "en",
                rawText: String, answer: String, finishReason: TextGeneration.FinishReason, tokenCount: Int,
                hitTokenLimit: Bool, bestAnswer: String? = nil, metrics: [String: Double] = [:],
                judgements: [String: JudgeVerdict] = [:]) {
        self.index = index
        self.question = question
        self.category = category
        self.type = type
        self.language = language
        self.rawText = rawText
        self.answer = answer
        self.finishReason = finishReason
        self.tokenCount = tokenCount
        self.hitTokenLimit = hitTokenLimit
        self.bestAnswer = bestAnswer
        self.metrics = metrics
        self.judgements = judgements
    }

    /// The result with `judgement` stored under its judge (replacing an earlier verdict of that judge).
    public func adding(_ judgement: JudgeVerdict) -> GenerationItemResult {
        var copy = self
        copy.judgements[judgement.judge] = judgement
        return copy
    }
}
