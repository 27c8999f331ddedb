import Foundation
import TKEvalCore
import TKMetrics

/// Scores TruthfulQA items by multiple choice with any `LanguageModel`.
///
/// Each item becomes one scoring request: the preset's context and the union of its MC1 and MC2
/// choices (MC1's choices are usually among MC2's), so a choice is never scored twice and the
/// backend computes the question's context once. Items already in `completed` are not re-scored;
/// `onItem` is called as each new item completes, so a caller can store it before going on.
public struct MultipleChoiceEvaluator: Sendable {
    public let model: any LanguageModel
    public let preset: PromptPreset

    public init(model: any LanguageModel, preset: PromptPreset = .qa) {
        self.model = model
        self.preset = preset
    }

    /// The exact prompt text of an item and its first continuation (for `--show-prompt`).
    public func promptText(for item: TruthfulQAItem) -> String {
        preset.context(question: item.question) + preset.continuation(choice: item.mc1.choices.first ?? "")
    }

    public func evaluate(_ item: TruthfulQAItem) async throws -> MultipleChoiceItemResult {
        var union: [String] = []
        var position: [String: Int] = [:]
        for c in item.mc1.choices + item.mc2.choices where position[c] == nil {
            position[c] = union.count
            union.append(c)
        }
        let request = ScoringRequest(context: preset.context(question: item.question),
                                     continuations: union.map { preset.continuation(choice: $0) },
                                     sharedPrefix: preset.header)
        guard let scores = try await model.score([request]).first, scores.count == union.count else {
            throw BenchmarkError("model returned the wrong number of scores for item \(item.index)")
        }
        func scored(_ set: ChoiceSet) -> MultipleChoiceItemResult.ScoredSet {
            let s = set.choices.map { scores[position[$0]!] }
            return .init(choices: set.choices, labels: set.labels, scores: s.map(\.logprob), tokenCounts: s.map(\.tokenCount))
        }
        let mc1 = scored(item.mc1), mc2 = scored(item.mc2)
        var metrics = try ItemScore.multipleChoice(
            mc1: ScoredChoices(scores: mc1.scores, labels: mc1.labels),
            mc2: ScoredChoices(scores: mc2.scores, labels: mc2.labels)).values
        // Length-normalised variant (per UTF-8 byte of the choice, as lm-eval's acc_norm uses length).
        func normalised(_ set: ChoiceSet, _ s: MultipleChoiceItemResult.ScoredSet) -> [Double] {
            zip(s.scores, set.choices).map { $0 / Double(max(1, preset.continuation(choice: $1).utf8.count)) }
        }
        let norm = try ItemScore.multipleChoice(
            mc1: ScoredChoices(scores: normalised(item.mc1, mc1), labels: mc1.labels),
            mc2: ScoredChoices(scores: normalised(item.mc2, mc2), labels: mc2.labels), prefix: "norm_").values
        metrics.merge(norm) { a, _ in a }
        return MultipleChoiceItemResult(index: item.index, question: item.question, category: item.category,
                                        type: item.type?.rawValue, mc1: mc1, mc2: mc2, metrics: metrics)
    }

    /// Evaluates `items`, skipping those in `completed`, and returns all results in item order.
    public func evaluate(_ items: [TruthfulQAItem], completed: [Int: MultipleChoiceItemResult] = [:],
                         onItem: (MultipleChoiceItemResult) async throws -> Void = { _ in }) async throws -> [MultipleChoiceItemResult] {
        var results: [MultipleChoiceItemResult] = []
        for item in items {
            if let done = completed[item.index] {
                results.append(done)
                continue
            }
            try Task.checkCancellation()
            let r = try await evaluate(item)
            try await onItem(r)
            results.append(r)
        }
        return results
    }

    /// Overall, per-category and per-type metrics with bootstrap intervals.
    public static func summarize(_ results: [MultipleChoiceItemResult], bootstrap: Bootstrap = Bootstrap()) throws -> MetricsSummary {
        try MetricsSummary(items: results.map { ItemScore(category: $0.category, type: $0.type, values: $0.metrics) }, bootstrap: bootstrap)
    }
}
