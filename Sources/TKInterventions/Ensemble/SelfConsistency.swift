import Foundation
import TKEngine
import TKMetrics

/// Self-consistency (Wang et al., 2023) for free-form answers: draw k answers by sampling and
/// return the one the others agree with most — the majority answer when answers repeat, the most
/// central one (highest summed ROUGE-1 F to the others) when they are all worded differently.
///
/// It acts on generation only: it has no hooks and no scoring rule, so multiple-choice scores are
/// the model's own, bit for bit. With `k = 1` at temperature 0 the one answer is the greedy one,
/// so generation is the baseline's exactly.
public struct SelfConsistency: Intervention {
    /// How two answers count as agreeing.
    public enum Vote: String, Sendable, CaseIterable {
        /// Only identical answers (after normalising case, spacing and final punctuation) agree:
        /// the textbook majority vote; ties go to the earliest answer.
        case exact
        /// Identical answers count 1; others count their ROUGE-1 F-measure (0…1), so a paraphrase
        /// of the majority still votes for it.
        case rouge
    }

    public var name: String { "sc" }
    public var sampling: AnswerSampling
    public var vote: Vote

    /// Wang et al. sample 40 paths at T = 0.7 (PaLM, GPT-3); k = 5 keeps a 135M-model run short.
    public static let defaultCount = 5
    public static let defaultTemperature = 0.7

    public init(sampling: AnswerSampling, vote: Vote = .rouge) {
        self.sampling = sampling
        self.vote = vote
    }

    public var settings: [String: String] {
        sampling.settings.merging(["vote": vote.rawValue]) { a, _ in a }
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        try sampling.validate(method: name)
        guard sampling.count >= 1 else { throw InterventionError(.badValue, "sc: k must be ≥ 1 (the answers voted on)") }
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        return SelfConsistencyProcessor(method: self, promptCount: promptTokens.count)
    }

    /// The index of the winning answer: the highest total agreement with the other answers, ties
    /// to the earliest.
    public func winner(of answers: [String]) -> Int {
        precondition(!answers.isEmpty, "no answers to vote on")
        let normalized = answers.map(Self.normalize)
        var best = 0, bestScore = -Double.infinity
        for i in answers.indices {
            var score = 0.0
            for j in answers.indices where j != i {
                score += agreement(normalized[i], normalized[j])
            }
            if score > bestScore {
                best = i
                bestScore = score
            }
        }
        return best
    }

    func agreement(_ a: String, _ b: String) -> Double {
        if a == b { return 1 }
        switch vote {
        case .exact: return 0
        case .rouge: return ROUGE.score(reference: a, prediction: b).rouge1 / 100
        }
    }

    /// Lower case, runs of white space as one space, no white space or `.!?` at the ends.
    static func normalize(_ text: String) -> String {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.trimmingCharacters(in: CharacterSet(charactersIn: ".!? "))
    }
}
