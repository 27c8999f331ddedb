import TKEngine

/// DoLa — Decoding by Contrasting Layers (Chuang et al., 2024): the final layer's next-token
/// log-probabilities minus those of a premature layer, chosen per token as the candidate whose
/// distribution is furthest (Jensen–Shannon) from the final one.
///
/// Layers are numbered as the reference numbers `hidden_states`: 0 is the token embedding, `i`
/// (1 ≤ i < N) the residual stream after block `i − 1` (engine hook `blocks.(i−1).residual`), and
/// N — the mature layer — the model's own output (after the final norm). A candidate equal to N
/// therefore contrasts the final layer with itself.
///
/// - Premature logits go through the output head without the final norm, as the reference does
///   (`norm=none`), or with it (`norm=final`, the "logit lens" form).
/// - Multiple choice scores each continuation token by log p_N(t) − β·log p_premature(t), summed,
///   with no plausibility filter and no renormalisation — exactly how the reference evaluates
///   TruthfulQA MC (`relative_top=0`, `post_softmax=False`). β is 1 in the reference; β = 0 gives
///   the baseline scores.
/// - Generation keeps only tokens within the relative top `alpha` of the final layer (0.1) and
///   applies the repetition penalty (1.2 in the reference's generation runs) to the contrast.
public struct DoLa: Intervention {
    /// Which candidate premature layers to consider.
    public enum Layers: Sendable, Equatable, CustomStringConvertible {
        /// The lower half in steps of 2 (from 2 when embeddings are tied, else 0), as transformers' `dola_layers="low"`.
        case low
        /// The upper half in steps of 2 (the reference's TruthfulQA setting), as `dola_layers="high"`.
        case high
        /// Explicit layer numbers (0…N, see the type's comment).
        case explicit([Int])

        public var description: String {
            switch self {
            case .low: "low"
            case .high: "high"
            case .explicit(let l): l.map(String.init).joined(separator: ",")
            }
        }
    }

    /// Whether premature hidden states pass through the final norm before the output head.
    public enum PrematureNorm: String, Sendable, Equatable {
        case none, final
    }

    public var layers: Layers
    public var norm: PrematureNorm
    public var beta: Double
    public var alpha: Double
    public var repetitionPenalty: Double

    public init(layers: Layers = .high, norm: PrematureNorm = .none, beta: Double = 1, alpha: Double = 0.1,
                repetitionPenalty: Double = 1.2) {
        self.layers = layers
        self.norm = norm
        self.beta = beta
        self.alpha = alpha
        self.repetitionPenalty = repetitionPenalty
    }

    public var name: String { "dola" }

    public var settings: [String: String] {
        ["layers": layers.description, "norm": norm.rawValue, "beta": "\(beta)", "alpha": "\(alpha)", "penalty": "\(repetitionPenalty)"]
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        _ = try candidateLayers(for: model)
        guard beta >= 0, beta.isFinite else { throw InterventionError(.badValue, "dola: beta must be ≥ 0, got \(beta)") }
        guard alpha >= 0, alpha <= 1 else { throw InterventionError(.badValue, "dola: alpha must be in 0…1, got \(alpha)") }
        guard repetitionPenalty >= 1, repetitionPenalty.isFinite else {
            throw InterventionError(.badValue, "dola: penalty must be ≥ 1 (1 = none), got \(repetitionPenalty)")
        }
    }

    /// The candidate layers for `model` (reference numbering).
    public func candidateLayers(for model: TransformerModel) throws -> [Int] {
        try candidateLayers(layers: model.config.layers, tiedEmbeddings: model.gguf.tensor(named: "output.weight") == nil)
    }

    /// The candidate layers for a model of `n` blocks (reference numbering).
    public func candidateLayers(layers n: Int, tiedEmbeddings: Bool) throws -> [Int] {
        switch layers {
        case .high:
            return n <= 40 ? Array(stride(from: n / 2, to: n, by: 2)) : Array(stride(from: n - 20, to: n, by: 2))
        case .low:
            // With tied embeddings, layer 0's logits just echo the input token; start at 2 (as transformers).
            let start = tiedEmbeddings ? (n > 2 ? 2 : (n == 2 ? 1 : 0)) : 0
            if start == n / 2 { return [start] }
            return n <= 40 ? Array(stride(from: start, to: n / 2, by: 2)) : Array(stride(from: start, to: 20, by: 2))
        case .explicit(let list):
            guard !list.isEmpty else { throw InterventionError(.badLayers, "dola: give at least one premature layer") }
            for l in list where l < 0 || l > n {
                throw InterventionError(.badLayers, "dola: layer \(l) does not exist; this model has layers 0…\(n) (0 = embeddings, \(n) = final)")
            }
            guard Set(list).count == list.count else { throw InterventionError(.badLayers, "dola: layers \(list) repeat a layer") }
            return list
        }
    }

    /// The hook point holding layer `layer`'s hidden state, or nil for the final layer `n`.
    public static func hookPoint(forLayer layer: Int, layers n: Int) -> HookPoint? {
        if layer == 0 { return .embedding }
        if layer >= n { return nil }
        return .residual(layer: layer - 1)
    }

    /// The candidate whose log-probabilities are furthest (Jensen–Shannon) from the final layer's;
    /// the first on ties, as the reference's `argmax`.
    public static func choosePremature(final: [Float], candidates: [[Float]]) -> Int {
        var best = 0, bestJS = -Double.infinity
        for (i, c) in candidates.enumerated() {
            let js = NextTokenMath.jensenShannon(final, c)
            if js > bestJS { best = i; bestJS = js }
        }
        return best
    }

    /// The contrast for every token: log p_final − β·log p_premature (no filter).
    public func contrast(final: [Float], premature: [Float]) -> [Double] {
        zip(final, premature).map { Double($0) - beta * Double($1) }
    }

    /// The contrast restricted to the tokens that pass the relative-top filter (others -infinity):
    /// what greedy DoLa generation takes the argmax of.
    public func filteredContrast(final: [Float], premature: [Float]) -> [Double] {
        let keep = NextTokenMath.plausible(final, alpha: alpha)
        return zip(zip(final, premature), keep).map { $1 ? Double($0.0) - beta * Double($0.1) : -Double.infinity }
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        return try DoLaProcessor(dola: self, session: session)
    }
}
