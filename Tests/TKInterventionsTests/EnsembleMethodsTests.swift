import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKInterventions
import TKTesting

/// Self-consistency and integrative decoding on the tiny fixture: their neutral settings are the
/// greedy baseline token for token, and their outputs match naive re-implementations written here
/// (the answers drawn with fresh sessions, the vote by counting, the mean of logits from the
/// plain llama2.c-style reference forward pass).
@Suite struct EnsembleMethodsTests {
    /// A tiny model with room in its context for re-asking inputs.
    static func model(seed: UInt64 = 7) throws -> (TinyModel, TransformerModel) {
        var config = TinyModel.Config()
        config.layers = 2
        config.contextLength = 256
        let tiny = TinyModel(config: config, seed: seed)
        let path = try tiny.writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (tiny, try TransformerModel(path: path))
    }

    static let promptText = "ab cd ef. gh ab"

    static func request(_ model: TransformerModel, maxTokens: Int = 8) -> GenerationRequest {
        GenerationRequest(prompt: model.tokenizer.encode(promptText, addSpecial: true), maxTokens: maxTokens)
    }

    static func generate(_ model: TransformerModel, _ request: GenerationRequest, with intervention: (any Intervention)?) throws -> GenerationResult {
        let session = InferenceSession(model: model)
        let processor = try intervention?.makeProcessor(model: model, session: session, promptText: promptText, promptTokens: request.prompt)
        return try session.generate(request, processor: processor)
    }

    /// Answer i drawn on a fresh session with seed `seed + i`: what `AnswerSampling.draw` must equal.
    static func freshAnswers(_ model: TransformerModel, _ request: GenerationRequest, _ sampling: AnswerSampling) throws -> [GenerationResult] {
        try (0..<sampling.count).map { i in
            var r = request
            r.sampling = SamplingSettings(temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed + UInt64(i))
            return try InferenceSession(model: model).generate(r)
        }
    }

    // MARK: Self-consistency

    /// The neutral settings: one greedy answer voted on alone (`sc`), no answers to re-ask with (`id`).
    static let neutral: [any Intervention] = [
        SelfConsistency(sampling: AnswerSampling(count: 1, temperature: 0)),
        IntegrativeDecoding(sampling: AnswerSampling(count: 0, temperature: 0.7)),
    ]

