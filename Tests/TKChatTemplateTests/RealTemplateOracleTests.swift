import Foundation
import Testing
@testable import TKChatTemplate

/// Real model templates against jinja2 as transformers runs it (fixture from
/// `scripts/verify/chat_templates.py`): every conversation, with and without the generation
/// prompt, must render byte for byte the same, or fail where jinja2 fails with the same message.
struct RealTemplateOracleTests {
    static let names = OracleFixture.shared.templates.map(\.name)

    @Test func fixtureCoversAtLeastEightTemplates() {
        #expect(OracleFixture.shared.templates.count >= 8, "run scripts/verify/chat_templates.py to write the fixture")
        #expect(OracleFixture.shared.jinja2.hasPrefix("3."))
    }

    @Test(arguments: names)
    func rendersLikeJinja2(_ name: String) throws {
        let fixture = try #require(OracleFixture.template(name))
        let template = try ChatTemplate(source: fixture.source)
        #expect(fixture.cases.count >= 8)
        for item in fixture.cases {
            let messages = try TemplateValue(json: item.messages_json)
            let variables = try TemplateValue(json: item.variables_json).dictionaryEntries
            let result: Result<String, any Error>
            if let plain = messages.plainMessages, !fixture.source.contains("strftime_now") {
                // The public API that servers and presets call.
                result = Result {
                    try template.render(messages: plain, addGenerationPrompt: item.add_generation_prompt,
                                        bosToken: item.bos_token, eosToken: item.eos_token, variables: variables)
                }
            } else {
                guard case .array(let list) = messages else { Issue.record("messages are not a list"); continue }
                let context = ChatTemplate.context(messages: list, addGenerationPrompt: item.add_generation_prompt,
                                                   bosToken: item.bos_token, eosToken: item.eos_token, variables: variables)
                result = Result { try template.render(context: context, now: OracleFixture.shared.fixedNow,
                                                      timeZone: TimeZone(identifier: "UTC")!) }
            }
            switch (result, item.output, item.error) {
            case (.success(let text), let expected?, _):
                #expect(text == expected, "\(name) \(item.testDescription)")
            case (.failure(let error), nil, let message?):
                let failure = try #require(error as? ChatTemplateError)
                #expect(failure.kind == .raised, "\(name) \(item.testDescription): \(failure)")
                #expect(failure.message == message, "\(name) \(item.testDescription)")
            case (.success(let text), nil, let message):
                Issue.record("\(name) \(item.testDescription): jinja2 failed (\(message ?? "")) but we rendered \(text.debugDescription)")
            case (.failure(let error), _?, _):
                Issue.record("\(name) \(item.testDescription): jinja2 rendered but we threw \(error)")
            default:
                Issue.record("\(name) \(item.testDescription): malformed fixture case")
            }
        }
    }

    /// Llama 3.2 puts `strftime_now("%d %b %Y")` into the system prompt.
    @Test func llama32DateComesFromStrftimeNow() throws {
        let fixture = try #require(OracleFixture.template("llama3.2"))
        let template = try ChatTemplate(source: fixture.source)
        let item = try #require(fixture.cases.first { $0.conversation == "system-user" && $0.add_generation_prompt })
        guard case .array(let list) = try TemplateValue(json: item.messages_json) else { return }
        let context = ChatTemplate.context(messages: list, addGenerationPrompt: true, bosToken: item.bos_token,
                                           eosToken: item.eos_token)
        let text = try template.render(context: context, now: OracleFixture.shared.fixedNow,
                                       timeZone: TimeZone(identifier: "UTC")!)
        #expect(text == item.output)
        #expect(text.contains("Today Date: 09 Mar 2025"))
    }
}
