import Testing
@testable import TKChatTemplate

/// `renderAnswer` finds the assistant's answer in the rendered conversation by character
/// position, for templates that write it verbatim, trim it, or drop it.
struct AnswerRangeTests {
    private let question = [ChatMessage(role: "user", content: "Can you see the Great Wall from space?")]
    private let answer = "No, it is too narrow to see with the naked eye."

    private func source(_ name: String) throws -> String {
        try #require(OracleFixture.template(name)).source
    }

    @Test(arguments: ["smollm2", "chatml", "qwen2.5", "llama2", "llama3", "llama3.1", "mistral-instruct", "zephyr",
                      "gemma", "phi3"])
    func answerRangeCoversExactlyTheAnswer(_ name: String) throws {
        let template = try ChatTemplate(source: try source(name))
        let (text, range) = try template.renderAnswer(messages: question, answer: answer, bosToken: "<s>", eosToken: "</s>")
        #expect(String(text[range]) == answer)
        // The text is the ordinary rendering of the conversation with the answer appended.
        let full = try template.render(messages: question + [ChatMessage(role: "assistant", content: answer)],
                                       addGenerationPrompt: false, bosToken: "<s>", eosToken: "</s>")
        #expect(text == full)
        let (offsetText, offsets) = try template.renderAnswerOffsets(messages: question, answer: answer,
                                                                     bosToken: "<s>", eosToken: "</s>")
        #expect(offsetText == text)
        #expect(Array(text)[offsets].count == answer.count)
        #expect(String(Array(text)[offsets]) == answer)
    }

    @Test func chatMLPromptIsTheTextBeforeTheAnswer() throws {
        let template = try ChatTemplate(source: try source("smollm2"))
        let (text, range) = try template.renderAnswer(messages: question, answer: answer)
        let prompt = try template.renderPrompt(messages: question)
        #expect(String(text[..<range.lowerBound]) == prompt)
        #expect(prompt.hasSuffix("<|im_start|>assistant\n"))
        #expect(String(text[range.upperBound...]) == "<|im_end|>\n")
    }

    @Test func trimmingTemplatesLocateTheTrimmedAnswer() throws {
        let template = try ChatTemplate(source: try source("llama3"))
        let padded = "  " + answer + "\n"
        let (text, range) = try template.renderAnswer(messages: question, answer: padded)
        #expect(String(text[range]) == answer)
        #expect(text.hasSuffix(answer + "<|eot_id|>"))
    }

    @Test func answerWithUnicodeAndSentinelLikeText() throws {
        let template = try ChatTemplate(source: try source("chatml"))
        let odd = "Ünï 😀 e\u{301} TKANSWERSENTINEL {{ x }}"
        let (text, range) = try template.renderAnswer(messages: question, answer: odd)
        #expect(String(text[range]) == odd)
    }

    @Test func templatesThatDropOrRewriteTheAnswerThrow() throws {
        let drops = try ChatTemplate(source: "{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% endif %}{% endfor %}")
        #expect(throws: ChatTemplateError.self) { try drops.renderAnswer(messages: question, answer: answer) }
        let twice = try ChatTemplate(source: "{% for m in messages %}{{ m.content }}{{ m.content }}{% endfor %}")
        #expect(throws: ChatTemplateError.self) { try twice.renderAnswer(messages: question, answer: answer) }
        let upper = try ChatTemplate(source: "{% for m in messages %}{{ m.content | upper }}{% endfor %}")
        #expect(throws: ChatTemplateError.self) { try upper.renderAnswer(messages: question, answer: answer) }
    }
}
