import Foundation
import Testing
import TKEngine
import TKGGUF
import TKTesting

/// A model with one damaged weight must fail with `.damagedModel` naming where the numbers went
/// non-finite, in scoring and in generation, instead of printing NaN or an empty answer.
@Suite struct NonFiniteTests {
    static let tokens: [Int32] = [3, 17, 5, 9, 22, 1]

    /// The tiny model with element `index` of tensor `name` (F32) replaced by `value`, loaded.
    private func damaged(_ name: String, index: Int = 5, value: Float, tied: Bool = true) throws -> TransformerModel {
        var config = TinyModel.Config()
        config.tiedEmbedding = tied
        var bytes = TinyModel(config: config).bytes
        let info = try #require(try GGUFFile(bytes: bytes).tensor(named: name))
        let at = info.fileOffset + 4 * index
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value.bitPattern >> (8 * i)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TransformerModel(path: path)
    }

    private func expectDamaged(mentioning fragments: [String], _ body: () throws -> Void,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("ran without an error", sourceLocation: sourceLocation)
        } catch let e as EngineError {
            #expect(e.code == .damagedModel, "\(e)", sourceLocation: sourceLocation)
            #expect(e.message.contains("damaged"), "\(e)", sourceLocation: sourceLocation)
            for f in fragments { #expect(e.message.contains(f), "\(e)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        ("blk.1.ffn_down.weight", Float.nan, "layer 1"),
        ("blk.0.attn_q.weight", Float.nan, "layer 0"),
        ("blk.1.attn_v.weight", Float.infinity, "layer 1"),
        ("blk.0.ffn_up.weight", -Float.infinity, "layer 0"),
    ])
    func scoringNamesTheFirstLayerThatWentNonFinite(name: String, value: Float, layer: String) throws {
        let model = try damaged(name, value: value)
        let session = InferenceSession(model: model)
        expectDamaged(mentioning: [layer, "blk."]) { _ = try session.scoreSequence(Self.tokens) }
        // The cache does not keep the bad positions.
        #expect(session.length == 0)
    }

    @Test func generationFailsInsteadOfStoppingSilently() throws {
        let model = try damaged("blk.1.ffn_gate.weight", value: .nan)
        let session = InferenceSession(model: model)
        expectDamaged(mentioning: ["layer 1"]) {
            _ = try session.generate(GenerationRequest(prompt: Self.tokens, maxTokens: 4))
        }
    }

    @Test func damagedOutputHeadIsReportedByScoringAndGeneration() throws {
        let model = try damaged("output.weight", index: 7 * 32 + 3, value: .nan, tied: false)
        let session = InferenceSession(model: model)
        expectDamaged(mentioning: ["output.weight"]) { _ = try session.scoreSequence(Self.tokens) }
        expectDamaged(mentioning: ["output.weight"]) {
            _ = try session.generate(GenerationRequest(prompt: Self.tokens, maxTokens: 4))
        }
    }

    @Test func damagedEmbeddingRowNamesTheToken() throws {
        // Row 17 of the embedding (32 values per row) is read for token 17.
        let model = try damaged("token_embd.weight", index: 17 * 32 + 1, value: .infinity)
        let session = InferenceSession(model: model)
        expectDamaged(mentioning: ["token_embd.weight", "token 17"]) { _ = try session.scoreSequence(Self.tokens) }
    }

    /// The checks must not reject a healthy model, and scores stay what they were.
    @Test func intactModelStillScoresFinitely() throws {
        let (_, model) = try loadTiny()
        let lps = try InferenceSession(model: model).scoreSequence(Self.tokens)
        #expect(lps.count == Self.tokens.count - 1)
        #expect(lps.allSatisfy { $0.isFinite && $0 <= 0 })
    }
}
