import TKEvalCore
import TKMetrics

/// Semantic entropy of one question's sampled answers (the `count` samples at T=1 of a
/// `SampledAnswersTask` run), clustered by bidirectional entailment under both rules, with the
/// discrete and the length-normalised estimators. The task's model is the entailment judge (any
/// native or served model); each verdict is asked once per ordered pair and shared by both rules.
///
/// Uncertainty, not confidence: higher entropy should mean a wrong answer. The label is the
/// correctness of the answers run's answer to the question, from the named source.
public struct SemanticEntropyTask: EvaluationTask {
    public var judgeMaxTokens: Int

    public init(judgeMaxTokens: Int = 8) { self.judgeMaxTokens = judgeMaxTokens }

    public var name: String { "semantic-entropy" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["judge_prompt": "jlko-llama-entailment", "judge_decoding": "greedy", "judge_max_tokens": String(judgeMaxTokens),
         "clustering": "greedy-openers", "rules": SemanticClustering.Rule.allCases.map(\.rawValue).joined(separator: ",")]
    }
    public var headline: [String] { Self.scoreNames }

    /// Score names, as stored per item and reported: `se_{discrete|length_normalised}_{rule}`.
    public static let scoreNames = SemanticClustering.Rule.allCases.flatMap { rule in
        ["se_discrete_\(rule.key)", "se_length_normalised_\(rule.key)"]
    }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var correct: Bool
        /// Rule → cluster id of each sample.
        public var clusters: [String: [Int]]
        /// Judge calls made for this item.
        public var judgeCalls: Int
        /// Score name → semantic entropy (nats); the length-normalised ones are missing when the
        /// samples have no log-probabilities.
        public var scores: [String: Double]
    }

    public func index(of item: DetectionItem) -> Int { item.answer.index }
    public func index(of result: Result) -> Int { result.index }

    public func evaluate(_ item: DetectionItem, model: any LanguageModel) async throws -> Result {
        let judge = EntailmentJudge(model: model, maxTokens: judgeMaxTokens)
        let texts = item.samples.samples.map(\.text)
        var verdicts: [[Int]: Entailment] = [:]
        var calls = 0
        var clusters: [String: [Int]] = [:], scores: [String: Double] = [:]
        let logprobs = item.samples.samples.map(\.meanLogprob)
        for rule in SemanticClustering.Rule.allCases {
            let ids = try await SemanticClustering.assign(texts, rule: rule) { a, b in
                if let known = verdicts[[a, b]] { return known }
                calls += 1
                let verdict = try await judge.relation(question: item.answer.question, first: texts[a], second: texts[b])
                verdicts[[a, b]] = verdict
                return verdict
            }
            clusters[rule.rawValue] = ids
            scores["se_discrete_\(rule.key)"] = SemanticEntropy.discrete(clusterIDs: ids)
            if logprobs.allSatisfy({ $0 != nil }) {
                scores["se_length_normalised_\(rule.key)"] = SemanticEntropy.lengthNormalised(clusterIDs: ids, meanLogprobs: logprobs.map { $0! })
            }
        }
        return Result(index: item.answer.index, category: item.answer.category, correct: item.answer.correct,
                      clusters: clusters, judgeCalls: calls, scores: scores)
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: result.category, values: result.scores.merging(["correct": result.correct ? 1 : 0]) { a, _ in a })
    }
}

extension SemanticClustering.Rule {
    /// The rule's name inside score names (`no_contradiction`).
    var key: String { rawValue.replacingOccurrences(of: "-", with: "_") }
}
