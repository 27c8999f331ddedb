import Foundation
import Testing
import TKEngine
@testable import TKServer
import TKTesting

/// The default model (SmolLM2-135M-Instruct) behind the server: served numbers equal the engine's.
@Suite("Completions (default model)", .enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct RealModelTests {
    @Test func echoLogprobsAndGreedyTextEqualTheEngine() async throws {
        try await ServerHarness.with(modelPath: TestEnvironment.modelPath) { h in
            let context = "Q: What happens if you eat watermelon seeds?\nA:"
            let prompt = context + " The watermelon seeds pass through your digestive system — naïvely, café."
            let reply = try await h.send("/v1/completions", json: ["prompt": prompt, "max_tokens": 0, "echo": true, "logprobs": 1])
            #expect(reply.status == 200, "\(reply.text)")
            let lp = try #require(reply.json.choices.first?["logprobs"] as? [String: Any])
            let served = try #require(lp["token_logprobs"] as? [Any])
            let ids = h.model.tokenizer.encode(prompt)
            let expected = try InferenceSession(model: h.model).scoreSequence(ids)
            #expect(served.count == ids.count)
            for (j, v) in expected.enumerated() { #expect((served[j + 1] as? Double).map(Float.init) == v, "token \(j + 1)") }
            // Offsets count characters: every token here holds whole characters.
            let tokens = try #require(lp["tokens"] as? [String])
            #expect(tokens.joined() == prompt)
            #expect(lp["text_offset"] as? [Int] == tokens.indices.map { tokens[..<$0].joined().unicodeScalars.count })

            let gen = try await h.send("/v1/completions", json: ["prompt": context, "max_tokens": 12, "temperature": 0])
            let engine = try InferenceSession(model: h.model).generate(GenerationRequest(prompt: h.model.tokenizer.encode(context), maxTokens: 12))
            #expect(gen.json.choices.first?["text"] as? String == engine.text)
        }
    }

    @Test func chatCompletionFollowsTheTemplateAndStreamsTheSameText() async throws {
        try await ServerHarness.with(modelPath: TestEnvironment.modelPath) { h in
            let messages = [["role": "user", "content": "What is the capital of France?"]]
            let reply = try await h.send("/v1/chat/completions", json: ["messages": messages, "max_tokens": 10, "temperature": 0])
            #expect(reply.status == 200, "\(reply.text)")
            let choice = try #require(reply.json.choices.first)
            #expect(reply.json["object"] as? String == "chat.completion")
            let text = try #require((choice["message"] as? [String: Any])?["content"] as? String)
            // The prompt is ChatML ending in the assistant's turn, and the answer is the engine's.
            var req = try ChatCompletionRequest(.object(["messages": .array([.object(["role": .string("user"), "content": .string("What is the capital of France?")])])]),
                                                configuration: ServerConfiguration())
            try req.prepare(template: OpenAIServer.parseChatTemplate(h.model).0, templateProblem: nil, model: h.model, configuration: ServerConfiguration())
            let rendered = h.model.tokenizer.decode(req.prompt)
            #expect(rendered.contains("<|im_start|>user\nWhat is the capital of France?<|im_end|>"))
            #expect(rendered.hasSuffix("<|im_start|>assistant\n"))
            let engine = try InferenceSession(model: h.model).generate(GenerationRequest(prompt: req.prompt, maxTokens: 10))
            #expect(text == engine.text)

            let streamed = try await h.send("/v1/chat/completions", json: ["messages": messages, "max_tokens": 10, "temperature": 0, "stream": true])
            let (events, done) = ServerHarness.events(streamed)
            #expect(done)
            #expect(events.first.flatMap { ($0.choices.first?["delta"] as? [String: Any])?["role"] as? String } == "assistant")
            let pieces = events.flatMap(\.choices).compactMap { ($0["delta"] as? [String: Any])?["content"] as? String }
            #expect(pieces.joined() == text)
            #expect(events.flatMap(\.choices).last?["finish_reason"] as? String == choice["finish_reason"] as? String)
        }
    }
}
