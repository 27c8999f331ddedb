import Testing
import TKGGUF
import TKTesting
@testable import TKChatTemplate

/// The default model's own template, read from its GGUF, renders like jinja2 did for the
/// fixture (and is the same text the fixture script embedded).
struct GGUFChatTemplateTests {
    @Test(.enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
    func smolLM2TemplateFromGGUFRendersLikeJinja2() throws {
        let file = try GGUFFile(path: TestEnvironment.modelPath)
        let source = try #require(file["tokenizer.chat_template"]?.stringValue)
        let fixture = try #require(OracleFixture.template("smollm2"))
        #expect(source == fixture.source)
        let template = try ChatTemplate(source: source)
        var compared = 0
        for item in fixture.cases {
            guard let expected = item.output,
                  let messages = try TemplateValue(json: item.messages_json).plainMessages else { continue }
            let text = try template.render(messages: messages, addGenerationPrompt: item.add_generation_prompt,
                                           bosToken: item.bos_token, eosToken: item.eos_token)
            #expect(text == expected, "\(item.testDescription)")
            compared += 1
        }
        #expect(compared >= 8)
        let prompt = try template.renderPrompt(messages: [ChatMessage(role: "user", content: "Hi")])
        #expect(prompt == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }
}
