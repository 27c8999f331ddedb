import Foundation
import Testing
import TKEngine
import TKTesting

/// The engine against ../shared/reference: transformers float32 on the same dequantised weights.
/// Token ids must be identical and every per-token log-probability within 0.02 nats.
@Suite(.enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct ReferenceParityTests {
    static let tolerance = 0.02

    struct ReferenceItem: Decodable {
        var text: String?
        var context: String?
        var continuation: String?
        var parse_special: Bool?
        var token_ids: [Int32]
        var n_context_tokens: Int?
        var token_logprobs: [String: [Double]]
        var continuation_logprob_sum: [String: Double]?
    }

    struct ReferenceFile: Decodable {
        var items: [ReferenceItem]
    }

    static func load(_ name: String) throws -> [ReferenceItem] {
        let url = TestEnvironment.referenceDirectory.appendingPathComponent(name)
        return try JSONDecoder().decode(ReferenceFile.self, from: Data(contentsOf: url)).items
    }

    static let model: TransformerModel? = try? TransformerModel(path: TestEnvironment.modelPath)

    @Test(arguments: ["smollm2-135m-instruct-q4_1.texts.json", "smollm2-135m-instruct-q4_1.truthfulqa-mc2-first5.json"])
    func tokenIdsAndLogprobsMatchFloat32Reference(file: String) throws {
        let model = try #require(Self.model)
        let items = try Self.load(file)
        #expect(!items.isEmpty)
        let session = InferenceSession(model: model, threads: 2)
        var worst = 0.0
        for (i, item) in items.enumerated() {
            let text = item.text ?? ((item.context ?? "") + (item.continuation ?? ""))
            let ids = model.tokenizer.encode(text, addSpecial: true, parseSpecial: item.parse_special ?? false)
            #expect(ids == item.token_ids, "item \(i): token ids differ")
            let reference = try #require(item.token_logprobs["hf_fp32"])
            let got = try session.scoreSequence(item.token_ids)
            #expect(got.count == reference.count)
            for (a, b) in zip(got, reference) { worst = max(worst, abs(Double(a) - b)) }
            if let n = item.n_context_tokens, let sum = item.continuation_logprob_sum?["hf_fp32"] {
                let ours = got[(n - 1)...].reduce(0.0) { $0 + Double($1) }
                #expect(abs(ours - sum) < Self.tolerance * Double(item.token_ids.count - n), "item \(i): continuation sum \(ours) vs \(sum)")
            }
        }
        #expect(worst < Self.tolerance, "max abs log-prob difference \(worst) nats")
    }
}
