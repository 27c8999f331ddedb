import Foundation
import Testing
import TKEngine
import TKTesting

/// Gemma 3 270M (Q4_K_M) against ../shared/reference/gemma-3-270m-q4_k_m.texts.json: transformers
/// float32 on the same dequantised weights. Token ids must be identical (BOS first) and every
/// per-token log-probability within 0.02 nats — the default model's target, for a second family.
@Suite(.enabled(if: TestEnvironment.gemma3Available, Comment(rawValue: TestEnvironment.missingGemma3Message)))
struct Gemma3ReferenceParityTests {
    static let model: TransformerModel? = try? TransformerModel(path: TestEnvironment.gemma3Path)

    @Test func tokenIdsAndLogprobsMatchFloat32Reference() throws {
        let model = try #require(Self.model)
        #expect(model.config.architecture == "gemma3")
        let items = try ReferenceParityTests.load("gemma-3-270m-q4_k_m.texts.json")
        #expect(items.count == 10)
        let session = InferenceSession(model: model, threads: 2)
        var worst = 0.0
        for (i, item) in items.enumerated() {
            let text = try #require(item.text)
            let ids = model.tokenizer.encode(text, addSpecial: true, parseSpecial: item.parse_special ?? false)
            #expect(ids == item.token_ids, "item \(i): token ids differ")
            #expect(ids.first == 2, "item \(i): Gemma adds BOS (id 2)")
            let reference = try #require(item.token_logprobs["hf_fp32"])
            let got = try session.scoreSequence(item.token_ids)
            #expect(got.count == reference.count)
            var itemWorst = 0.0
            for (a, b) in zip(got, reference) { itemWorst = max(itemWorst, abs(Double(a) - b)) }
            #expect(itemWorst < ReferenceParityTests.tolerance, "item \(i): max abs log-prob difference \(itemWorst) nats")
            worst = max(worst, itemWorst)
        }
        print("Gemma 3 270M: max abs log-prob difference to hf_fp32 \(worst) nats")
    }
}
