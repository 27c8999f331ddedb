import TKEngine

/// One term of contrastive logit arithmetic: a distribution over the expert's vocabulary and the
/// weight its log-probabilities get. Contrastive decoding subtracts an amateur (weight −β);
/// proxy-tuning adds a tuned small model (+1) and subtracts its untuned twin (−1).
public struct Amateur: Sendable {
    public enum Source: Sendable {
        /// A second model sharing the expert's vocabulary, seeing the same context.
        case model(TransformerModel)
        /// The expert itself, seeing a rewritten context.
        case prompt(PromptRewrite)
    }

    public var source: Source
    public var weight: Double
    /// What the term is, for run settings: the model file and its digest, or the rewrite's label.
    public var label: String

    public init(source: Source, weight: Double, label: String) {
        self.source = source
        self.weight = weight
        self.label = label
    }

    /// The model that computes this term's distribution.
    public func model(expert: TransformerModel) -> TransformerModel {
        switch source {
        case .model(let m): m
        case .prompt: expert
        }
    }

    /// The context this term's model sees for the expert's `context`.
    public func context(for context: String) -> String {
        switch source {
        case .model: context
        case .prompt(let rewrite): rewrite(context)
        }
    }

    /// Checks that an amateur model's vocabulary is the expert's token for token, so logits can be
    /// subtracted position by position.
    public static func checkVocabulary(expert: TransformerModel, amateur: TransformerModel, label: String) throws {
        let e = expert.tokenizer, a = amateur.tokenizer
        guard e.vocabularySize == a.vocabularySize, expert.config.vocabSize == amateur.config.vocabSize else {
            throw InterventionError(.vocabularyMismatch, "the amateur \(label) has \(a.vocabularySize) tokens (\(amateur.config.vocabSize) logits) but the expert has \(e.vocabularySize) (\(expert.config.vocabSize)); contrast models of one family that share a tokenizer")
        }
        for id in 0..<Int32(e.vocabularySize) where e.storedText(id) != a.storedText(id) {
            throw InterventionError(.vocabularyMismatch, "the amateur \(label) differs from the expert at token \(id) (\(a.storedText(id).debugDescription) vs \(e.storedText(id).debugDescription)); contrast models that share a tokenizer")
        }
        guard e.bosID == a.bosID, e.addsBOS == a.addsBOS else {
            throw InterventionError(.vocabularyMismatch, "the amateur \(label) handles the BOS token differently from the expert; contrast models that share a tokenizer")
        }
    }
}
