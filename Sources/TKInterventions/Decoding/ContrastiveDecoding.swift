import Foundation
import TKEngine

/// The contrastive-decoding family as one logit-arithmetic rule: the expert's next-token
/// log-probabilities plus weighted log-probabilities of other distributions ("amateurs"),
/// restricted for generation to the tokens the expert finds plausible.
///
/// score(t) = log p_expert(t) + Σ_k w_k · log p_k(t)
///
/// - Contrastive decoding (Li et al., 2023): one amateur model, w = −β (β = 1 in the paper),
///   plausibility α = 0.1.
/// - Induce-then-contrast, prompt-induced form (ICD, Zhang et al., 2023): the amateur is the
///   expert under a hallucination-inducing prompt, w = −β.
/// - Proxy-tuning (Liu et al., 2024): base + (tuned_small − untuned_small): two amateurs with
///   w = +1 and −1, no plausibility filter, renormalised (the result is a distribution).
///
/// Multiple-choice scoring sums score(t) over the continuation's tokens without the filter (as
/// ICD's TruthfulQA MC evaluation, `relative_top=0`, `post_softmax=False`), renormalised with
/// log-softmax only when `normalize` is set. With every weight 0 the scores are the expert's,
/// bit for bit.
public struct ContrastiveDecoding: Intervention {
    public let name: String
    public var amateurs: [Amateur]
    public var alpha: Double
    public var normalize: Bool
    public var repetitionPenalty: Double
    /// The β the user gave (recorded; the weights already carry it).
    public var beta: Double?

    public init(name: String, amateurs: [Amateur], alpha: Double, normalize: Bool, repetitionPenalty: Double = 1, beta: Double? = nil) {
        self.name = name
        self.amateurs = amateurs
        self.alpha = alpha
        self.normalize = normalize
        self.repetitionPenalty = repetitionPenalty
        self.beta = beta
    }

    /// Contrastive decoding with a second, smaller model.
    public static func contrastive(amateur: TransformerModel, label: String, beta: Double = 1, alpha: Double = 0.1,
                                   repetitionPenalty: Double = 1) -> ContrastiveDecoding {
        ContrastiveDecoding(name: "cd", amateurs: [Amateur(source: .model(amateur), weight: -beta, label: label)],
                            alpha: alpha, normalize: false, repetitionPenalty: repetitionPenalty, beta: beta)
    }

    /// Induce-then-contrast: the model against itself under `rewrite`.
    public static func induced(_ rewrite: PromptRewrite = .hallucinationInducing, beta: Double = 1, alpha: Double = 0.1,
                               repetitionPenalty: Double = 1) -> ContrastiveDecoding {
        ContrastiveDecoding(name: "icd", amateurs: [Amateur(source: .prompt(rewrite), weight: -beta, label: rewrite.label)],
                            alpha: alpha, normalize: false, repetitionPenalty: repetitionPenalty, beta: beta)
    }

    /// Proxy-tuning: the expert (base) steered by the difference of a tuned and an untuned small model.
    public static func proxyTuning(tuned: TransformerModel, tunedLabel: String, untuned: TransformerModel, untunedLabel: String,
                                   alpha: Double = 0, normalize: Bool = true) -> ContrastiveDecoding {
        ContrastiveDecoding(name: "proxy", amateurs: [Amateur(source: .model(tuned), weight: 1, label: tunedLabel),
                                                      Amateur(source: .model(untuned), weight: -1, label: untunedLabel)],
                            alpha: alpha, normalize: normalize)
    }

    public var settings: [String: String] {
        var s = ["alpha": "\(alpha)", "normalize": "\(normalize)", "penalty": "\(repetitionPenalty)"]
        if let beta { s["beta"] = "\(beta)" }
        for (i, a) in amateurs.enumerated() {
            s["amateur.\(i)"] = a.label
            s["weight.\(i)"] = "\(a.weight)"
        }
        return s
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        guard !amateurs.isEmpty else { throw InterventionError(.missingKey, "\(name): no amateur to contrast with") }
        guard alpha >= 0, alpha <= 1 else { throw InterventionError(.badValue, "\(name): alpha must be in 0…1, got \(alpha)") }
        guard repetitionPenalty >= 1, repetitionPenalty.isFinite else {
            throw InterventionError(.badValue, "\(name): penalty must be ≥ 1 (1 = none), got \(repetitionPenalty)")
        }
        for a in amateurs {
            guard a.weight.isFinite else { throw InterventionError(.badValue, "\(name): the weight of \(a.label) must be finite") }
            if case .model(let m) = a.source { try Amateur.checkVocabulary(expert: model, amateur: m, label: a.label) }
        }
    }

    /// score(t) for every token, from the expert's and each amateur's log-probabilities (no filter).
    public func combine(expert: [Float], amateurs rows: [[Float]]) -> [Double] {
        precondition(rows.count == amateurs.count, "one row per amateur")
        var s = expert.map(Double.init)
        for (k, row) in rows.enumerated() {
            let w = amateurs[k].weight
            for i in s.indices { s[i] += w * Double(row[i]) }
        }
        if normalize {
            let m = s.max() ?? 0
            let lse = m + Foundation.log(s.reduce(0.0) { $0 + Foundation.exp($1 - m) })
            for i in s.indices { s[i] -= lse }
        }
        return s
    }

    /// `combine` restricted to the expert's plausible tokens (others -infinity): what greedy
    /// generation takes the argmax of.
    public func filteredCombine(expert: [Float], amateurs rows: [[Float]]) -> [Double] {
        var s = combine(expert: expert, amateurs: rows)
        for (i, keep) in NextTokenMath.plausible(expert, alpha: alpha).enumerated() where !keep { s[i] = -.infinity }
        return s
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        return try ContrastiveProcessor(decoding: self, expert: model, threads: session.compute.threads,
                                        promptText: promptText, promptTokens: promptTokens)
    }
}
