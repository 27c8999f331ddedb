import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKMetrics

/// The 2025 binary format, PMI scoring and the lettered-choice mode, against scripted models
/// whose numbers are worked out by hand here.
@Suite struct MultipleChoiceVariantsTests {
    static func item2025(best: String, incorrect: String) -> TruthfulQAItem {
        TruthfulQAItem(index: 0, question: "Q?", category: "C", type: .adversarial, bestAnswer: best,
                       bestIncorrectAnswer: incorrect, correctAnswers: [best], incorrectAnswers: [incorrect, "Other"],
                       mc1: ReferenceAnswers.mc1(best: best, incorrect: [incorrect, "Other"]),
                       mc2: ReferenceAnswers.mc2(correct: [best], incorrect: [incorrect, "Other"]))
    }

    @Test func binaryComparesBestAnswerWithBestIncorrectAnswer() async throws {
        let preset = PromptPreset.qa
        let ctx = preset.context(question: "Q?")
        // "Other" scores highest (MC1 wrong), but the binary pair is only best vs best incorrect.
        let model = ScriptedModel(scores: [ctx: [" Yes.": -1.0, " No.": -2.0, " Other.": -0.5]])
        let r = try await MultipleChoiceEvaluator(model: model, preset: preset).evaluate(Self.item2025(best: "Yes", incorrect: "No"))
        #expect(r.metrics[MetricName.mc1] == 0)
        #expect(r.metrics[MetricName.binary] == 1)
        #expect(r.metrics[MetricName.binaryTies] == 0)
        #expect(r.binary?.choices == ["Yes.", "No."] && r.binary?.scores == [-1.0, -2.0])
    }

    @Test func itemsWithoutBestIncorrectAnswerHaveNoBinaryMetric() async throws {
        let ctx = PromptPreset.qa.context(question: "Q?")
        var item = Self.item2025(best: "Yes", incorrect: "No")
        item.bestIncorrectAnswer = nil
        let model = ScriptedModel(scores: [ctx: [" Yes.": -1.0, " No.": -2.0, " Other.": -0.5]])
        let r = try await MultipleChoiceEvaluator(model: model).evaluate(item)
        #expect(r.metrics[MetricName.binary] == nil && r.binary == nil)
    }

    @Test func pmiSubtractsTheNeutralContextScore() async throws {
        let format = PromptFormat(preset: .qa)
        let ctx = try format.context(question: "Q?"), neutral = try format.neutralContext()
        #expect(neutral == PromptPreset.qa.context(question: ""))
        // Raw: "Other" wins. PMI: Yes = -1 - (-3) = 2, No = -2 - (-2.5) = 0.5, Other = -0.5 - (-0.1) = -0.4 → Yes wins.
        let model = ScriptedModel(scores: [
            ctx: [" Yes.": -1.0, " No.": -2.0, " Other.": -0.5],
            neutral: [" Yes.": -3.0, " No.": -2.5, " Other.": -0.1],
        ])
        let raw = try await MultipleChoiceEvaluator(model: model, format: format).evaluate(Self.item2025(best: "Yes", incorrect: "No"))
        let pmi = try await MultipleChoiceEvaluator(model: model, format: format, scoring: .pmi).evaluate(Self.item2025(best: "Yes", incorrect: "No"))
        #expect(raw.metrics[MetricName.mc1] == 0)
        #expect(pmi.metrics[MetricName.mc1] == 1)
        #expect(zip(pmi.mc1.scores, [2.0, 0.5, -0.4]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(pmi.mc1.logprobs == [-1.0, -2.0, -0.5])
        let e = [2.0, 0.5, -0.4].map(exp)
        #expect(abs(pmi.metrics[MetricName.mc2]! - e[0] / e.reduce(0, +)) < 1e-12)
    }

    @Test func letterParserReadsCommonAnswerShapes() {
        let cases: [(String, Int?)] = [
            (" B", 1), ("B.", 1), (" (C) Paris", 2), ("A) yes", 0), ("Answer: D", 3), (" The answer is B.", 1),
            (" A person would", nil), (" E", nil), ("", nil), (" Banana", nil), ("b", nil), (" [A]", 0), (" A", 0),
        ]
        for (text, expected) in cases {
            #expect(LetterParser.parse(text, optionCount: 4) == expected, "\(text.debugDescription)")
        }
    }

    @Test func letteredModeShufflesWithTheSeedAndScoresTheParsedLetter() async throws {
        let item = TruthfulQAItem(index: 7, question: "Q?", mc1: ChoiceSet(choices: ["T", "F1", "F2", "F3"], labels: [1, 0, 0, 0]),
                                  mc2: ChoiceSet(choices: ["T", "F1"], labels: [1, 0]))
        let probe = LetteredChoiceEvaluator(model: ScriptedModel(), seed: 3)
        let (options, correct) = probe.shuffledOptions(item)
        #expect(Set(options) == Set(item.mc1.choices) && options[correct] == "T")
        #expect(probe.shuffledOptions(item).options == options)  // deterministic
        let seeds = (0..<20).map { LetteredChoiceEvaluator(model: ScriptedModel(), seed: $0).shuffledOptions(item).options }
        #expect(Set(seeds).count > 1)  // the seed changes the order

        let prompt = probe.prompt(question: "Q?", options: options)
        #expect(prompt.hasSuffix("D. \(options[3])\nAnswer:"))
        let right = " " + LetteredChoiceEvaluator.letter(correct)
        let wrong = " " + LetteredChoiceEvaluator.letter((correct + 1) % 4)
        for (reply, score, unparsed) in [(right, 1.0, 0.0), (wrong, 0.0, 0.0), (" I do not know", 0.0, 1.0)] {
            let model = ScriptedModel(generations: [prompt: reply])
            let r = try await LetteredChoiceEvaluator(model: model, seed: 3).evaluate(item)
            #expect(r.metrics[MetricName.letteredMC1] == score && r.metrics[MetricName.letteredUnparsed] == unparsed, "\(reply)")
        }
    }
}
