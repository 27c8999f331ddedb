import Foundation
import Testing
import TKEngine
@testable import TKServer

/// Bad input gets a 4xx with an OpenAI-style error body, and the server keeps serving.
@Suite("Request validation and access")
struct RequestValidationTests {
    @Test func badRequestsAre4xxAndTheServerKeepsServing() async throws {
        let config = ServerConfiguration(modelID: "test-model", maxBodyBytes: 4096, maxCompletionTokens: 32)
        try await ServerHarness.with(configuration: config) { h in
            let cases: [(String, ServerHarness.Reply, Int)] = [
                ("malformed JSON", try await h.send("/v1/completions", raw: Data("{\"prompt\": \"ab\",".utf8)), 400),
                ("not an object", try await h.send("/v1/completions", json: ["ab"]), 400),
                ("missing prompt", try await h.send("/v1/completions", json: ["max_tokens": 3]), 400),
                ("max_tokens as string", try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": "5"]), 400),
                ("prompt as number", try await h.send("/v1/completions", json: ["prompt": 5]), 400),
                ("mixed prompt list", try await h.send("/v1/completions", json: ["prompt": ["ab", 3]]), 400),
                ("echo as string", try await h.send("/v1/completions", json: ["prompt": "ab", "echo": "yes"]), 400),
                ("negative max_tokens", try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": -1]), 400),
                ("max_tokens over limit", try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 33]), 400),
                ("temperature out of range", try await h.send("/v1/completions", json: ["prompt": "ab", "temperature": -0.5]), 400),
                ("top_p zero", try await h.send("/v1/completions", json: ["prompt": "ab", "top_p": 0]), 400),
                ("logprobs too many", try await h.send("/v1/completions", json: ["prompt": "ab", "logprobs": 21]), 400),
                ("n > 1", try await h.send("/v1/completions", json: ["prompt": "ab", "n": 2]), 400),
                ("token id out of vocabulary", try await h.send("/v1/completions", json: ["prompt": [1, 2, 4000]]), 400),
                ("empty prompt list", try await h.send("/v1/completions", json: ["prompt": [String]()]), 400),
                ("oversize prompt", try await h.send("/v1/completions", json: ["prompt": String(repeating: "a b ", count: 40), "max_tokens": 0]), 400),
                ("prompt + max_tokens over context", try await h.send("/v1/completions", json: ["prompt": String(repeating: "a ", count: 40), "max_tokens": 30]), 400),
                ("huge body", try await h.send("/v1/completions", json: ["prompt": String(repeating: "a", count: 10_000)]), 413),
            ]
            for (name, reply, status) in cases {
                #expect(reply.status == status, "\(name): \(reply.status) \(reply.text)")
                #expect(reply.errorMessage?.isEmpty == false, "\(name) has no error message: \(reply.text)")
                #expect(reply.errorType == "invalid_request_error", "\(name): \(reply.text)")
            }
            let wrongType = cases[3].1.json["error"] as? [String: Any]
            #expect(wrongType?["param"] as? String == "max_tokens")
            // Still serving.
            let ok = try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 2, "temperature": 0])
            #expect(ok.status == 200)
            #expect(ok.json.choices.count == 1)
        }
    }

    @Test func apiKeyIsRequiredExceptForHealth() async throws {
        let config = ServerConfiguration(apiKey: "sekret", modelID: "test-model")
        try await ServerHarness.with(configuration: config) { h in
            let wrong = try await h.send("/v1/models", method: "GET", key: "nope")
            #expect(wrong.status == 401)
            #expect((wrong.json["error"] as? [String: Any])?["code"] as? String == "invalid_api_key")
            var noKey = h
            noKey.apiKey = nil
            let missing = try await noKey.send("/v1/completions", json: ["prompt": "ab"])
            #expect(missing.status == 401)
            let health = try await noKey.send("/health", method: "GET")
            #expect(health.status == 200)
            let right = try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 1])
            #expect(right.status == 200)
        }
    }

    @Test func healthModelsAndTokenizerRoutes() async throws {
        try await ServerHarness.with { h in
            let health = try await h.send("/health", method: "GET")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let models = try await h.send("/v1/models", method: "GET")
            #expect(models.json["object"] as? String == "list")
            #expect((models.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["test-model"])
            let tokens = try await h.send("/tokenize", json: ["prompt": "ab cd", "add_special_tokens": false])
            let ids = try #require(tokens.json["tokens"] as? [Int])
            #expect(ids == h.model.tokenizer.encode("ab cd", addSpecial: false).map(Int.init))
            let text = try await h.send("/detokenize", json: ["tokens": ids])
            #expect(text.json["prompt"] as? String == "ab cd")
            let chat = try await h.send("/v1/chat/completions", json: ["messages": [["role": "user", "content": "ab"]]])
            #expect(chat.status == 400)  // the tiny model has no chat template
            #expect((chat.json["error"] as? [String: Any])?["code"] as? String == "no_chat_template")
            let noMessages = try await h.send("/v1/chat/completions", json: ["messages": "ab"])
            #expect(noMessages.status == 400)
            let info = try await h.send("/tokenizer_info", method: "GET")
            #expect(info.json["eos_token"] as? String == "<|endoftext|>")
        }
    }
}

