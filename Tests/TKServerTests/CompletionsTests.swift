import Foundation
import Testing
import TKEngine
import TKServer
import TKTesting

/// `/v1/completions` against the tiny random model: numbers must equal the engine's own.
@Suite("Completions (tiny model)")
struct CompletionsTests {
    @Test func echoLogprobsEqualScoreSequence() async throws {
        try await ServerHarness.with { h in
            let prompt = "abc cd ab, ba! dcba"
            let reply = try await h.send("/v1/completions", json: [
                "model": "test-model", "prompt": prompt, "max_tokens": 0, "echo": true, "logprobs": 3,
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let choice = try #require(reply.json.choices.first)
            #expect(choice["text"] as? String == prompt)
            #expect(choice["finish_reason"] as? String == "length")
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            let served = try #require(logprobs["token_logprobs"] as? [Any])
            let ids = h.model.tokenizer.encode(prompt)
            let expected = try InferenceSession(model: h.model).scoreSequence(ids)
            #expect(served.count == ids.count)
            #expect(served.first is NSNull)
            for (j, lp) in expected.enumerated() {
                #expect((served[j + 1] as? Double).map(Float.init) == lp, "token \(j + 1)")
            }
            // Each position's alternatives: 3 of them, the best at least as likely as the token.
            let tops = try #require(logprobs["top_logprobs"] as? [Any])
            for (j, top) in tops.enumerated().dropFirst() {
                let alts = try #require(top as? [String: Double])
                #expect(alts.count >= 1 && alts.count <= 3)
                #expect(alts.values.max()! >= (served[j] as! Double))
            }
            let tokens = try #require(logprobs["tokens"] as? [String])
            #expect(tokens.joined() == prompt)
            let offsets = try #require(logprobs["text_offset"] as? [Int])
            #expect(offsets == tokens.indices.map { tokens[..<$0].joined().unicodeScalars.count })
            let usage = try #require(reply.json["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == ids.count)
            #expect(usage["completion_tokens"] as? Int == 0)
        }
    }

    @Test func echoWithOneGeneratedTokenAsLmEvalAsks() async throws {
        try await ServerHarness.with { h in
            let ids = h.model.tokenizer.encode("ab cd")
            let reply = try await h.send("/v1/completions", json: [
                "prompt": ids.map(Int.init), "max_tokens": 1, "echo": true, "logprobs": 1, "temperature": 0, "seed": 1234,
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let lp = try #require(reply.json.choices.first?["logprobs"] as? [String: Any])
            let served = try #require(lp["token_logprobs"] as? [Any])
            // Prompt tokens then the one generated token (unless it is end-of-text, which is not listed).
            let generated = try await ServerHarness.greedy(h.model, ids, maxTokens: 1)
            let listed = generated.tokens.filter { !h.model.tokenizer.isEndOfGeneration($0) }
            #expect(served.count == ids.count + listed.count)
            let expected = try InferenceSession(model: h.model).scoreSequence(ids)
            for (j, v) in expected.enumerated() { #expect((served[j + 1] as? Double).map(Float.init) == v) }
            if let last = listed.first {
                #expect((served.last as? Double).map(Float.init) == generated.tokenLogprobs[0])
                #expect((lp["tokens"] as? [String])?.last == h.model.tokenizer.tokenText(last))
            }
        }
    }

    @Test(arguments: [(0.0, 1.0, UInt64(0)), (0.9, 0.8, UInt64(99)), (1.3, 1.0, UInt64(5))])
    func generationEqualsEngineGenerate(temperature: Double, topP: Double, seed: UInt64) async throws {
        try await ServerHarness.with { h in
            let prompt = "ab cd ba"
            let reply = try await h.send("/v1/completions", json: [
                "prompt": prompt, "max_tokens": 20, "temperature": temperature, "top_p": topP, "seed": seed,
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let session = InferenceSession(model: h.model)
            let expected = try session.generate(GenerationRequest(
                prompt: h.model.tokenizer.encode(prompt), maxTokens: 20,
                sampling: SamplingSettings(temperature: temperature, topP: topP, seed: seed)))
            let choice = try #require(reply.json.choices.first)
            #expect(choice["text"] as? String == expected.text)
            #expect(choice["finish_reason"] as? String == (expected.finishReason == .length ? "length" : "stop"))
            #expect((reply.json["usage"] as? [String: Any])?["completion_tokens"] as? Int == expected.tokens.count)
        }
    }

    @Test func stopStringsEndTheTextAsTheEngineDoes() async throws {
        try await ServerHarness.with { h in
            let ids = h.model.tokenizer.encode("cd ab")
            let free = try await ServerHarness.greedy(h.model, ids, maxTokens: 24)
            // Stop on a piece of what greedy decoding produces anyway, so the stop must trigger.
            let text = free.text
            try #require(text.count >= 4, "greedy text too short to test stops: \(text.debugDescription)")
            let stop = String(text.dropFirst(2).prefix(2))
            let reply = try await h.send("/v1/completions", json: ["prompt": "cd ab", "max_tokens": 24, "temperature": 0, "stop": [stop]])
            let choice = try #require(reply.json.choices.first)
            let cut = try await ServerHarness.greedy(h.model, ids, maxTokens: 24, stops: [stop])
            #expect(choice["text"] as? String == cut.text)
            #expect(choice["finish_reason"] as? String == "stop")
            #expect(!(choice["text"] as? String ?? stop).contains(stop))
        }
    }

    @Test func streamReassemblesToTheSameText() async throws {
        try await ServerHarness.with { h in
            let body: [String: Any] = ["prompt": "ba dc", "max_tokens": 24, "temperature": 0.8, "seed": 11, "logprobs": 2]
            let plain = try await h.send("/v1/completions", json: body)
            var streamed = body
            streamed["stream"] = true
            streamed["stream_options"] = ["include_usage": true]
            let reply = try await h.send("/v1/completions", json: streamed)
            #expect(reply.status == 200)
            #expect(reply.contentType?.hasPrefix("text/event-stream") == true)
            let (events, done) = ServerHarness.events(reply)
            #expect(done)
            let choices = events.flatMap(\.choices)
            let text = choices.compactMap { $0["text"] as? String }.joined()
            let plainChoice = try #require(plain.json.choices.first)
            #expect(text == plainChoice["text"] as? String)
            let streamedLogprobs = choices.compactMap { ($0["logprobs"] as? [String: Any])?["token_logprobs"] as? [Double] }.flatMap { $0 }
            // Equal to float32 rounding: the second request may reuse the first one's cached prefix,
            // so its last prompt token runs in a smaller batch and rounds differently.
            let plainLogprobs = try #require((plainChoice["logprobs"] as? [String: Any])?["token_logprobs"] as? [Double])
            #expect(streamedLogprobs.count == plainLogprobs.count)
            #expect(zip(streamedLogprobs, plainLogprobs).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(choices.last?["finish_reason"] as? String == plainChoice["finish_reason"] as? String)
            #expect((events.last?["usage"] as? [String: Any])?["completion_tokens"] as? Int
                    == (plain.json["usage"] as? [String: Any])?["completion_tokens"] as? Int)
        }
    }

    @Test func listPromptGivesOneChoicePerPrompt() async throws {
        try await ServerHarness.with { h in
            let prompts = ["ab", "cd cd", "ba, dc!"]
            let reply = try await h.send("/v1/completions", json: ["prompt": prompts, "max_tokens": 6, "temperature": 0])
            #expect(reply.status == 200, "\(reply.text)")
            let choices = reply.json.choices
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2])
            for (i, p) in prompts.enumerated() {
                let single = try await h.send("/v1/completions", json: ["prompt": p, "max_tokens": 6, "temperature": 0])
                #expect(choices[i]["text"] as? String == single.json.choices.first?["text"] as? String)
            }
            let tokenLists = prompts.map { h.model.tokenizer.encode($0).map(Int.init) }
            let byIDs = try await h.send("/v1/completions", json: ["prompt": tokenLists, "max_tokens": 6, "temperature": 0])
            #expect(byIDs.json.choices.map { $0["text"] as? String } == choices.map { $0["text"] as? String })
        }
    }

    @Test func concurrentRequestsAllSucceedWithTheirOwnResults() async throws {
        try await ServerHarness.with(maxActiveSequences: 3) { h in
            let prompts = (0..<12).map { i in ["ab", "cd", "ba", "dc"][i % 4] + String(repeating: " ab", count: i % 5) }
            let replies = try await withThrowingTaskGroup(of: (Int, ServerHarness.Reply).self) { group in
                for (i, p) in prompts.enumerated() {
                    group.addTask {
                        (i, try await h.send("/v1/completions", json: ["prompt": p, "max_tokens": 10, "temperature": 0, "echo": i % 2 == 0, "logprobs": 1]))
                    }
                }
                var out: [Int: ServerHarness.Reply] = [:]
                for try await (i, r) in group { out[i] = r }
                return out
            }
            for (i, p) in prompts.enumerated() {
                let reply = try #require(replies[i])
                #expect(reply.status == 200)
                let expected = try await ServerHarness.greedy(h.model, h.model.tokenizer.encode(p), maxTokens: 10)
                let text = reply.json.choices.first?["text"] as? String
                #expect(text == (i % 2 == 0 ? p : "") + expected.text)
            }
            #expect(h.engine.load.completed >= prompts.count)
        }
    }

    @Test func cachedPrefixIsNotRecomputed() async throws {
        try await ServerHarness.with(maxActiveSequences: 1) { h in
            let prompt = String(repeating: "ab cd ", count: 6)
            let first = try await h.send("/v1/completions", json: ["prompt": prompt, "max_tokens": 3, "temperature": 0])
            let second = try await h.send("/v1/completions", json: ["prompt": prompt + "ba", "max_tokens": 3, "temperature": 0])
            func cached(_ r: ServerHarness.Reply) -> Int? {
                ((r.json["usage"] as? [String: Any])?["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
            }
            #expect(cached(first) == 0)
            let promptTokens = h.model.tokenizer.encode(prompt).count
            #expect((cached(second) ?? 0) >= promptTokens - 1)
            // Reuse changes nothing in the answer.
            let expected = try await ServerHarness.greedy(h.model, h.model.tokenizer.encode(prompt + "ba"), maxTokens: 3)
            #expect(second.json.choices.first?["text"] as? String == expected.text)
        }
    }
}

extension ServerHarness {
    /// What the engine itself generates from an empty cache.
    static func greedy(_ model: TransformerModel, _ ids: [Int32], maxTokens: Int, stops: [String] = []) async throws -> GenerationResult {
        try InferenceSession(model: model).generate(GenerationRequest(prompt: ids, maxTokens: maxTokens, stopSequences: stops))
    }
}
