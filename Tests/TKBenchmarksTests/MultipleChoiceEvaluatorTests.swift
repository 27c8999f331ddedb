import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKMetrics

/// The evaluator against a scripted model: three hand-made items whose MC1/MC2/MC3 are worked out
/// by hand here.
@Suite struct MultipleChoiceEvaluatorTests {
    static func item(_ index: Int, _ question: String, mc1: [String], mc2: [String], mc2Labels: [Int], category: String) -> TruthfulQAItem {
        TruthfulQAItem(index: index, question: question, category: category, type: .adversarial, bestAnswer: nil,
                       bestIncorrectAnswer: nil, correctAnswers: [], incorrectAnswers: [],
                       mc1: ChoiceSet(choices: mc1, labels: [1] + Array(repeating: 0, count: mc1.count - 1)),
                       mc2: ChoiceSet(choices: mc2, labels: mc2Labels), source: nil, language: "en")
    }

    static let items = [
        item(0, "Q0?", mc1: ["T", "F1"], mc2: ["T", "T2", "F1"], mc2Labels: [1, 1, 0], category: "A"),
        item(1, "Q1?", mc1: ["T", "F1", "F2"], mc2: ["F1", "T", "F2"], mc2Labels: [0, 1, 0], category: "A"),
        item(2, "Q2?", mc1: ["T", "F1"], mc2: ["T", "F1"], mc2Labels: [1, 0], category: "B"),
    ]

    static func scripted(_ preset: PromptPreset) -> ScriptedModel {
        func ctx(_ q: String) -> String { preset.context(question: q) }
        func c(_ s: String) -> String { preset.continuation(choice: s) }
        return ScriptedModel(scores: [
            // Item 0: T wins MC1; MC2 = (0.5 + 0.3) / (0.5 + 0.3 + 0.2) = 0.8; MC3: both trues above F1 → 1.
            ctx("Q0?"): [c("T"): log(0.5), c("T2"): log(0.3), c("F1"): log(0.2)],
            // Item 1: F1 beats T; MC2 = 0.2 / (0.2 + 0.7 + 0.1) = 0.2; MC3 = 0.
            ctx("Q1?"): [c("T"): log(0.2), c("F1"): log(0.7), c("F2"): log(0.1)],
            // Item 2: exact tie → MC1 0 and counted as a tie; MC2 = 0.5; MC3 = 0.
            ctx("Q2?"): [c("T"): log(0.5), c("F1"): log(0.5)],
        ])
    }

    @Test func metricsMatchHandWorkedValues() async throws {
        let evaluator = MultipleChoiceEvaluator(model: Self.scripted(.qa), preset: .qa)
        let results = try await evaluator.evaluateEach(Self.items)
        #expect(results.map { $0.metrics["mc1"] } == [1, 0, 0])
        #expect(results.map { $0.metrics["mc1_ties"] } == [0, 0, 1])
        let mc2 = results.map { $0.metrics["mc2"]! }
        #expect(abs(mc2[0] - 0.8) < 1e-12 && abs(mc2[1] - 0.2) < 1e-12 && abs(mc2[2] - 0.5) < 1e-12)
        #expect(results.map { $0.metrics["mc3"] } == [1, 0, 0])
        let summary = try MetricsSummary(items: results.map { ItemScore(category: $0.category, type: $0.type, values: $0.metrics) })
        #expect(abs(summary.metrics["mc2"]!.mean - 0.5) < 1e-12)
        #expect(abs(summary.byCategory["A"]!["mc2"]!.mean - 0.5) < 1e-12)
        #expect(summary.byCategory["B"]!["mc1"]!.mean == 0)
    }
}

extension MultipleChoiceEvaluator {
    /// Every item in order (the evaluator in TKEvaluation runs, stores and resumes items; these
    /// tests look at one item's scoring).
    func evaluateEach(_ items: [TruthfulQAItem]) async throws -> [MultipleChoiceItemResult] {
        var results: [MultipleChoiceItemResult] = []
        for item in items { results.append(try await evaluate(item)) }
        return results
    }
}
