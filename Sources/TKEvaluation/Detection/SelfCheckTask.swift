import TKEvalCore
import TKMetrics

/// SelfCheckGPT on a stored answer: the prompt variant (the task's model — any native or served
/// model, generation only — asks whether each sentence of the answer is supported by each sample,
/// greedy, 5 new tokens as the reference's local variant) and the unigram variant (no model).
/// Scores are uncertainties: higher = less consistent with the samples, expected for wrong answers.
public struct SelfCheckTask: EvaluationTask {
    public init() {}

    public var name: String { "selfcheck" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["prompt": "selfcheckgpt-llm-prompt", "decoding": "greedy", "max_tokens": "5", "ngram": "unigram,k=0", "sentences": "split-after-.!?"]
    }
    public var headline: [String] { [Self.promptScore, Self.unigramAverage, Self.unigramMax] }

    public static let promptScore = "selfcheck_prompt", unigramAverage = "selfcheck_unigram_avg", unigramMax = "selfcheck_unigram_max"

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var category: String?
        public var correct: Bool
        public var sentences: Int
        /// Replies that were neither Yes nor No, scored 0.5 as the reference does (counted, not hidden).
        public var unreadable: Int
        /// Score name → value; missing for an answer with no sentence.
        public var scores: [String: Double]
    }

    public func index(of item: DetectionItem) -> Int { item.answer.index }
    public func index(of result: Result) -> Int { result.index }

    public func evaluate(_ item: DetectionItem, model: any LanguageModel) async throws -> Result {
        let samples = item.samples.samples.map(\.text)
        let sentences = SelfCheck.sentences(item.answer.answer)
        var scores: [String: Double] = [:]
        var unreadable = 0
        if !sentences.isEmpty {
            var perSentence: [Double] = []
            for sentence in sentences {
                var values: [Double] = []
                for sample in samples {
                    let reply = try await model.generate(TextGenerationRequest(prompt: SelfCheck.prompt(context: sample, sentence: sentence),
                                                                               maxTokens: 5, temperature: 0))
                    let verdict = SelfCheck.verdict(reply.text)
                    if verdict == nil { unreadable += 1 }
                    values.append(verdict ?? 0.5)
                }
                perSentence.append(values.reduce(0, +) / Double(values.count))
            }
            scores[Self.promptScore] = perSentence.reduce(0, +) / Double(perSentence.count)
        }
        if let unigram = SelfCheck.unigram(answer: item.answer.answer, samples: samples) {
            scores[Self.unigramAverage] = unigram.average
            scores[Self.unigramMax] = unigram.maxAverage
        }
        return Result(index: item.answer.index, category: item.answer.category, correct: item.answer.correct,
                      sentences: sentences.count, unreadable: unreadable, scores: scores)
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: result.category, values: result.scores.merging(["correct": result.correct ? 1 : 0]) { a, _ in a })
    }
}
