import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting

/// Tiny random-weight models of each family against transformers' float32 log-probabilities.
///
/// The fixtures in Tests/Fixtures/families come from scripts/families/make_fixtures.py: a
/// transformers model built from a config (2 layers, width 64, 64 tokens, weights rounded to
/// float16), written as GGUF the way llama.cpp's converter writes it, with transformers 5.24's
/// log-softmax over the whole vocabulary at each of 16 positions. The engine must agree within
/// 1e-3 nats everywhere — what separates a right implementation of soft-capping, QK-norm, fused
/// projections, sliding windows or RoPE scaling from a wrong one is far more than that.
struct FamilyFixtureTests {
    static let tolerance = 1e-3
    static let directory = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/families")

    struct Fixture: Decodable {
        var family: String
        var token_ids: [Int32]
        var logprobs: [[Double]]
        var notes: String
    }

    @Test(arguments: ["gemma2-tiny", "gemma3-tiny", "qwen3-tiny", "phi3-tiny", "mistral-window5-tiny",
                      "mistral-window64-tiny", "llama3-ropescaling-tiny"])
    func logprobsMatchTransformers(name: String) throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.directory.appendingPathComponent(name + ".json")))
        let model = try TransformerModel(path: Self.directory.appendingPathComponent(name + ".gguf").path)
        #expect(model.config.architecture == fixture.family)
        let session = InferenceSession(model: model, threads: 2)
        let tokens = fixture.token_ids
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all))
        var worst = 0.0
        try session.forEachLogitChunk(hidden) { logits, lse, start in
            for i in 0..<logits.rows {
                let expected = fixture.logprobs[start + i]
                #expect(expected.count == logits.cols)
                for j in 0..<logits.cols { worst = max(worst, abs(Double(logits[i, j] - lse[i]) - expected[j])) }
            }
        }
        #expect(worst < Self.tolerance, "\(name) (\(fixture.notes)): max abs log-prob difference \(worst) nats")
        print("\(name): max abs log-prob difference to transformers \(worst) nats")
    }

    /// Decoding one token at a time through the cache (the decode path of the attention kernel,
    /// with the window applied against cached positions) gives the same numbers as the batch.
    @Test(arguments: ["gemma2-tiny", "mistral-window5-tiny"])
    func tokenByTokenDecodeMatchesTheBatch(name: String) throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.directory.appendingPathComponent(name + ".json")))
        let model = try TransformerModel(path: Self.directory.appendingPathComponent(name + ".gguf").path)
        let session = InferenceSession(model: model, threads: 2)
        var worst = 0.0
        for (t, token) in fixture.token_ids.enumerated() {
            let hidden = try session.forward(.sequence([token], startingAt: t, outputs: .last))
            let logits = session.logits(fromHidden: hidden)
            let lse = Elementwise.logSumExp(logits)
            for j in 0..<logits.cols { worst = max(worst, abs(Double(logits[0, j] - lse[0]) - fixture.logprobs[t][j])) }
        }
        #expect(worst < Self.tolerance, "\(name): token-by-token max abs difference \(worst) nats")
    }
}
