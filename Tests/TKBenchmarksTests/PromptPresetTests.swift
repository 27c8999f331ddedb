import Foundation
import Testing
import TKBenchmarks
import TKTesting

@Suite struct PromptPresetTests {
    struct ReferenceItem: Decodable {
        var q_index: Int
        var context: String
        var continuation: String
    }

    struct ReferenceFile: Decodable { var items: [ReferenceItem] }

    /// The `qa` preset must produce lm-evaluation-harness's truthfulqa_mc2 text exactly; the
    /// reference file holds the contexts and continuations lm-eval built for the first questions.
    @Test func qaPresetReproducesLmEvalPromptsExactly() throws {
        let url = TestEnvironment.referenceDirectory.appendingPathComponent("smollm2-135m-instruct-q4_1.truthfulqa-mc2-first5.json")
        let reference = try JSONDecoder().decode(ReferenceFile.self, from: Data(contentsOf: url)).items
        let dataset = try TruthfulQADataset.loadMultipleChoiceJSONL(
            path: TestEnvironment.sharedDirectory.appendingPathComponent("data/truthfulqa/mc_en.jsonl").path)
        for r in reference {
            let item = dataset.items[r.q_index]
            #expect(PromptPreset.qa.context(question: item.question) == r.context)
            #expect(item.mc2.choices.map { PromptPreset.qa.continuation(choice: $0) }.contains(r.continuation))
        }
    }

    @Test func everyPresetEndsWithTheQuestionAndAnswerCue() {
        for preset in PromptPreset.allCases {
            let context = preset.context(question: "Is the sky green?")
            #expect(context.hasSuffix("Q: Is the sky green?\nA:"))
            #expect(context.hasPrefix(preset.header))
        }
        #expect(PromptPreset.null.header.isEmpty)
        #expect(PromptPreset.instruct.header.hasPrefix("Interpret each question literally"))
    }
}
