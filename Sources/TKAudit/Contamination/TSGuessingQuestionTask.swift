import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics

/// TS-Guessing, question-based: the model sees a TruthfulQA question with one noun or adjective
/// replaced by `()` (optionally with the item's source URL as a hint) and must name the hidden
/// word; exact match on the lower-cased first word of its reply. A model that never saw the
/// benchmark can only guess from the sentence; matches well above that suggest memorised text.
public struct TSGuessingQuestionTask: EvaluationTask {
    /// One eligible question, masked.
    public struct Item: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        public var masked: QuestionMasker.Masked
        /// The source URL without the hidden word; nil when the item has no source.
        public var urlHint: String?

        public init(index: Int, category: String?, type: String?, masked: QuestionMasker.Masked, urlHint: String?) {
            self.index = index
            self.category = category
            self.type = type
            self.masked = masked
            self.urlHint = urlHint
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        public var maskedQuestion: String
        public var answer: String
        public var reply: String
        public var firstWord: String
        public var exactMatch: Bool
    }

    public let useURLHint: Bool
    public let prompter: InstructionPrompter
    public let temperature: Double
    public let maxTokens: Int
    public let seed: UInt64

    public init(useURLHint: Bool, prompter: InstructionPrompter = InstructionPrompter(), temperature: Double = 0.1,
                maxTokens: Int = 128, seed: UInt64 = 0) {
        self.useURLHint = useURLHint
        self.prompter = prompter
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
    }

    public static let exactMatch = "exact_match"

    /// Masks every eligible item; `excluded` counts the rest by reason. With `useURLHint`, items
    /// without a source are excluded too (as "no source").
    public static func items(from dataset: [TruthfulQAItem], masker: QuestionMasker, useURLHint: Bool)
        -> (items: [Item], excluded: [String: Int]) {
        var items: [Item] = []
        var excluded: [String: Int] = [:]
        for item in dataset {
            if let reason = masker.exclusion(question: item.question, category: item.category) {
                excluded[reason.rawValue, default: 0] += 1
                continue
            }
            guard let masked = masker.mask(question: item.question, itemIndex: item.index) else { continue }
            var hint: String?
            if useURLHint {
                guard let source = item.source, !source.isEmpty else {
                    excluded["no source", default: 0] += 1
                    continue
                }
                hint = QuestionMasker.hint(source: source, removing: masked.answer)
            }
            items.append(Item(index: item.index, category: item.category, type: item.type?.rawValue, masked: masked, urlHint: hint))
        }
        return (items, excluded)
    }

    public var name: String { useURLHint ? "ts-guessing-question-url" : "ts-guessing-question" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["prompt": prompter.id, "temperature": String(temperature), "max_tokens": String(maxTokens), "seed": String(seed),
         "tagger": "wordnet-most-frequent-sense"]
    }
    public var headline: [String] { [Self.exactMatch] }

    public func index(of item: Item) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    /// The exact prompt text (before the chat template).
    public func instruction(_ item: Item) -> String {
        if useURLHint, let hint = item.urlHint { return TSGuessingPrompt.question(masked: item.masked.maskedQuestion, urlHint: hint) }
        return TSGuessingPrompt.question(masked: item.masked.maskedQuestion)
    }

    public func evaluate(_ item: Item, model: any LanguageModel) async throws -> Result {
        let request = TextGenerationRequest(prompt: try prompter.render(instruction(item)), maxTokens: maxTokens,
                                            temperature: temperature, seed: seed &+ UInt64(item.index))
        let reply = try await model.generate(request).text
        let first = TSGuessingPrompt.firstWord(reply)
        return Result(index: item.index, category: item.category, type: item.type, maskedQuestion: item.masked.maskedQuestion,
                      answer: item.masked.answer, reply: reply, firstWord: first, exactMatch: first == item.masked.answer.lowercased())
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: result.category, type: result.type, values: [Self.exactMatch: result.exactMatch ? 1 : 0])
    }
}
