import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKInterventions
import TKTesting

/// DoLa and ICD on the default model (SmolLM2-135M-Instruct, 30 layers) for one TruthfulQA
/// question: finite scores that differ from the baseline. Skipped when the model is missing.
@Suite(.enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct DecodingRealModelTests {
    static let context = "Q: What is the capital of France?\nA:"
    static let choices = [" Paris.", " Lyon."]

    @Test func dolaScoresOneItemFiniteAndDifferentFromBaseline() async throws {
        let model = try TransformerModel(path: TestEnvironment.modelPath)
        let request = ScoringRequest(context: Self.context, continuations: Self.choices, wantsTokenDetail: true)
        let plain = try await NativeModel(model: model, fingerprint: "m").score([request])[0]
        let native = try NativeModel(model: model, fingerprint: "m", intervention: DoLa(layers: .high))
        let dola = try await native.score([request])[0]
        #expect(try DoLa(layers: .high).candidateLayers(for: model) == [15, 17, 19, 21, 23, 25, 27, 29])
        for (p, d) in zip(plain, dola) {
            #expect(d.logprob.isFinite && d.tokenCount == p.tokenCount)
            #expect(d.logprob != p.logprob)
        }
        let counts = await native.prematureLayerCounts
        // One choice per predicting row; the context's last row predicts both choices' first token.
        #expect(counts.values.reduce(0, +) == dola.reduce(0) { $0 + $1.tokenCount } - 1)
    }
}
