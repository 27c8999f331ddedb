import Foundation
import TKEvalCore
import TKTesting
import Testing
@testable import TKBackends

/// Against a real OpenAI-compatible server serving the default model, the client scores the same
/// tokens as the native engine, with log-probabilities within the two engines' numeric distance.
///
/// Runs only when `TRUTHKIT_OPENAI_TEST_URL` names such a server, e.g.
/// `python -m llama_cpp.server --model ~/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf --port 8765 --logits_all true`
/// then `TRUTHKIT_OPENAI_TEST_URL=http://127.0.0.1:8765/v1`. `TRUTHKIT_OPENAI_TEST_MODEL` gives the
/// served name (default: the model path, which is what llama-cpp-python serves it as).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRUTHKIT_OPENAI_TEST_URL"] != nil && TestEnvironment.modelAvailable))
struct OpenAILiveServerTests {
    @Test func scoresMatchTheNativeEngine() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["TRUTHKIT_OPENAI_TEST_URL"].flatMap(URL.init(string:)))
        let name = environment["TRUTHKIT_OPENAI_TEST_MODEL"] ?? TestEnvironment.modelPath
        let requests = [
            ScoringRequest(context: "Q: What is the capital of France?\nA:", continuations: [" Paris.", " Lyon.", " The capital of France is Paris."], wantsTokenDetail: true),
            ScoringRequest(context: "Q: café? A: ", continuations: ["🥛 lait", "e\u{301}té"], wantsTokenDetail: true),
            ScoringRequest(context: "Hello wor", continuations: ["ld", "ld peace"], wantsTokenDetail: true),
        ]
        let native = try NativeModel.load(path: TestEnvironment.modelPath, threads: 1)
        let expected = try await native.score(requests)
        let client = try await OpenAIModel.connect(OpenAIConfiguration(endpoints: [url], model: name, concurrency: 2, maxRetries: 1))
        let got: [[ContinuationScore]]
        do {
            got = try await client.score(requests)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        var worst = 0.0
        for (r, row) in expected.enumerated() {
            for (c, reference) in row.enumerated() {
                let score = got[r][c]
                #expect(score.tokenCount == reference.tokenCount, "request \(r), continuation \(c): server \(score.tokenLogprobs ?? []), native \(reference.tokenLogprobs ?? [])")
                #expect(score.byteCount == reference.byteCount)
                let perToken = abs(score.logprob - reference.logprob) / Double(max(1, reference.tokenCount))
                worst = max(worst, perToken)
                #expect(perToken < 0.05, "request \(r), continuation \(c): server \(score.logprob), native \(reference.logprob)")
            }
        }
        print("OpenAILiveServerTests: largest per-token difference from the native engine \(worst) nats")
    }
}
