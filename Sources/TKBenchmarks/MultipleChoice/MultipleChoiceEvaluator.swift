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
    public let format: PromptFormat
    public let scoring: ChoiceScoring

    public init(model: any LanguageModel, format: PromptFormat, scoring: ChoiceScoring = .logprob) {
        self.model = model
        self.format = format
        self.scoring = scoring
    }

    public init(model: any LanguageModel, preset: PromptPreset = .qa, scoring: ChoiceScoring = .logprob) {
        self.init(model: model, format: PromptFormat(preset: preset), scoring: scoring)
    }

    /// The exact prompt text of an item and its first continuation (for `--show-prompt`).
    public func promptText(for item: TruthfulQAItem) throws -> String {
        try format.context(question: item.question) + format.continuation(choice: item.mc1.choices.first ?? "")
    }

    /// The 2025 binary pair (best answer, best incorrect answer), closed as the MC options are;
    /// nil for data without a best incorrect answer.
    static func binaryPair(_ item: TruthfulQAItem) -> (best: String, incorrect: String)? {
        guard let best = item.bestAnswer, let incorrect = item.bestIncorrectAnswer,
              !best.isEmpty, !incorrect.isEmpty else { return nil }
        return (ReferenceAnswers.closed(best), ReferenceAnswers.closed(incorrect))
    }

    public func evaluate(_ item: TruthfulQAItem) async throws -> MultipleChoiceItemResult {
        let pair = Self.binaryPair(item)
        var union: [String] = []
        var position: [String: Int] = [:]
        for c in item.mc1.choices + item.mc2.choices + (pair.map { [$0.best, $0.incorrect] } ?? []) where position[c] == nil {
            position[c] = union.count
            union.append(c)
        }
        let continuations = union.map { format.continuation(choice: $0) }
        var requests = [ScoringRequest(context: try format.context(question: item.question),
                                       continuations: continuations, sharedPrefix: format.header)]
        if scoring == .pmi {
            requests.append(ScoringRequest(context: try format.neutralContext(), continuations: continuations,
                                           sharedPrefix: format.header))
        }
        let results = try await model.score(requests)
        guard results.count == requests.count, results.allSatisfy({ $0.count == union.count }) else {
            throw BenchmarkError("model returned the wrong number of scores for item \(item.index)")
        }
        // The number each choice is ranked by, and the raw log-likelihood kept beside it.
        let raw = results[0]
        let ranked: [Double] = scoring == .pmi
            ? try ScoreTransform.pointwiseMutualInformation(conditional: raw.map(\.logprob), unconditional: results[1].map(\.logprob))
            : raw.map(\.logprob)
        func scored(_ set: ChoiceSet) -> MultipleChoiceItemResult.ScoredSet {
            let at = set.choices.map { position[$0]! }
            return .init(choices: set.choices, labels: set.labels, scores: at.map { ranked[$0] },
                         tokenCounts: at.map { raw[$0].tokenCount },
                         logprobs: scoring == .logprob ? nil : at.map { raw[$0].logprob })
        }
        let mc1 = scored(item.mc1), mc2 = scored(item.mc2)
        var metrics = try ItemScore.multipleChoice(
            mc1: ScoredChoices(scores: mc1.scores, labels: mc1.labels),
            mc2: ScoredChoices(scores: mc2.scores, labels: mc2.labels)).values
        // Length-normalised variant (per UTF-8 byte of the scored text, as lm-eval's acc_norm uses length).
        func normalised(_ set: ChoiceSet, _ s: MultipleChoiceItemResult.ScoredSet) -> [Double] {
            zip(s.scores, set.choices).map { $0 / Double(max(1, format.continuation(choice: $1).utf8.count)) }
        }
        let norm = try ItemScore.multipleChoice(
            mc1: ScoredChoices(scores: normalised(item.mc1, mc1), labels: mc1.labels),
            mc2: ScoredChoices(scores: normalised(item.mc2, mc2), labels: mc2.labels), prefix: "norm_").values
        metrics.merge(norm) { a, _ in a }
        var binary: MultipleChoiceItemResult.ScoredSet?
        if let pair {
            let set = ChoiceSet(trueChoices: [pair.best], falseChoices: [pair.incorrect])
            let b = scored(set)
            let outcome = MultipleChoiceMetrics.binary(best: b.scores[0], bestIncorrect: b.scores[1])
            metrics[MetricName.binary] = outcome.accuracy
            metrics[MetricName.binaryTies] = outcome.tieIndicator
            binary = b
        }
        return MultipleChoiceItemResult(index: item.index, question: item.question, category: item.category,
                                        type: item.type?.rawValue, mc1: mc1, mc2: mc2, binary: binary, metrics: metrics)
    }
}