/// The scheduler on its own: bounded queue, graceful drain.
@Suite("Engine service")
struct EngineServiceTests {
    @Test func fullQueueIsRefusedAnd503() async throws {
        let model = try TransformerModel(path: ServerHarness.tinyModelPath)
        let engine = EngineService(model: model, maxActiveSequences: 1, maxQueuedJobs: 2)
        let job = EngineJob(prompt: model.tokenizer.encode("ab"), maxTokens: 2)
        do {
            _ = try engine.submit([job, job, job])
            Issue.record("three jobs fit a queue of two")
        } catch {
            #expect(error.status == .serviceUnavailable)
        }
        await engine.shutdown()
    }

    @Test func int8DecodeMatchesTheEngineAndLeavesOnlyExactEntriesCached() async throws {
        let model = try TransformerModel(path: ServerHarness.tinyModelPath)
        let engine = EngineService(model: model, maxActiveSequences: 1, decodeActivations: .int8)
        let ids = model.tokenizer.encode("cd ab")
        func run(_ prompt: [Int32]) async throws -> (tokens: [Int32], cached: Int) {
            var tokens: [Int32] = [], cached = -1
            for await event in try engine.submit([EngineJob(prompt: prompt, maxTokens: 8)])[0] {
                if case .token(let t) = event { tokens.append(t.id) }
                if case .finished(_, let usage) = event { cached = usage.cachedPromptTokens }
            }
            return (tokens, cached)
        }
        let first = try await run(ids)
        // The conversation continued: only the float32 prompt is cached, not the 8-bit answer.
        let second = try await run(ids + first.tokens)
        await engine.shutdown()
        // Greedy tokens as InferenceSession.generate gives them with the same setting.
        let reference = try InferenceSession(model: model, threads: 2).generate(GenerationRequest(prompt: ids, maxTokens: 8, activations: .int8))
        #expect(first.tokens.count >= 2)
        #expect(first.tokens == Array(reference.tokens.prefix(first.tokens.count)))
        #expect(second.cached == ids.count, "cached \(second.cached) of a \(ids.count)-token prompt + \(first.tokens.count) answer tokens")
    }

    @Test func shutdownFinishesQueuedJobsThenRefusesNewOnes() async throws {
        let model = try TransformerModel(path: ServerHarness.tinyModelPath)
        let engine = EngineService(model: model, maxActiveSequences: 1)
        let ids = model.tokenizer.encode("cd ab")
        let streams = try engine.submit((0..<3).map { _ in EngineJob(prompt: ids, maxTokens: 8) })
        await engine.shutdown()
        for stream in streams {
            var finished = false
            for await event in stream { if case .finished = event { finished = true } }
            #expect(finished)
        }
        #expect(throws: APIError.self) { try engine.submit([EngineJob(prompt: ids, maxTokens: 1)]) }
    }
}
