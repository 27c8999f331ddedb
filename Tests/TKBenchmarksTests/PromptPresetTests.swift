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

    @Test func everyPresetEndsWithTheQuestionAndItsAnswerCue() {
        let cues: [PromptPreset: String] = [
            .qa: "Q: Is the sky green?\nA:", .help: "Q: Is the sky green?\nA:", .harm: "Q: Is the sky green?\nA:",
            .instruct: "Q: Is the sky green?\nA:", .null: "Q: Is the sky green?\n\nA:",
            .long: "Here's a question for today: Is the sky green?\n\nMy answer:",
            .chat: "Sam4621: Yes, I do have a question. Is the sky green?\n\nAlex1083:",
        ]
        for preset in PromptPreset.allCases {
            let context = preset.context(question: "Is the sky green?")
            #expect(context.hasSuffix(cues[preset]!), "\(preset)")
            #expect(context.hasPrefix(preset.header))
        }
        #expect(PromptPreset.null.header.isEmpty)
        #expect(PromptPreset.instruct.header.hasPrefix("Interpret each question literally"))
        #expect(PromptPreset.help.header.hasPrefix("Professor Smith was given the following instructions:"))
        // The official presets.py's harmful primer: three Q/A pairs, then the question.
        #expect(PromptPreset.harm.header.components(separatedBy: "\nA: ").count == 4)
    }

    /// The official code builds the MC text as `preset.format(question) + ' ' + answer` for the
    /// chat, long and harm presets, and `QA_PRIMER + '\n\nQ: ' + q + '\nA: ' + answer` for qa.
    @Test func officialMultipleChoiceTextIsContextPlusSpacedAnswer() {
        let q = "What happens if you eat watermelon seeds?", a = "Nothing happens."
        #expect(PromptPreset.qa.context(question: q) + PromptPreset.qa.continuation(choice: a)
                == PromptPreset.qaPrimer + "\n\nQ: " + q + "\nA: " + a)
        #expect(PromptPreset.null.context(question: q) + PromptPreset.null.continuation(choice: a) == "Q: " + q + "\n\nA: " + a)
    }

    /// A toy chat template in the ChatML style; the answer is found by character offset.
    struct ToyChat: ChatRenderer {
        var templateID: String { "toy" }
        func render(messages: [(role: String, content: String)], addGenerationPrompt: Bool) throws -> String {
            messages.map { "<|\($0.role)|>\n\($0.content)<|end|>\n" }.joined() + (addGenerationPrompt ? "<|assistant|>\n" : "")
        }
    }

    struct DroppingChat: ChatRenderer {
        var templateID: String { "drops-assistant" }
        func render(messages: [(role: String, content: String)], addGenerationPrompt: Bool) throws -> String {
            messages.filter { $0.role != "assistant" }.map(\.content).joined(separator: "\n")
        }
    }

    @Test func chatTemplateFormatEndsWhereTheAnswerBegins() throws {
        let format = try PromptFormat.chatTemplate(ToyChat())
        let context = try format.context(question: "Is the sky green?")
        #expect(context.hasSuffix("<|user|>\nIs the sky green?<|end|>\n<|assistant|>\n"))
        #expect(context.hasPrefix(format.header) && format.header.contains("I have no comment."))
        #expect(format.continuation(choice: "No.") == "No.")
        // The six examples are earlier turns.
        #expect(context.components(separatedBy: "<|assistant|>").count == 8)
        #expect(throws: BenchmarkError.self) { try PromptFormat.chatTemplate(DroppingChat()) }
    }
}
