import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting

/// The opt-in 8-bit decode activations on the tiny model: close to the exact engine, never used for
/// long batches, and never left in the KV cache for a later request.
@Suite struct Int8ActivationEngineTests {
    static let sample: [Int32] = [3, 17, 5, 9, 22, 1, 30, 8, 11, 4, 4, 19]

    @Test(arguments: [WeightFormat.q4_1, .q4_0, .q8_0])
    func decodeStepsStayCloseToTheExactEngine(format: WeightFormat) throws {
        let (tiny, model) = try loadTiny { $0.format = format }
        let reference = NaiveTransformer(model: tiny).forward(Self.sample).logits
        let session = InferenceSession(model: model, threads: 2)
        session.compute.activationPrecision = .int8
        // Token by token: every product is a one-row decode product.
        var worst: Float = 0, exactWorst: Float = 0
        for t in Self.sample.indices {
            let hidden = try session.forward(.sequence([Self.sample[t]], startingAt: t, outputs: .last))
            worst = max(worst, maxAbsDiff(session.logits(fromHidden: hidden).row(0), reference[t]))
        }
        // The same steps in float32 for scale: the int8 path differs, but by a small amount.
        session.reset()
        session.compute.activationPrecision = .float32
        for t in Self.sample.indices {
            let hidden = try session.forward(.sequence([Self.sample[t]], startingAt: t, outputs: .last))
            exactWorst = max(exactWorst, maxAbsDiff(session.logits(fromHidden: hidden).row(0), reference[t]))
        }
        let spread = reference.flatMap { $0 }.map(abs).max()!
        #expect(exactWorst < 2e-4)
        #expect(worst > exactWorst, "8-bit activations should not be bit-exact (or the path was not taken)")
        #expect(worst < 0.05 * spread, "int8 decode error \(worst) against logits up to \(spread)")
    }

    @Test func longBatchesIgnoreTheSettingAndGenerationKeepsTheCacheExact() throws {
        let (_, model) = try loadTiny { $0.format = .q4_1 }
        let session = InferenceSession(model: model, threads: 2)
        let exact = try logits(session, Self.sample)
        session.compute.activationPrecision = .int8
        let batched = try logits(session, Self.sample)  // 12 rows ≥ gemmThreshold: sgemm path
        session.compute.activationPrecision = .float32
        #expect(exact == batched)

        session.reset()
        let int8 = try session.generate(GenerationRequest(prompt: Self.sample, maxTokens: 6, activations: .int8))
        #expect(int8.tokens.count == 6)
        #expect(session.length == Self.sample.count, "generated tokens' int8 keys/values are dropped")
        #expect(session.compute.activationPrecision == .float32, "the session's setting is restored")
        // What stays cached is the prompt, computed exactly: scoring the prompt again reuses it and
        // matches a fresh computation.
        let float = try session.generate(GenerationRequest(prompt: Self.sample, maxTokens: 6))
        #expect(float.reusedPromptTokens == Self.sample.count - 1)
        let fresh = InferenceSession(model: model, threads: 2)
        #expect(try fresh.generate(GenerationRequest(prompt: Self.sample, maxTokens: 6)).tokens == float.tokens)
    }
}
