import TKEvalCore
import TKMetrics

/// How two answers are judged to agree, and the consistency score over a set of answers.
public enum Agreement: String, Sendable, Codable, CaseIterable {
    /// Equal after lower-casing and dropping punctuation: 0 or 1.
    case exact
    /// ROUGE-L F-measure (0–1): graded, symmetric.
    case rouge
    /// The model (or a judge model) asked "Are both of the answers same?": 1 when " Yes" is more
    /// likely than " No".
    case llm

    /// `agree(a, b)`; `model` is needed only for `.llm`.
    public func agree(_ a: String, _ b: String, model: (any LanguageModel)? = nil) async throws -> Double {
        switch self {
        case .exact:
            return TextNormalization.normalized(a) == TextNormalization.normalized(b) ? 1 : 0
        case .rouge:
            return ROUGE.score(reference: a, prediction: b).rougeLsum / 100
        case .llm:
            guard let model else { throw AuditError(.invalidParameter, "LLM agreement needs a model to ask") }
            let scores = try await model.score([ScoringRequest(context: ConsistencyPrompt.sameAnswer(a, b), continuations: [" Yes", " No"])])[0]
            return scores[0].logprob > scores[1].logprob ? 1 : 0
        }
    }

    /// `1/(n(n−1)) Σ_{i≠j} agree(y_i, y_j)` over ordered pairs (so an asymmetric rule counts both
    /// directions). Nil for fewer than two answers, where agreement is undefined.
    public func consistency(_ answers: [String], model: (any LanguageModel)? = nil) async throws -> Double? {
        let n = answers.count
        guard n >= 2 else { return nil }
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n where i != j {
                total += try await agree(answers[i], answers[j], model: model)
            }
        }
        return total / Double(n * (n - 1))
    }
}
