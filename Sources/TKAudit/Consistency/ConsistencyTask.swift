import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics

/// Answer consistency (A2C / semantic consistency, Raj et al.): each question is answered several
/// times — at several sampling temperatures, or as several paraphrases (supplied, or written by the
/// model itself) — and the answers' pairwise agreement gives the item's consistency
/// `1/(n(n−1)) Σ_{i≠j} agree(y_i, y_j)`. Optionally A2C re-asks the question with the distinct
/// answers as options ("Choose the correct option"); every answer and the A2C choice are also
/// scored truthful-or-not by ROUGE-L against the item's true and false references.
public struct ConsistencyTask: EvaluationTask {
    public enum Variation: Sendable, Equatable {
        /// The question as written, sampled at each temperature (the reference: 0.0, 0.2, …, 1.8).
        case temperatures([Double])
        /// The question and `count` paraphrases answered greedily; paraphrases come from the item
        /// when supplied, else the model writes them (sampled at 0.7).
        case paraphrases(count: Int)

        public static let referenceTemperatures = stride(from: 0.0, through: 1.8, by: 0.2).map { ($0 * 10).rounded() / 10 }
    }

    public struct Item: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        public var question: String
        public var correctAnswers: [String]
        public var incorrectAnswers: [String]
        /// Paraphrases from a file; nil lets the model write them.
        public var paraphrases: [String]?

        public init(_ item: TruthfulQAItem, paraphrases: [String]? = nil) {
            index = item.index
            category = item.category
            type = item.type?.rawValue
            question = item.question
            correctAnswers = item.correctAnswers
            incorrectAnswers = item.incorrectAnswers
            self.paraphrases = paraphrases
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var type: String?
        /// The question asked for each answer (repeated for temperatures).
        public var questions: [String]
        public var answers: [String]
        public var consistency: Double?
        /// Answers judged true by ROUGE-L against the references.
        public var answerAccuracy: Double?
        public var a2cReply: String?
        /// The A2C reply judged true by ROUGE-L; nil when not asked or the model said it does not know.
        public var a2cCorrect: Bool?
    }

    public let variation: Variation
    public let agreement: Agreement
    public let askA2C: Bool
    public let prompter: InstructionPrompter
    public let maxTokens: Int
    public let seed: UInt64

    public init(variation: Variation, agreement: Agreement = .rouge, askA2C: Bool = true, prompter: InstructionPrompter = InstructionPrompter(),
                maxTokens: Int = 64, seed: UInt64 = 0) {
        self.variation = variation
        self.agreement = agreement
        self.askA2C = askA2C
        self.prompter = prompter
        self.maxTokens = maxTokens
        self.seed = seed
    }

    public static let consistency = "consistency"

    public var name: String { "consistency" }
    /// 2: every prompt (answers and A2C too, not only paraphrasing) goes through the prompter — the
    /// chat template unless `--raw-prompt` — and the answer is the reply's first non-empty line.
    public var version: String { "2" }
    public var settings: [String: String] {
        let variation: String
        switch self.variation {
        case .temperatures(let ts): variation = "temperatures=" + ts.map { String($0) }.joined(separator: ",")
        case .paraphrases(let count): variation = "paraphrases=\(count)"
        }
        return ["variation": variation, "agreement": agreement.rawValue, "a2c": String(askA2C), "max_tokens": String(maxTokens),
                "seed": String(seed), "prompt": prompter.id]
    }
    public var headline: [String] { [Self.consistency, "answer_rougeL_acc", "a2c_rougeL_acc"] }

    public func index(of item: Item) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    /// The questions asked and the temperature of each.
    func variants(_ item: Item, model: any LanguageModel) async throws -> [(question: String, temperature: Double)] {
        switch variation {
        case .temperatures(let temperatures):
            return temperatures.map { (item.question, $0) }
        case .paraphrases(let count):
            var questions = [item.question]
            if let supplied = item.paraphrases {
                questions += supplied.prefix(count)
            } else {
                for k in 0..<count {
                    let reply = try await model.generate(TextGenerationRequest(
                        prompt: try prompter.render(ConsistencyPrompt.paraphrase(question: item.question)), maxTokens: 64,
                        temperature: 0.7, seed: seed &+ UInt64(item.index) &* 1000 &+ UInt64(k))).text
                    questions.append(Self.firstLine(reply, dropping: "Question:"))
                }
            }
            return questions.map { ($0, 0) }
        }
    }

    /// The reply's first non-empty line, without a leading label and surrounding spaces.
    static func firstLine(_ reply: String, dropping label: String) -> String {
        var line = reply.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? ""
        if line.hasPrefix(label) { line = String(line.dropFirst(label.count)).trimmingCharacters(in: .whitespaces) }
        return line
    }

    func isTrue(_ answer: String, _ item: Item) -> Bool? {
        guard !item.correctAnswers.isEmpty, !item.incorrectAnswers.isEmpty, !answer.isEmpty else { return nil }
        return ReferenceSimilarity.compare(answer: answer, trueReferences: item.correctAnswers, falseReferences: item.incorrectAnswers)[.rougeL]?.acc
    }

    public func evaluate(_ item: Item, model: any LanguageModel) async throws -> Result {
        let asked = try await variants(item, model: model)
        var answers: [String] = []
        for (k, variant) in asked.enumerated() {
            let reply = try await model.generate(TextGenerationRequest(
                prompt: try prompter.completion(ConsistencyPrompt.answer(question: variant.question)), maxTokens: maxTokens,
                temperature: variant.temperature, seed: seed &+ UInt64(item.index) &* 1000 &+ UInt64(k))).text
            // The answer is the reply's first non-empty line. No stop at "\n": small models often
            // open with a newline, and stopping there made most answers empty (version 1).
            answers.append(Self.firstLine(reply, dropping: "Answer:"))
        }
        let judged = answers.compactMap { isTrue($0, item) }
        var a2cReply: String?
        var a2cCorrect: Bool?
        if askA2C {
            var options: [String] = []
            for answer in answers where !answer.isEmpty && !options.contains(answer) { options.append(answer) }
            let rawReply = try await model.generate(TextGenerationRequest(
                prompt: try prompter.completion(ConsistencyPrompt.chooseCorrectOption(question: item.question, options: options)), maxTokens: maxTokens,
                temperature: 0)).text
            let reply = Self.firstLine(rawReply, dropping: "Answer:")
            a2cReply = reply
            a2cCorrect = reply.localizedCaseInsensitiveContains("know the correct answer") ? nil : isTrue(reply, item)
        }
        return Result(index: item.index, category: item.category, type: item.type, questions: asked.map(\.question), answers: answers,
                      consistency: try await agreement.consistency(answers, model: model),
                      answerAccuracy: judged.isEmpty ? nil : Double(judged.filter { $0 }.count) / Double(judged.count),
                      a2cReply: a2cReply, a2cCorrect: a2cCorrect)
    }

    public func score(_ r: Result) -> ItemScore {
        var values: [String: Double] = [:]
        if let c = r.consistency { values[Self.consistency] = c }
        if let a = r.answerAccuracy { values["answer_rougeL_acc"] = a }
        if let a = r.a2cCorrect { values["a2c_rougeL_acc"] = a ? 1 : 0 }
        return ItemScore(category: r.category, type: r.type, values: values)
    }
}
