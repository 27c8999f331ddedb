import Foundation
import Testing
import TKBackends
import TKBenchmarks
import TKEngine
import TKEvalCore
import TKEvaluation
import TKServer
import TKTesting

/// Both halves of the OpenAI-compatible API checked against each other over real HTTP on
/// 127.0.0.1: TruthKit's client (`OpenAIModel`) scoring through `truthkit serve`'s engine gives the
/// MC1/MC2 the native backend gives on the same items, to 1e-6.
@Suite("Client against server (default model)", .enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct ClientServerAgreementTests {
    /// The first 20 TruthfulQA questions with the `null` preset (short contexts keep the
    /// from-scratch server scoring fast in a debug build), plus one with the full `qa` primer.
    /// The aggregate MC1/MC2 must agree to 1e-6; single items to 1e-5, since the native backend
    /// scores choices in shared-prefix branch batches and the server each text from scratch, so
    /// float32 sums are rounded in a different order.
    @Test func openAIClientAgainstServerEqualsNativeBackend() async throws {
        let dataset = try TruthfulQADataset.loadMultipleChoiceJSONL(
            path: TestEnvironment.sharedDirectory.appendingPathComponent("data/truthfulqa/mc_en.jsonl").path)
        let native = try NativeModel.load(path: TestEnvironment.modelPath)
        try await ServerHarness.with(modelPath: TestEnvironment.modelPath,
                                     configuration: ServerConfiguration(modelID: "smollm2")) { h in
            let client = try await OpenAIModel.connect(OpenAIConfiguration(endpoints: [h.baseURL.appendingPathComponent("v1")],
                                                                           model: "smollm2", concurrency: 4))
            do {
                for (preset, count) in [(PromptPreset.null, 20), (.qa, 1)] {
                    let items = Array(dataset.items.prefix(count))
                    let task = TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: preset))
                    var local: [MultipleChoiceItemResult] = [], remote: [MultipleChoiceItemResult] = []
                    for item in items {
                        local.append(try await task.evaluate(item, model: native))
                        remote.append(try await task.evaluate(item, model: client))
                    }
                    for (a, b) in zip(local, remote) {
                        #expect(a.mc1.choices == b.mc1.choices)
                        for metric in ["mc1", "mc2", "mc3"] {
                            #expect(abs(a.metrics[metric]! - b.metrics[metric]!) <= 1e-5, "\(preset) item \(a.index) \(metric)")
                        }
                        // The per-choice log-likelihoods themselves agree to float32 rounding.
                        for (x, y) in zip(a.mc2.scores, b.mc2.scores) { #expect(abs(x - y) <= 1e-3, "item \(a.index)") }
                    }
                    let s1 = try task.summarize(local), s2 = try task.summarize(remote)
                    #expect(abs(s1.metrics["mc1"]!.mean - s2.metrics["mc1"]!.mean) <= 1e-6)
                    #expect(abs(s1.metrics["mc2"]!.mean - s2.metrics["mc2"]!.mean) <= 1e-6)
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// Characters split over several byte-level tokens (an emoji, a ZWJ sequence, accents): the
    /// server shows the partial tokens with U+FFFD at the offset of their character, and the
    /// client's echo check must accept that and score what the native backend scores.
    @Test func partialCharacterTokensPassTheEchoCheckAndAgree() async throws {
        let native = try NativeModel.load(path: TestEnvironment.modelPath)
        let request = ScoringRequest(context: "Q: Caf\u{E9} or \u{1F469}\u{200D}\u{1F4BB}?\nA:", continuations: [" \u{1F95B} lait", " Se\u{F1}or \u{1F600}"])
        let local = try await native.score([request])
        try await ServerHarness.with(modelPath: TestEnvironment.modelPath, configuration: ServerConfiguration(modelID: "smollm2")) { h in
            let client = try await OpenAIModel.connect(OpenAIConfiguration(endpoints: [h.baseURL.appendingPathComponent("v1")], model: "smollm2"))
            let remote: [[ContinuationScore]]
            do {
                remote = try await client.score([request])
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
            // The case is real: the server's echo holds partial-character tokens.
            let echo = try await h.send("/v1/completions", json: [
                "model": "smollm2", "prompt": request.context + request.continuations[0], "max_tokens": 0, "echo": true, "logprobs": 1,
            ])
            let tokens = ((echo.json.choices.first?["logprobs"] as? [String: Any])?["tokens"] as? [String]) ?? []
            #expect(tokens.contains { $0.contains("\u{FFFD}") }, "\(tokens)")
            for (a, b) in zip(local[0], remote[0]) {
                #expect(abs(a.logprob - b.logprob) <= 1e-3, "native \(a.logprob), through the server \(b.logprob)")
                #expect(a.tokenCount == b.tokenCount)
            }
        }
    }
}
