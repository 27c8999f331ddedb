import Foundation
import Testing
import TKEngine
import TKInterventions
import TKServer
import TKTesting

/// `serve --intervention dola`: generated tokens come from the decoding rule, through the same
/// step-wise decoder as `generate`, so the served text equals the engine's own generation.
@Suite("Decoding interventions behind the server (tiny model)")
struct DecodingInterventionTests {
    static let dola = DoLa(layers: .explicit([0, 1]), norm: .none, beta: 1, alpha: 0.1, repetitionPenalty: 1.2)

    static func rule(_ model: TransformerModel) -> EngineService.DecodingRule {
        { session, text, tokens in try dola.makeProcessor(model: model, session: session, promptText: text, promptTokens: tokens) }
    }

    @Test func servedCompletionsEqualGenerateWithTheSameRule() async throws {
        try await ServerHarness.with(decoding: { Self.rule($0) }) { h in
            let prompt = "abc cd ab, ba"
            let reply = try await h.send("/v1/completions", json: ["prompt": prompt, "max_tokens": 12, "temperature": 0])
            #expect(reply.status == 200, "\(reply.text)")
            let served = try #require(reply.json.choices.first?["text"] as? String)

            let ids = h.model.tokenizer.encode(prompt, addSpecial: true)
            let session = InferenceSession(model: h.model)
            let expected = try session.generate(
                GenerationRequest(prompt: ids, maxTokens: 12),
                processor: try Self.dola.makeProcessor(model: h.model, session: session, promptText: prompt, promptTokens: ids))
            let plain = try InferenceSession(model: h.model).generate(GenerationRequest(prompt: ids, maxTokens: 12))
            #expect(served == expected.text)
            #expect(expected.tokens != plain.tokens, "the rule must change this generation, or the test proves nothing")
        }
    }

    @Test func echoedPromptLogprobsAreRefusedUnderARule() async throws {
        try await ServerHarness.with(decoding: { Self.rule($0) }) { h in
            let reply = try await h.send("/v1/completions", json: ["prompt": "abc", "max_tokens": 0, "echo": true, "logprobs": 1])
            #expect(reply.status == 400)
            #expect(reply.errorMessage?.contains("decoding intervention") == true)
        }
    }
}