    @Test(arguments: 0..<2) func neutralSettingIsTheGreedyBaseline(_ which: Int) throws {
        let (_, model) = try Self.model()
        let request = Self.request(model)
        let base = try Self.generate(model, request, with: nil)
        let method = try Self.generate(model, request, with: Self.neutral[which])
        #expect(base.tokens.count == request.maxTokens)
        #expect(method.tokens == base.tokens)
        #expect(method.text == base.text)
        #expect(method.finishReason == base.finishReason)
        if which == 1 { #expect(method.tokenLogprobs == base.tokenLogprobs) }
    }

    @Test func selfConsistencyReplaysTheMajorityAnswer() throws {
        let (_, model) = try Self.model()
        // Short answers at a low temperature, so some repeat and the vote has a majority to find.
        let request = Self.request(model, maxTokens: 2)
        let sampling = AnswerSampling(count: 7, temperature: 0.8, seed: 3)
        let fresh = try Self.freshAnswers(model, request, sampling)
        // Naive majority: count identical token sequences; the earliest of the most frequent wins.
        let counts = fresh.map { a in fresh.count { $0.tokens == a.tokens } }
        let majority = counts.firstIndex(of: counts.max()!)!
        #expect(counts.max()! >= 2, "the fixture should give a repeated answer; counts \(counts)")
        #expect(Set(fresh.map(\.tokens)).count >= 2, "the answers should differ, or the vote decides nothing")

        let sc = SelfConsistency(sampling: sampling, vote: .exact)
        let session = InferenceSession(model: model)
        let processor = try #require(try sc.makeProcessor(model: model, session: session, promptText: Self.promptText,
                                                          promptTokens: request.prompt) as? SelfConsistencyProcessor)
        let result = try session.generate(request, processor: processor)
        #expect(processor.answers.map(\.tokens) == fresh.map(\.tokens))
        #expect(result.tokens == fresh[majority].tokens)
        #expect(result.text == fresh[majority].text)
        #expect(result.tokenLogprobs.allSatisfy { $0 == 0 }, "replayed tokens are certain under the method")
    }

    /// Worked by hand. Normalised: "the capital is paris", "paris is the capital", "paris, the
    /// capital", "london", "london". Exact: only the two "london" agree (1 each) → index 3. ROUGE-1 F
    /// (rouge-score's tokenizer drops the comma): 0↔1 share all 4 words → 1; 0↔2 share 3 of 4 and 3
    /// of 3 → 2·1·¾/(1+¾) = 6/7; 1↔2 likewise 6/7; none with "london". Totals: 0 → 1+6/7, 1 → 1+6/7,
    /// 2 → 12/7, 3 → 1, 4 → 1: index 0 (tied with 1, the earlier wins).
    @Test func voteCountsIdenticalAnswersOrTheirWordOverlap() {
        let answers = ["The capital is Paris.", "paris is the capital", "Paris, the capital!", "London", "london."]
        #expect(SelfConsistency(sampling: AnswerSampling(count: 5, temperature: 1), vote: .exact).winner(of: answers) == 3)
        #expect(SelfConsistency(sampling: AnswerSampling(count: 5, temperature: 1), vote: .rouge).winner(of: answers) == 0)
        // Nothing agrees: the first answer.
        #expect(SelfConsistency(sampling: AnswerSampling(count: 3, temperature: 1), vote: .exact).winner(of: ["a", "b", "c"]) == 0)
    }

    // MARK: Integrative decoding

    @Test func integrativeDecodingTakesTheArgmaxOfTheMeanReaskedLogits() throws {
        let (tiny, model) = try Self.model()
        let request = Self.request(model, maxTokens: 5)
        let sampling = AnswerSampling(count: 3, temperature: 1, topP: 0.9, seed: 11)
        let template = PromptRewrite.Template(label: "test") { prompt, answer in prompt + answer + ". ij kl" }
        let id = IntegrativeDecoding(sampling: sampling, reask: template)
        let session = InferenceSession(model: model)
        let processor = try #require(try id.makeProcessor(model: model, session: session, promptText: Self.promptText,
                                                          promptTokens: request.prompt) as? IntegrativeDecodingProcessor)
        let result = try session.generate(request, processor: processor)

        // Naive: the answers from fresh sessions, the inputs re-encoded, and each step's mean of
        // the reference forward pass's last logit row over the inputs, in double.
        let fresh = try Self.freshAnswers(model, request, sampling)
        #expect(processor.answers.map(\.tokens) == fresh.map(\.tokens))
        let inputs = fresh.map { model.tokenizer.encode(template(Self.promptText, $0.text), addSpecial: true) }
        #expect(processor.inputs == inputs)
        let naive = NaiveTransformer(model: tiny)
        var generated: [Int32] = []
        for _ in 0..<request.maxTokens {
            var mean = [Double](repeating: 0, count: tiny.config.vocab)
            for input in inputs {
                let row = naive.forward(input + generated).logits.last!
                for v in mean.indices { mean[v] += Double(row[v]) / Double(inputs.count) }
            }
            let next = Int32(mean.indices.max { mean[$0] < mean[$1] }!)
            generated.append(next)
            if model.tokenizer.isEndOfGeneration(next) { break }
        }
        #expect(result.tokens == generated)
        #expect(result.tokens != (try Self.generate(model, request, with: nil)).tokens, "the fixture should make the ensemble differ from greedy")
    }

    @Test func reaskInputThatDoesNotFitTheContextIsAClearError() throws {
        let (_, model) = try tinyModel(layers: 2)  // context 64
        let request = GenerationRequest(prompt: model.tokenizer.encode(Self.promptText, addSpecial: true), maxTokens: 30)
        let long = PromptRewrite.Template(label: "long") { p, a in p + a + String(repeating: " ab", count: 40) }
        #expect(throws: InterventionError.self) {
            try Self.generate(model, request, with: IntegrativeDecoding(sampling: AnswerSampling(count: 2, temperature: 1), reask: long))
        }
    }

    // MARK: Through the registry and the native backend

    @Test func ensembleSpecsBuildFromTheRegistryAndLeaveMultipleChoiceAlone() async throws {
        let (_, model) = try Self.model()
        let request = ScoringRequest(context: tinyContext, continuations: tinyContinuations, wantsTokenDetail: true, sharedPrefix: tinyPrimer)
        let plain = NativeModel(model: model, fingerprint: "m")
        let plainScores = try await plain.score([request])
        let plainText = try await plain.generate(TextGenerationRequest(prompt: Self.promptText, maxTokens: 6))
        for text in ["sc:k=1,temperature=0", "id:k=0", "sc", "id:k=2,reask=reference"] {
            let intervention = try MethodRegistry.make(try InterventionSpec(parsing: text), for: model)
            let native = try NativeModel(model: model, fingerprint: "m", intervention: intervention)
            let scores = try await native.score([request])
            #expect(scores == plainScores, "\(text): no hooks and no scoring rule, so MC is the model's own")
            #expect(native.identity.fingerprint != plain.identity.fingerprint, "\(text)")
            if text.hasPrefix("sc:") || text.hasPrefix("id:k=0") {
                #expect(try await native.generate(TextGenerationRequest(prompt: Self.promptText, maxTokens: 6)) == plainText, "\(text)")
            } else {
                _ = try await native.generate(TextGenerationRequest(prompt: Self.promptText, maxTokens: 6))
            }
        }
        let sc = try MethodRegistry.make(try InterventionSpec(parsing: "sc"), for: model) as? SelfConsistency
        #expect(sc?.sampling == AnswerSampling(count: 5, temperature: 0.7, topP: 1, seed: 0))
        #expect(sc?.vote == .rouge)
        let id = try MethodRegistry.make(try InterventionSpec(parsing: "id"), for: model) as? IntegrativeDecoding
        #expect(id?.sampling == AnswerSampling(count: 4, temperature: 0.7, topP: 0.8, seed: 0))
        #expect(id?.reask.label == "id-repeat")
        #expect(throws: InterventionError.self) { try MethodRegistry.make(try InterventionSpec(parsing: "sc:k=0"), for: model) }
    }

    @Test func neutralEnsemblesHaveZeroKLOnNeutralText() throws {
        let (_, model) = try Self.model()
        let text = "ab cd ef gh. ij kl mn op."
        for method in [IntegrativeDecoding(sampling: AnswerSampling(count: 0, temperature: 1)) as any Intervention] {
            #expect(try Invasiveness.klDivergence(base: model, intervened: method, text: text) == 0)
        }
        // Two re-asked answers change the distribution.
        let two = IntegrativeDecoding(sampling: AnswerSampling(count: 2, temperature: 1),
                                      reask: PromptRewrite.Template(label: "t") { p, a in p + a + ". ab" })
        #expect(try Invasiveness.klDivergence(base: model, intervened: two, text: text) > 0)
    }

    /// The repeat template asks the prompt's last block again after the instruction.
    @Test func repeatReaskAsksThePromptsLastBlockAgain() {
        let prompt = "Q: One?\nA: Yes.\n\nQ: Two?\nA:"
        let built = IntegrativeDecoding.repeatReask(prompt, " No.")
        #expect(built == "Q: One?\nA: Yes.\n\nQ: Two?\nA: No.\n\nAnswer the above question again with one or two sentences. Ensure the factuality of the answer.\n\nQ: Two?\nA:")
        #expect(IntegrativeDecoding.referenceReask(prompt, " No.").hasSuffix("A: No.\n\nAnswer the above question again with one or two sentences. Ensure the factuality of the answer.\nRefined Answer:"))
    }
}
