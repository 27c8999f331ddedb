import TKEngine
import TKRandom

/// One truthful answer to store: the context the evaluation shows the model (its prompt preset
/// applied to the question) and the answer text that follows it.
public struct CAADExample: Sendable, Equatable {
    public var questionIndex: Int
    public var context: String
    public var answer: String

    public init(questionIndex: Int, context: String, answer: String) {
        self.questionIndex = questionIndex
        self.context = context
        self.answer = answer
    }
}

/// Builds CAAD's per-fold stores: for each fold, `questionsPerFold` of its training questions
/// (chosen by a seeded shuffle) have their truthful answers read by teacher forcing, one entry per
/// answer token.
public enum CAADFitter {
    /// The entries of one example: for every answer token, the final block's output and the logits
    /// at the position that predicts it.
    public static func entries(of example: CAADExample, session: InferenceSession) throws -> [(hidden: [Float], logits: [Float])] {
        let tokenizer = session.model.tokenizer
        let full = tokenizer.encode(example.context + example.answer, addSpecial: true)
        let context = tokenizer.encode(example.context, addSpecial: true)
        // The answer's tokens start where the two encodings part (a merge across the boundary
        // moves the start back by a token, never past the context).
        var start = 0
        while start < min(full.count, context.count), full[start] == context[start] { start += 1 }
        guard start >= 1, start < full.count else {
            throw ActivationFitError(.invalidInput, "caad: question \(example.questionIndex)'s answer adds no tokens after its context (or the context is empty)")
        }
        session.reset()
        let hidden = try session.forward(.sequence(full, startingAt: 0, outputs: .all))
        let logits = session.logits(fromHidden: hidden)
        return ((start - 1)..<(full.count - 1)).map { (hidden.row($0), logits.row($0)) }
    }

    /// Fits one store per fold of a `folds`-fold split (seeded) of the examples' questions.
    ///
    /// - Throws: `ActivationFitError` when a fold has no training question with an example.
    public static func fit(model: TransformerModel, examples: [CAADExample], dataChecksum: String, promptTemplate: String,
                           folds: Int = 2, seed: UInt64 = 0, questionsPerFold: Int = 10, fingerprint: String? = nil,
                           metadata: [String: String] = [:], threads: Int = 2, progress: (Int) -> Void = { _ in }) throws -> CAADFit {
        guard questionsPerFold >= 1 else { throw ActivationFitError(.invalidInput, "caad: store at least 1 question per fold, got \(questionsPerFold)") }
        let byQuestion = Dictionary(grouping: examples, by: \.questionIndex)
        let split = try QuestionFolds(questions: byQuestion.keys.sorted(), count: folds, seed: seed)
        let session = InferenceSession(model: model, threads: threads)
        var stores: [ContextLogitStore] = []
        var done = 0
        for f in 0..<folds {
            var generator = SplitMix64(seed: seed &+ UInt64(f + 1) &* 0x9E37_79B9_7F4A_7C15)  // wrapping mix of seed and fold
            let chosen = generator.shuffled(split.training(fold: f)).prefix(questionsPerFold).sorted()
            var store = ContextLogitStore()
            for q in chosen {
                for e in byQuestion[q] ?? [] {
                    for (h, l) in try entries(of: e, session: session) { store.append(question: q, hidden: h, logits: l) }
                }
                done += 1
                progress(done)
            }
            guard store.count > 0 else { throw ActivationFitError(.insufficientData, "caad: fold \(f) has no training answers to store") }
            stores.append(store)
        }
        return CAADFit(model: ModelSignature(model: model, fingerprint: fingerprint), dataChecksum: dataChecksum, promptTemplate: promptTemplate,
                       questionsPerFold: questionsPerFold, split: split, stores: stores, metadata: metadata)
    }
}
