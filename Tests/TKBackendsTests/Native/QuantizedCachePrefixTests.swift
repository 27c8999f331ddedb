import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKKernels
import TKTesting

/// The native scorer keeps the primer as a checkpoint between requests and branches every
/// request's continuations off the shared question prefix. Under a quantised KV cache (KIVI's
/// residual window sits at different places for the primer, the question and each branch) the
/// scores must still be those of each whole sequence scored from an empty cache.
@Suite struct QuantizedCachePrefixTests {
    @Test(arguments: ["kivi", "q8_0"])
    func primerCheckpointAndBranchesScoreAsFromScratch(format name: String) async throws {
        var config = TinyModel.Config()
        config.contextLength = 128
        let path = try TinyModel(config: config, seed: 9).writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let format: KVCacheFormat = name == "kivi" ? .kivi(.init(bits: 2, group: 4, residual: 8)) : .q8_0
        let options = InferenceOptions(kvCache: format)
        // The float32 keys and values of a row differ by a few ulps between batch shapes (the
        // primer, question and branches run as separate batches, from scratch as one); Q8_0's 255
        // levels turn such a difference into a whole code step now and then (measured: one
        // continuation in five moved by 3.5e-4 nats). KIVI's 2-bit steps are far wider than an ulp.
        let tolerance = name == "kivi" ? 1e-4 : 2e-3
        let transformer = try TransformerModel(path: path)
        let native = try NativeModel(model: transformer, fingerprint: "tiny", intervention: nil, options: options)
        let primer = "ab cd ab cd abba cd. ab, cd! "
        let requests = [
            ScoringRequest(context: primer + "abc?", continuations: [" ab", " cd ab", " ba ba cd"], sharedPrefix: primer),
            ScoringRequest(context: primer + "cab ab?", continuations: [" dc", " ab ab ab ab"], sharedPrefix: primer),
        ]
        let scored = try await native.score(requests)
        let tok = transformer.tokenizer
        for (r, request) in requests.enumerated() {
            for (c, continuation) in request.continuations.enumerated() {
                // From scratch: the whole text in a fresh session, the continuation's tokens summed.
                let whole = tok.encodePrompt(request.context + continuation)
                let context = tok.encodePrompt(request.context)
                #expect(Array(whole.prefix(context.count)) == context)
                let lps = try InferenceSession(model: transformer, options: options).scoreSequence(whole)
                let expected = lps[(context.count - 1)...].reduce(0) { $0 + Double($1) }
                #expect(abs(scored[r][c].logprob - expected) < tolerance, "request \(r) choice \(c): \(scored[r][c].logprob) vs \(expected)")
            }
        }
        // The format matters on these lengths (so the comparison above is not vacuous).
        let plain = try await NativeModel(model: transformer, fingerprint: "tiny", intervention: nil).score(requests)
        let moved = zip(plain.flatMap { $0 }, scored.flatMap { $0 }).map { abs($0.logprob - $1.logprob) }.max()!
        #expect(moved > 1e-4, "the cache format changed no score (largest change \(moved))")
    }
}
