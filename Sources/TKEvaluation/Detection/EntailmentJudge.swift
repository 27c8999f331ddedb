import TKEvalCore

/// What an entailment judge says about a pair of answers (one direction).
public enum Entailment: String, Sendable, Codable, Equatable {
    case entailment, contradiction, neutral
}

/// Bidirectional-entailment clustering's judge: an LLM asked, with Farquhar et al.'s prompt
/// (jlko/semantic_uncertainty `semantic_entropy.py`, the Llama variant, which ends in ` only` and
/// `\nResponse:` so a completion model answers in place), whether one answer entails another.
/// Any `LanguageModel` serves: the native engine or an OpenAI-compatible endpoint (generation
/// only, no log-probabilities needed). Greedy decoding (the reference uses T=0.02).
public struct EntailmentJudge: Sendable {
    public let model: any LanguageModel
    public var maxTokens: Int

    public init(model: any LanguageModel, maxTokens: Int = 8) {
        self.model = model
        self.maxTokens = maxTokens
    }

    /// The reference prompt, verbatim (methods-round2 §B.1), with the Llama variant's ending.
    public static func prompt(question: String, first: String, second: String) -> String {
        "We are evaluating answers to the question \"\(question)\"\nHere are two possible answers:\nPossible Answer 1: \(first)\nPossible Answer 2: \(second)\nDoes Possible Answer 1 semantically entail Possible Answer 2? Respond with entailment, contradiction, or neutral only.\nResponse:"
    }

    /// The label in the reply's first 30 characters, as the reference reads it: `entailment`,
    /// else `contradiction`, else neutral (an unreadable reply counts as neutral there too).
    public static func parse(_ reply: String) -> Entailment {
        let head = String(reply.lowercased().prefix(30))
        if head.contains("entailment") { return .entailment }
        if head.contains("contradiction") { return .contradiction }
        return .neutral
    }

    /// Whether `first` entails `second` as answers to `question`.
    public func relation(question: String, first: String, second: String) async throws -> Entailment {
        let reply = try await model.generate(TextGenerationRequest(prompt: Self.prompt(question: question, first: first, second: second),
                                                                   maxTokens: maxTokens, stop: ["\n"], temperature: 0))
        return Self.parse(reply.text)
    }
}
