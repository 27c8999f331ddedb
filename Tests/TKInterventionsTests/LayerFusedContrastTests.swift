import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKInterventions
import TKTesting

/// LOL on the tiny fixture: the neutral setting is the baseline bit for bit, weight 0 is ICD bit
/// for bit, and the fused scores and greedy tokens match a naive recomputation (NaiveTransformer,
/// no engine code) of (e_N − β·a_N) + ω·mean_l(e_l − β·a_l) with e/a the expert's and the
/// amateur's log-softmax of each layer projected through the output head.
@Suite struct LayerFusedContrastTests {
    static let request = ScoringRequest(context: tinyContext, continuations: tinyContinuations, wantsTokenDetail: true, sharedPrefix: tinyPrimer)
    static let rewrite = PromptRewrite.prefix("zz yy xx. ", label: "test")

    @Test func neutralSettingReproducesTheBaselineBitForBit() async throws {
        let (_, model) = try tinyModel()
        let plain = try await NativeModel(model: model, fingerprint: "t").score([Self.request, Self.request])
        let lol = LayerFusedContrast(rewrite: Self.rewrite, lowerLayers: [1, 2], weight: 0, beta: 0)
        let scores = try await NativeModel(model: model, fingerprint: "t", intervention: lol).score([Self.request, Self.request])
        for (a, b) in zip(plain.joined(), scores.joined()) {
            #expect(a.logprob == b.logprob)
            #expect(a.tokenLogprobs == b.tokenLogprobs)
            #expect(a.isGreedy == b.isGreedy)
        }
        let request = TextGenerationRequest(prompt: "ab cd ef", maxTokens: 8)
        let off = LayerFusedContrast(rewrite: Self.rewrite, lowerLayers: [1, 2], weight: 0, beta: 0, alpha: 0)
        #expect(try await NativeModel(model: model, fingerprint: "t", intervention: off).generate(request)
                == (try await NativeModel(model: model, fingerprint: "t").generate(request)))
    }

    @Test func weightZeroIsInduceThenContrastBitForBit() async throws {
        let (_, model) = try tinyModel()
        let icd = ContrastiveDecoding.induced(Self.rewrite, beta: 0.7)
        let lol = LayerFusedContrast(rewrite: Self.rewrite, lowerLayers: [2], weight: 0, beta: 0.7)
        let a = try await NativeModel(model: model, fingerprint: "t", intervention: icd).score([Self.request])[0]
        let b = try await NativeModel(model: model, fingerprint: "t", intervention: lol).score([Self.request])[0]
        #expect(a.map(\.tokenLogprobs) == b.map(\.tokenLogprobs))
    }

    /// log-softmax rows of the final layer and of `layers` at sequence row `row` (layer 0 = the
    /// token embedding, l ≥ 1 = the residual after block l − 1), from the naive forward.
    static func naiveRows(_ tiny: TinyModel, _ tokens: [Int32], row: Int, layers: [Int], norm: Bool) -> [[Double]] {
        let (logits, residuals) = NaiveTransformer(model: tiny).forward(tokens)
        let dim = tiny.config.dim
        return [naiveLogSoftmax(logits[row])] + layers.map { l in
            let hidden = l == 0 ? Array(tiny.weights["token_embd.weight"]![(Int(tokens[row]) * dim)..<((Int(tokens[row]) + 1) * dim)])
                                : residuals[l - 1][row]
            return naiveLogSoftmax(naiveHead(tiny, hidden, norm: norm))
        }
    }

    static func naiveFused(_ e: [[Double]], _ a: [[Double]], _ t: Int, beta: Double, weight: Double) -> Double {
        let c = (0..<e.count).map { e[$0][t] - beta * a[$0][t] }
        return c[0] + weight * c.dropFirst().reduce(0, +) / Double(c.count - 1)
    }

    @Test(arguments: [DoLa.PrematureNorm.none, .final])
    func scoresMatchANaiveRecomputation(norm: DoLa.PrematureNorm) async throws {
        let (tiny, model) = try tinyModel()
        let layers = [0, 2], beta = 0.5, weight = 0.7
        let lol = LayerFusedContrast(rewrite: Self.rewrite, lowerLayers: layers, weight: weight, norm: norm, beta: beta)
        let scores = try await NativeModel(model: model, fingerprint: "t", intervention: lol).score([Self.request])[0]
        let plain = try await NativeModel(model: model, fingerprint: "t").score([Self.request])[0]
        for (i, c) in tinyContinuations.enumerated() {
            let expert = model.tokenizer.encode(tinyContext + c, addSpecial: true)
            let amateur = model.tokenizer.encode(Self.rewrite(tinyContext) + c, addSpecial: true)
            let n = scores[i].tokenCount
            let got = scores[i].tokenLogprobs!
            for k in 0..<n {
                // Token k of the continuation sits at the same distance from the end of both sequences.
                let pe = expert.count - n + k, pa = amateur.count - n + k
                #expect(expert[pe] == amateur[pa])
                let e = Self.naiveRows(tiny, expert, row: pe - 1, layers: layers, norm: norm == .final)
                let a = Self.naiveRows(tiny, amateur, row: pa - 1, layers: layers, norm: norm == .final)
                let want = Self.naiveFused(e, a, Int(expert[pe]), beta: beta, weight: weight)
                #expect(abs(got[k] - want) < 2e-3, "continuation \(i) token \(k): \(got[k]) vs naive \(want)")
            }
            // The lower layers change the scores (or the test proves nothing).
            #expect(abs(scores[i].logprob - plain[i].logprob) > 1e-3)
        }
    }

    @Test func greedyGenerationTakesThePlausibleFusedArgmax() throws {
        let (tiny, model) = try tinyModel()
        let layers = [1, 3], beta = 1.0, weight = 2.0, alpha = 0.05
        let lol = LayerFusedContrast(rewrite: Self.rewrite, lowerLayers: layers, weight: weight, beta: beta, alpha: alpha)
        let session = InferenceSession(model: model)
        let promptText = "ab cd ef"
        let prompt = model.tokenizer.encode(promptText, addSpecial: true)
        let processor = try lol.makeProcessor(model: model, session: session, promptText: promptText, promptTokens: prompt)
        let result = try session.generate(GenerationRequest(prompt: prompt, maxTokens: 6), processor: processor)
        #expect(result.tokens.count == 6)
        var generated: [Int32] = []
        var differsFromICD = false
        for token in result.tokens {
            let e = Self.naiveRows(tiny, prompt + generated, row: prompt.count + generated.count - 1, layers: layers, norm: true)
            let amateurTokens = model.tokenizer.encode(Self.rewrite(promptText), addSpecial: true) + generated
            let a = Self.naiveRows(tiny, amateurTokens, row: amateurTokens.count - 1, layers: layers, norm: true)
            let maxLP = e[0].max()!
            let plausible = e[0].indices.filter { e[0][$0] >= maxLP + log(alpha) }
            let fused = plausible.map { Self.naiveFused(e, a, $0, beta: beta, weight: weight) }
            #expect(Int(token) == plausible[fused.firstIndex(of: fused.max()!)!])
            let icd = plausible.map { e[0][$0] - beta * a[0][$0] }
            if plausible[icd.firstIndex(of: icd.max()!)!] != Int(token) { differsFromICD = true }
            generated.append(token)
        }
        // At least one step where the lower layers changed the choice, or the test proves little.
        #expect(differsFromICD)
    }

    @Test func layersOutsideTheLowerRangeFailBeforeScoring() throws {
        let (_, model) = try tinyModel()
        for layers in [[4], [-1], [], [1, 1]] {
            #expect(throws: InterventionError.self, "\(layers)") {
                try NativeModel(model: model, fingerprint: "t", intervention: LayerFusedContrast(lowerLayers: layers))
            }
        }
        let spec = try InterventionSpec(parsing: "lol:layers=9")
        do {
            _ = try MethodRegistry.make(spec, for: model)
            Issue.record("layer 9 of a 4-layer model was accepted")
        } catch let e as InterventionError {
            #expect(e.code == .badLayers && "\(e)".contains("0…3"))
        }
    }
}
