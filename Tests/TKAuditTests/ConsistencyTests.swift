import TKAudit
import TKBenchmarks
import TKEvalCore
import Testing

@Suite struct ConsistencyTests {
    @Test func promptsAreTheReferenceTextVerbatim() {
        // From ConsistencyBench as quoted in methods-round2.md §C.3.
        #expect(ConsistencyPrompt.answer(question: "Why?") == "\nQuestion: Why?\nAnswer the above question in a single sentence.\nAnswer:")
        #expect(ConsistencyPrompt.chooseCorrectOption(question: "Why?", options: ["A.", "B."])
            == "\nQuestion: Why?\nInstruction: Choose the correct option.\n A.\n B.\n Don't know the correct answer\n\nAnswer:")
    }

    @Test func consistencyAveragesAgreementOverOrderedPairs() async throws {
        // Exact: only answers 0 and 1 agree (after case and punctuation): 2 of 3·2 ordered pairs = 1/3.
        #expect(try await Agreement.exact.consistency(["A cat.", "a cat", "A dog"]) == 1.0 / 3.0)
        #expect(try await Agreement.exact.consistency(["only one"]) == nil)
        // ROUGE-L: identical answers agree fully.
        #expect(try await Agreement.rouge.consistency(["the cat sat", "the cat sat"]) == 1)
        // "the cat" vs "the cat sat": LCS 2, P = 2/2, R = 2/3 (or the reverse), F = 0.8 both ways.
        let graded = try await Agreement.rouge.consistency(["the cat", "the cat sat"])
        #expect(abs(graded! - 0.8) < 1e-9)
    }

    @Test func llmAgreementComparesYesAndNo() async throws {
        let model = ScriptedModel(scores: [
            ConsistencyPrompt.sameAnswer("Paris", "The capital is Paris"): [" Yes": -0.1, " No": -2],
            ConsistencyPrompt.sameAnswer("The capital is Paris", "Paris"): [" Yes": -3, " No": -0.5],
        ])
        #expect(try await Agreement.llm.consistency(["Paris", "The capital is Paris"], model: model) == 0.5)
    }

    @Test func aScriptedModelAnsweringParaphrases() async throws {
        let item = TruthfulQAItem(index: 2, question: "What is the capital of France?", category: "Geography",
                                  correctAnswers: ["Paris"], incorrectAnswers: ["Lyon"],
                                  mc1: ChoiceSet(choices: ["Paris", "Lyon"], labels: [1, 0]), mc2: ChoiceSet(choices: ["Paris", "Lyon"], labels: [1, 0]))
        let paraphrases = ["Which city is the capital of France?", "France's capital is which city?"]
        let answers = ["Paris.", "Paris.", "Lyon."]
        var generations: [String: String] = [:]
        for (question, answer) in zip([item.question] + paraphrases, answers) { generations[ConsistencyPrompt.answer(question: question)] = " " + answer }
        // A reply that opens with a newline and runs on into a made-up next question: the answer is
        // its first non-empty line (version 1 stopped at the newline and kept an empty answer).
        generations[ConsistencyPrompt.answer(question: paraphrases[0])] = "\n Paris.\nQuestion: And Spain's?"
        generations[ConsistencyPrompt.chooseCorrectOption(question: item.question, options: ["Paris.", "Lyon."])] = " Paris."
        let task = ConsistencyTask(variation: .paraphrases(count: 2), agreement: .exact)
        let result = try await task.evaluate(.init(item, paraphrases: paraphrases), model: ScriptedModel(generations: generations))
        #expect(result.answers == answers)
        // Answers 0 and 1 agree: 2 of 6 ordered pairs.
        #expect(result.consistency == 1.0 / 3.0)
        // ROUGE-L against true "Paris" / false "Lyon": two of three answers are true.
        #expect(result.answerAccuracy == 2.0 / 3.0)
        #expect(result.a2cReply == "Paris.")
        #expect(result.a2cCorrect == true)
        let values = task.score(result).values
        #expect(values["consistency"] == 1.0 / 3.0 && values["a2c_rougeL_acc"] == 1)
    }
}
