import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKInterventions
import TKTesting

/// The contrastive family on the tiny fixture: β = 0 is the expert bit for bit, β > 0 is the
/// expert's minus the amateur's log-probabilities as scoring each from scratch gives them, and
/// models that cannot be contrasted fail before any scoring.
@Suite struct ContrastiveDecodingTests {
    static let request = ScoringRequest(context: tinyContext, continuations: tinyContinuations, wantsTokenDetail: true, sharedPrefix: tinyPrimer)

    /// Per-token log-probabilities of `continuation` after `context`, scored from scratch.
    static func fromScratch(_ model: TransformerModel, context: String, continuation: String, count: Int) throws -> [Double] {
        let tokens = model.tokenizer.encode(context + continuation, addSpecial: true)
        let all = try InferenceSession(model: model).scoreSequence(tokens)
        return all.suffix(count).map(Double.init)
    }

    @Test func betaZeroIsTheExpertBitForBit() async throws {
        let (_, expert) = try tinyModel(layers: 2, seed: 1)
        let (_, amateur) = try tinyModel(layers: 2, seed: 2)
        let plain = try await NativeModel(model: expert, fingerprint: "e").score([Self.request, Self.request])
        for cd in [ContrastiveDecoding.contrastive(amateur: amateur, label: "small", beta: 0),
                   ContrastiveDecoding.induced(.prefix("ab ab ab. ", label: "test"), beta: 0)] {
            let scores = try await NativeModel(model: expert, fingerprint: "e", intervention: cd).score([Self.request, Self.request])
            for (a, b) in zip(plain.joined(), scores.joined()) {
                #expect(a.logprob == b.logprob, "\(cd.name)")
                #expect(a.tokenLogprobs == b.tokenLogprobs, "\(cd.name)")
            }
        }
    }

    @Test func contrastIsExpertMinusBetaAmateur() async throws {
        let (_, expert) = try tinyModel(layers: 2, seed: 1)
        let (_, amateur) = try tinyModel(layers: 2, seed: 2)
        let beta = 0.5
        let cd = ContrastiveDecoding.contrastive(amateur: amateur, label: "small", beta: beta)
        let native = try NativeModel(model: expert, fingerprint: "e", intervention: cd)
        let scores = try await native.score([Self.request])[0]
        for (i, c) in tinyContinuations.enumerated() {
            let n = scores[i].tokenCount
            let e = try Self.fromScratch(expert, context: tinyContext, continuation: c, count: n)
            let a = try Self.fromScratch(amateur, context: tinyContext, continuation: c, count: n)
            for (k, got) in scores[i].tokenLogprobs!.enumerated() {
                #expect(abs(got - (e[k] - beta * a[k])) < 1e-4, "continuation \(i) token \(k)")
            }
        }
        #expect(await native.identity.fingerprint.contains("cd("))
        #expect(await native.identity.details["intervention.beta"] == "0.5")
    }

    @Test func promptInducedAmateurSeesTheRewrittenContext() async throws {
        let (_, model) = try tinyModel(layers: 2, seed: 1)
        let rewrite = PromptRewrite.prefix("zz yy xx. ", label: "test")
        let icd = ContrastiveDecoding.induced(rewrite, beta: 1)
        let scores = try await NativeModel(model: model, fingerprint: "e", intervention: icd).score([Self.request])[0]
        for (i, c) in tinyContinuations.enumerated() {
            let n = scores[i].tokenCount
            let e = try Self.fromScratch(model, context: tinyContext, continuation: c, count: n)
            let a = try Self.fromScratch(model, context: rewrite(tinyContext), continuation: c, count: n)
            #expect(abs(scores[i].logprob - zip(e, a).reduce(0.0) { $0 + $1.0 - $1.1 }) < 1e-3, "continuation \(i)")
        }
    }

    @Test func rewriteThatChangesTheContinuationTokensIsAClearError() async throws {
        let (_, model) = try tinyModel(layers: 2, seed: 1)
        // The expert reads "cd ab cd" (the continuation starts with the token "ab"); the rewritten
        // context "cd ab" + "b cd" makes it start with "b" instead ("a b" is a merge).
        let icd = ContrastiveDecoding.induced(PromptRewrite(label: "bad") { $0 + "b" }, beta: 1)
        let native = try NativeModel(model: model, fingerprint: "e", intervention: icd)
        let request = ScoringRequest(context: "cd a", continuations: ["b cd"])
        await #expect(throws: InterventionError.self) { try await native.score([request]) }
    }

