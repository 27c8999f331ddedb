import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKInterventions
import TKTesting

/// CAAD on the tiny fixture: the store holds what teacher forcing the naive transformer gives,
/// retrieval matches a hand-worked example, scores and greedy tokens match a naive recomputation of
/// log-softmax(log p + λ·Σ wᵢ·logitsᵢ), λ = 0 is the baseline bit for bit, and no fold's store
/// holds a question the fold is evaluated on.
@Suite struct CAADTests {
    static let request = ScoringRequest(context: tinyContext, continuations: tinyContinuations, wantsTokenDetail: true, sharedPrefix: tinyPrimer)
    static let examples = [
        CAADExample(questionIndex: 0, context: "ab cd. ij", answer: " ef gh."),
        CAADExample(questionIndex: 1, context: "gh ab. cd", answer: " ab ij!"),
        CAADExample(questionIndex: 2, context: "ef ef. ab", answer: " cd cd."),
        CAADExample(questionIndex: 3, context: "ij gh. ef", answer: " gh ab."),
        CAADExample(questionIndex: 4, context: "cd ij. gh", answer: " ef ab!"),
        CAADExample(questionIndex: 5, context: "ab ab. ij", answer: " ij cd."),
    ]

    static func fit(_ model: TransformerModel, questionsPerFold: Int = 2) throws -> CAADFit {
        try CAADFitter.fit(model: model, examples: examples, dataChecksum: "sha256:test", promptTemplate: "test", folds: 2, seed: 3,
                           questionsPerFold: questionsPerFold)
    }

    /// Weights worked by hand: similarities (1, 0.6, 0) to the query (1, 0); top 2 at temperature
    /// 0.5 give softmax(2, 1.2) = (0.6900, 0.3100); the bias is 0.69·(1, 0) + 0.31·(0, 2) = (0.69, 0.62).
    @Test func retrievalWeightsMatchAHandWorkedExample() {
        var store = ContextLogitStore()
        store.append(question: 0, hidden: [2, 0], logits: [1, 0])
        store.append(question: 1, hidden: [0.6, 0.8], logits: [0, 2])
        store.append(question: 2, hidden: [0, -3], logits: [5, 5])
        let found = store.neighbours(of: [3, 0], top: 2, temperature: 0.5, threshold: 0)
        #expect(found.map(\.entry) == [0, 1])
        let w0 = exp(2.0) / (exp(2.0) + exp(1.2))
        #expect(abs(found[0].weight - w0) < 1e-6 && abs(found[0].weight - 0.6900) < 1e-4)
        let bias = store.bias(for: [3, 0], top: 2, temperature: 0.5, threshold: 0)!
        #expect(abs(bias[0] - w0) < 1e-6 && abs(bias[1] - 2 * (1 - w0)) < 1e-6)
        // A threshold above the second weight keeps only the first, renormalised to 1.
        let one = store.neighbours(of: [3, 0], top: 2, temperature: 0.5, threshold: 0.5)
        #expect(one.count == 1 && one[0].entry == 0 && one[0].weight == 1)
    }

    @Test func storesHoldTeacherForcedRowsOfTrainingQuestionsOnly() throws {
        let (tiny, model) = try tinyModel()
        let fit = try Self.fit(model)
        try fit.validate()
        let naive = NaiveTransformer(model: tiny)
        for f in 0..<2 {
            let store = fit.stores[f]
            let heldOut = Set(fit.split.heldOut(fold: f))
            #expect(Set(store.questions).isDisjoint(with: heldOut))
            #expect(Set(store.questions).count == 2)
            var entry = 0
            for q in Array(Set(store.questions)).sorted() {
                let e = Self.examples[q]
                let full = model.tokenizer.encode(e.context + e.answer, addSpecial: true)
                let context = model.tokenizer.encode(e.context, addSpecial: true)
                let (logits, residuals) = naive.forward(full)
                for row in (context.count - 1)..<(full.count - 1) {
                    let h = residuals[tiny.config.layers - 1][row]
                    let norm = h.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    #expect(zip(store.embeddings[entry], h).allSatisfy { abs($0 - $1 / norm) < 1e-4 }, "fold \(f) entry \(entry)")
                    #expect(zip(store.logits[entry], logits[row]).allSatisfy { abs($0 - $1) < 1e-3 }, "fold \(f) entry \(entry)")
                    entry += 1
                }
            }
            #expect(entry == store.count)
        }
        // A store that holds a held-out question is refused.
        var leaked = fit
        leaked.stores[0].questions[0] = fit.split.heldOut(fold: 0)[0]
        #expect(throws: ActivationFitError.self) { try leaked.validate() }
    }

