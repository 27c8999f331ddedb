import TKRandom
import Foundation
import Testing
@testable import TKChatTemplate

/// Hostile or corrupted templates (from a GGUF nobody checked) must produce a
/// `ChatTemplateError` or a rendering, never a crash or a runaway allocation.
struct RobustnessTests {
    private let messages = [
        ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hi"),
        ChatMessage(role: "assistant", content: "Hello."), ChatMessage(role: "user", content: "Why?"),
    ]

    @Test func mutatedRealTemplatesNeverCrash() throws {
        var generator = SplitMix64(seed: 20_240_726)  // a fixed seed keeps the mutations identical on every run
        let sources = OracleFixture.shared.templates.map(\.source)
        try #require(!sources.isEmpty)
        let alphabet = Array("{}%#-+()[]'\"|.,:=~*/ \n\\abcdefgijklmnorstuxyz0123456789_")
        var outcomes = (parsed: 0, rendered: 0, failed: 0)
        for _ in 0..<1_500 {
            var scalars = Array(sources.randomElement(using: &generator)!)
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !scalars.isEmpty {
                let position = Int.random(in: 0..<scalars.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: scalars.remove(at: position)
                case 1: scalars.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: scalars[position] = alphabet.randomElement(using: &generator)!
                }
            }
            let source = String(scalars)
            do {
                let template = try ChatTemplate(source: source)
                outcomes.parsed += 1
                _ = try template.render(messages: messages, addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>")
                outcomes.rendered += 1
            } catch let error as ChatTemplateError {
                outcomes.failed += 1
                #expect(error.kind == .raised || error.line >= 1, "\(error) for \(source.debugDescription)")
            }
        }
        // The mutations must exercise both paths for this test to mean anything.
        #expect(outcomes.rendered > 100)
        #expect(outcomes.failed > 100)
    }

    @Test func deepNestingIsRejectedNotOverflowed() throws {
        for source in [
            "{{ " + String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000) + " }}",
            "{{ " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + " }}",
            "{{ " + String(repeating: "not ", count: 5_000) + "x }}",
            "{{ " + String(repeating: "-", count: 5_000) + "1 }}",
            "{{ " + String(repeating: "1 if x else ", count: 5_000) + "1 }}",
            String(repeating: "{% if true %}", count: 5_000) + String(repeating: "{% endif %}", count: 5_000),
        ] {
            #expect(throws: ChatTemplateError.self) { try ChatTemplate(source: source) }
        }
        // A long flat chain parses (it is a loop), but evaluation depth is capped.
        let chain = try ChatTemplate(source: "{{ 1" + String(repeating: " + 1", count: 5_000) + " }}")
        #expect(throws: ChatTemplateError.self) { try chain.render(context: [:]) }
        let short = try ChatTemplate(source: "{{ 1" + String(repeating: " + 1", count: 150) + " }}")
        #expect(try short.render(context: [:]) == "151")
    }

    @Test func bigInputsStayBounded() throws {
        let template = try ChatTemplate(source: "{{ range(-9223372036854775807, 9223372036854775807)|length }}")
        #expect(throws: ChatTemplateError.self) { try template.render(context: [:]) }
        let long = String(repeating: "word ", count: 20_000)
        let smol = try ChatTemplate(source: try #require(OracleFixture.template("smollm2")).source)
        let text = try smol.render(messages: [ChatMessage(role: "user", content: long)], addGenerationPrompt: true)
        #expect(text.contains(long))
    }

    /// Templates render per request; a 40-turn conversation through Llama 3.1's template (the
    /// largest here) must stay far below model latency. The bound is loose for debug builds on
    /// a loaded CI machine; the measured time is printed.
    @Test func renderingIsCheapNextToInference() throws {
        let template = try ChatTemplate(source: try #require(OracleFixture.template("llama3.1")).source)
        var conversation = [ChatMessage(role: "system", content: "Be brief.")]
        for turn in 0..<20 {
            conversation.append(ChatMessage(role: "user", content: "Question \(turn): what is true?"))
            conversation.append(ChatMessage(role: "assistant", content: "Answer \(turn): it depends."))
        }
        let clock = ContinuousClock()
        let rounds = 50
        var length = 0
        let elapsed = try clock.measure {
            for _ in 0..<rounds {
                length += try template.render(messages: conversation, addGenerationPrompt: true).count
            }
        }
        let perRender = elapsed / rounds
        print("llama3.1 template, 41 messages: \(perRender) per render")
        #expect(length > 0)
        #expect(perRender < .milliseconds(200))
    }
}