    @Test func proxyTuningWithEqualSmallModelsIsTheExpertRenormalised() async throws {
        let (_, base) = try tinyModel(layers: 2, seed: 1)
        let (_, small) = try tinyModel(layers: 2, seed: 3)
        let proxy = ContrastiveDecoding.proxyTuning(tuned: small, tunedLabel: "s", untuned: small, untunedLabel: "s")
        let plain = try await NativeModel(model: base, fingerprint: "b").score([Self.request])[0]
        let tuned = try await NativeModel(model: base, fingerprint: "b", intervention: proxy).score([Self.request])[0]
        for (a, b) in zip(plain, tuned) { #expect(abs(a.logprob - b.logprob) < 1e-4) }
        // With a different tuned model the result is still a distribution: every token ≤ 0.
        let (_, other) = try tinyModel(layers: 2, seed: 4)
        let real = ContrastiveDecoding.proxyTuning(tuned: other, tunedLabel: "o", untuned: small, untunedLabel: "s")
        let scores = try await NativeModel(model: base, fingerprint: "b", intervention: real).score([Self.request])[0]
        #expect(scores.allSatisfy { $0.tokenLogprobs!.allSatisfy { $0 <= 1e-6 } })
        #expect(zip(plain, scores).contains { abs($0.logprob - $1.logprob) > 1e-3 })
    }

    @Test func differentVocabulariesAreRejectedBeforeScoring() throws {
        let (_, expert) = try tinyModel(layers: 2, vocab: 40, seed: 1)
        let (_, wider) = try tinyModel(layers: 2, vocab: 48, seed: 2)
        #expect {
            try NativeModel(model: expert, fingerprint: "e", intervention: ContrastiveDecoding.contrastive(amateur: wider, label: "wide"))
        } throws: { error in
            (error as? InterventionError)?.code == .vocabularyMismatch
        }
    }

    @Test func generationWithBetaZeroAndNoFilterIsPlainGreedy() async throws {
        let (_, expert) = try tinyModel(layers: 2, seed: 1)
        let (_, amateur) = try tinyModel(layers: 2, seed: 2)
        let request = TextGenerationRequest(prompt: "ab cd", maxTokens: 8)
        let plain = try await NativeModel(model: expert, fingerprint: "e").generate(request)
        let off = ContrastiveDecoding.contrastive(amateur: amateur, label: "a", beta: 0, alpha: 0)
        #expect(try await NativeModel(model: expert, fingerprint: "e", intervention: off).generate(request) == plain)
    }

    @Test func greedyGenerationTakesThePlausibleContrastArgmax() throws {
        let (_, expert) = try tinyModel(layers: 2, seed: 1)
        let (_, amateur) = try tinyModel(layers: 2, seed: 2)
        let cd = ContrastiveDecoding.contrastive(amateur: amateur, label: "a", beta: 1, alpha: 0.1)
        let session = InferenceSession(model: expert)
        let prompt = expert.tokenizer.encode("ab cd", addSpecial: true)
        let processor = try cd.makeProcessor(model: expert, session: session, promptText: "ab cd", promptTokens: prompt)
        let result = try session.generate(GenerationRequest(prompt: prompt, maxTokens: 6), processor: processor)
        var sequence = prompt
        for token in result.tokens {
            let e = naiveLogSoftmax(try lastLogits(expert, sequence))
            let a = naiveLogSoftmax(try lastLogits(amateur, sequence))
            let maxLP = e.max()!
            let s = e.indices.map { e[$0] >= maxLP + log(0.1) ? e[$0] - a[$0] : -Double.infinity }
            #expect(Int(token) == s.firstIndex(of: s.max()!)!)
            sequence.append(token)
        }
    }

    func lastLogits(_ model: TransformerModel, _ tokens: [Int32]) throws -> [Float] {
        let s = InferenceSession(model: model)
        return s.logits(fromHidden: try s.forward(.sequence(tokens, startingAt: 0, outputs: .last))).row(0)
    }
}