    @Test func coefficientZeroReproducesTheBaselineBitForBit() async throws {
        let (_, model) = try tinyModel()
        let fit = try Self.fit(model)
        let off = CAAD(store: fit.stores[0], coefficient: 0, label: "t")
        let plain = try await NativeModel(model: model, fingerprint: "t").score([Self.request, Self.request])
        let scores = try await NativeModel(model: model, fingerprint: "t", intervention: off).score([Self.request, Self.request])
        for (a, b) in zip(plain.joined(), scores.joined()) {
            #expect(a.tokenLogprobs == b.tokenLogprobs)
            #expect(a.isGreedy == b.isGreedy)
        }
        let request = TextGenerationRequest(prompt: "ab cd ef", maxTokens: 8)
        #expect(try await NativeModel(model: model, fingerprint: "t", intervention: off).generate(request)
                == (try await NativeModel(model: model, fingerprint: "t").generate(request)))
    }

    /// The naive CAAD row at a position: retrieval by cosine over the store written out plainly.
    static func naiveAdjusted(_ store: ContextLogitStore, hidden: [Float], logits: [Float], lambda: Double, top: Int, temperature: Double) -> [Double] {
        let hn = hidden.map(Double.init), qn = hn.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let sims = store.embeddings.map { e in zip(e, hn).reduce(0.0) { $0 + Double($1.0) * $1.1 } / qn }
        let order = sims.indices.sorted { sims[$0] > sims[$1] }.prefix(top)
        let z = order.reduce(0.0) { $0 + exp(sims[$1] / temperature) }
        let lp = naiveLogSoftmax(logits)
        var s = lp
        for i in order {
            let w = exp(sims[i] / temperature) / z
            for t in s.indices { s[t] += lambda * w * Double(store.logits[i][t]) }
        }
        let m = s.max()!, lse = m + log(s.reduce(0.0) { $0 + exp($1 - m) })
        return s.map { $0 - lse }
    }

    @Test func scoresMatchANaiveRecomputation() async throws {
        let (tiny, model) = try tinyModel()
        let store = try Self.fit(model).stores[1]
        let caad = CAAD(store: store, coefficient: 0.8, top: 3, temperature: 0.2, threshold: 0, label: "t")
        let scores = try await NativeModel(model: model, fingerprint: "t", intervention: caad).score([Self.request])[0]
        let plain = try await NativeModel(model: model, fingerprint: "t").score([Self.request])[0]
        let naive = NaiveTransformer(model: tiny)
        for (i, c) in tinyContinuations.enumerated() {
            let tokens = model.tokenizer.encode(tinyContext + c, addSpecial: true)
            let (logits, residuals) = naive.forward(tokens)
            let n = scores[i].tokenCount
            for (k, p) in ((tokens.count - n)..<tokens.count).enumerated() {
                let want = Self.naiveAdjusted(store, hidden: residuals[tiny.config.layers - 1][p - 1], logits: logits[p - 1],
                                              lambda: 0.8, top: 3, temperature: 0.2)[Int(tokens[p])]
                #expect(abs(scores[i].tokenLogprobs![k] - want) < 2e-3, "continuation \(i) token \(k)")
            }
            #expect(abs(scores[i].logprob - plain[i].logprob) > 1e-3, "the retrieved logits change the score")
        }
    }

    @Test func greedyGenerationTakesTheAdjustedArgmax() throws {
        let (tiny, model) = try tinyModel()
        // The fixture predicts much the same token everywhere, so the stored rows are reversed
        // over the vocabulary: retrieval then pulls towards other tokens and changes choices.
        var store = try Self.fit(model).stores[0]
        store.logits = store.logits.map { Array($0.reversed()) }
        let caad = CAAD(store: store, coefficient: 3, top: 2, temperature: 0.1, threshold: 0, label: "t")
        let session = InferenceSession(model: model)
        let prompt = model.tokenizer.encode("ab cd ef", addSpecial: true)
        let processor = try caad.makeProcessor(model: model, session: session, promptText: "ab cd ef", promptTokens: prompt)
        let result = try session.generate(GenerationRequest(prompt: prompt, maxTokens: 6), processor: processor)
        let naive = NaiveTransformer(model: tiny)
        var sequence = prompt, changed = false
        for token in result.tokens {
            let (logits, residuals) = naive.forward(sequence)
            let row = sequence.count - 1
            let s = Self.naiveAdjusted(store, hidden: residuals[tiny.config.layers - 1][row], logits: logits[row],
                                       lambda: 3, top: 2, temperature: 0.1)
            #expect(Int(token) == s.firstIndex(of: s.max()!)!)
            if Int(token) != logits[row].firstIndex(of: logits[row].max()!)! { changed = true }
            sequence.append(token)
        }
        #expect(changed, "at λ = 3 the reversed logits should change at least one greedy choice")
    }

    @Test func aStoreForAnotherModelShapeIsRefused() throws {
        let (_, model) = try tinyModel()
        var store = ContextLogitStore()
        store.append(question: 0, hidden: [1, 2, 3], logits: [0, 1])
        #expect(throws: InterventionError.self) { try NativeModel(model: model, fingerprint: "t", intervention: CAAD(store: store, label: "bad")) }
    }

    @Test func fitFilesRoundTripAndFoldsComeFromTheSplit() throws {
        let (_, model) = try tinyModel()
        let fit = try Self.fit(model)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("caad-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        #expect(try CAADFit.load(path: path) == fit)
        let folds = try #require(try MethodRegistry.folds(of: InterventionSpec(parsing: "caad:file=\(path)"), dataChecksum: "sha256:test"))
        #expect(folds.map(\.heldOut) == [Set(fit.split.heldOut(fold: 0)), Set(fit.split.heldOut(fold: 1))])
        #expect(throws: ActivationFitError.self) { try MethodRegistry.folds(of: InterventionSpec(parsing: "caad:file=\(path)"), dataChecksum: "sha256:other") }
        let built = try MethodRegistry.make(InterventionSpec(parsing: "caad:file=\(path),fold=1,coefficient=0.3"), for: model)
        #expect(built.settings["coefficient"] == "0.3" && built.settings["entries"] == "\(fit.stores[1].count)")
    }
}
