import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics
import TKRandom

/// TS-Guessing, question-multichoice: the best answer and three incorrect answers, shuffled, with
/// one incorrect option blanked as `[]`; the model is asked to fill it in. The reply is compared
/// with the incorrect answers the model was *not* shown (the blanked one and the item's other
/// unused incorrect answers) — never with the correct answer, which is visible in the prompt
/// (scoring against it is the bug of LLMSanitize's reimplementation).
public struct TSGuessingChoiceTask: EvaluationTask {
    public struct Item: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        public var question: String
        /// The four options in order, the blanked one as `[]`.
        public var options: [String]
        public var blankedLetter: String
        /// The incorrect answers not shown: the references the reply is scored against.
        public var unseenIncorrect: [String]

        public init(index: Int, category: String?, type: String?, question: String, options: [String], blankedLetter: String,
                    unseenIncorrect: [String]) {
            self.index = index
            self.category = category
            self.type = type
            self.question = question
            self.options = options
            self.blankedLetter = blankedLetter
            self.unseenIncorrect = unseenIncorrect
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        public var reply: String
        public var unseenIncorrect: [String]
        /// Best ROUGE F (0–1) of the reply over the unseen incorrect answers.
        public var rouge1: Double
        public var rouge2: Double
        public var rougeL: Double
        /// The reply equals an unseen incorrect answer after normalisation (case, punctuation, spaces).
        public var exactMatch: Bool
    }

    public static let letters = ["A", "B", "C", "D"]
    /// The MMLU notebook's hit threshold on ROUGE-1 F.
    public static let hitThreshold = 0.8

    public let prompter: InstructionPrompter
    public let temperature: Double
    public let maxTokens: Int
    public let seed: UInt64

    public init(prompter: InstructionPrompter = InstructionPrompter(), temperature: Double = 0.1, maxTokens: Int = 128, seed: UInt64 = 0) {
        self.prompter = prompter
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
    }

    /// Builds the item: 3 incorrect answers drawn at random, shuffled with the best answer, one
    /// incorrect option blanked — all from a stream seeded by `seed` and the item index. Nil when
    /// the item has no best answer or fewer than three incorrect answers.
    public static func item(_ source: TruthfulQAItem, seed: UInt64) -> Item? {
        guard let best = source.bestAnswer, !best.isEmpty else { return nil }
        let incorrect = Array(Set(source.incorrectAnswers)).sorted()
        guard incorrect.count >= 3 else { return nil }
        var generator = SplitMix64(seed: seed, item: source.index)
        let drawn = Array(generator.shuffled(incorrect).prefix(3))
        let options = generator.shuffled([best] + drawn)
        let wrongPositions = options.indices.filter { options[$0] != best }
        let blank = wrongPositions[generator.index(below: wrongPositions.count)]
        let shown = Set(options.enumerated().filter { $0.offset != blank }.map(\.element))
        var withBlank = options
        withBlank[blank] = "[]"
        return Item(index: source.index, category: source.category, type: source.type?.rawValue, question: source.question,
                    options: withBlank, blankedLetter: letters[blank], unseenIncorrect: incorrect.filter { !shown.contains($0) })
    }

    /// The sentence the prompt embeds: the question, then `A: …` to `D: …` on their own lines.
    public static func sentence(_ item: Item) -> String {
        ([item.question] + zip(letters, item.options).map { "\($0): \($1)" }).joined(separator: "\n")
    }

    public var name: String { "ts-guessing-multichoice" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["prompt": prompter.id, "temperature": String(temperature), "max_tokens": String(maxTokens), "seed": String(seed)]
    }
    public var headline: [String] { ["exact_match", "rouge1", "rouge2", "rougeL", "rouge1_hit"] }

    public func index(of item: Item) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    public func evaluate(_ item: Item, model: any LanguageModel) async throws -> Result {
        let prompt = try prompter.render(TSGuessingPrompt.multichoice(sentence: Self.sentence(item)))
        let reply = try await model.generate(TextGenerationRequest(prompt: prompt, maxTokens: maxTokens, temperature: temperature,
                                                                   seed: seed &+ UInt64(item.index))).text
        return Self.scored(reply: reply, item: item)
    }

    /// The reply's best ROUGE and exact match over the unseen incorrect answers.
    public static func scored(reply: String, item: Item) -> Result {
        let scores = item.unseenIncorrect.map { ROUGE.score(reference: $0, prediction: reply) }
        let normalized = TextNormalization.normalized(reply)
        return Result(index: item.index, category: item.category, type: item.type, reply: reply, unseenIncorrect: item.unseenIncorrect,
                      rouge1: (scores.map(\.rouge1).max() ?? 0) / 100, rouge2: (scores.map(\.rouge2).max() ?? 0) / 100,
                      rougeL: (scores.map(\.rougeLsum).max() ?? 0) / 100,
                      exactMatch: item.unseenIncorrect.contains { TextNormalization.normalized($0) == normalized })
    }

    public func score(_ r: Result) -> ItemScore {
        ItemScore(category: r.category, type: r.type, values: [
            "exact_match": r.exactMatch ? 1 : 0, "rouge1": r.rouge1, "rouge2": r.rouge2, "rougeL": r.rougeL,
            "rouge1_hit": r.rouge1 >= Self.hitThreshold ? 1 : 0,
        ])
    }
}
