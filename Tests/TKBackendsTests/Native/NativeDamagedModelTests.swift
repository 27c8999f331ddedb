import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKGGUF
import TKTesting

/// Multiple-choice scoring through the native backend on a model with one damaged weight fails
/// with `.damagedModel` instead of returning NaN log-likelihoods that would score as numbers.
@Suite struct NativeDamagedModelTests {
    private func damagedModel(_ tensor: String, element: Int) throws -> TransformerModel {
        var config = TinyModel.Config()
        config.tiedEmbedding = false
        var bytes = TinyModel(config: config).bytes
        let info = try #require(try GGUFFile(bytes: bytes).tensor(named: tensor))
        GGUFBytes.patch(&bytes, at: info.fileOffset + 4 * element, Float.nan.bitPattern)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nan-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TransformerModel(path: path)
    }

    @Test(arguments: [("blk.0.ffn_down.weight", 9, "layer 0"), ("output.weight", 3 * 32 + 1, "output.weight")])
    func scoringADamagedModelThrowsNamingThePlace(tensor: String, element: Int, place: String) async throws {
        let native = NativeModel(model: try damagedModel(tensor, element: element), threads: 1, fingerprint: "damaged")
        let request = ScoringRequest(context: "ab cd", continuations: [" ab", " cd"])
        do {
            let scores = try await native.score([request])
            Issue.record("scored \(scores) instead of failing")
        } catch let e as EngineError {
            #expect(e.code == .damagedModel)
            #expect(e.message.contains(place) && e.message.contains("damaged"), "\(e)")
        }
    }
}
