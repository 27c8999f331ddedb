import TKEngine

/// LOL — "Lower Layers Matter" (Chen et al., 2024, arXiv 2408.08769), reduced: induce-then-contrast
/// decoding at the final layer *and* at lower layers, fused.
///
/// The amateur is the model itself under a hallucination-inducing prompt (ICD's amateur). At the
/// final layer N and at each lower layer l (the residual stream after block l − 1, projected
/// through the output head, DoLa's numbering) the contrast is
///
///     c_l(t) = log p_expert^l(t) − β · log p_amateur^l(t)
///
/// and the fused score is c_N(t) + ω · mean_l c_l(t).
///
/// The paper publishes neither code nor its layers and weights; ours were chosen on training-fold
/// questions (see the README's interventions section). The paper's "truthfulness refocused"
/// instruction module is not part of this reduction.
///
/// Multiple choice sums the fused scores over the continuation's tokens, unfiltered and
/// unrenormalised, as ICD's and DoLa's TruthfulQA MC evaluations do. Generation takes the fused
/// score over the tokens the expert's final layer finds plausible (p ≥ α·max p). With β = 0 and
/// ω = 0 the scores are the model's own, bit for bit (terms with a zero weight are left out, not
/// multiplied by zero).
public struct LayerFusedContrast: Intervention {
    /// The final-layer contrast: ICD with its inducing prompt, β, α and repetition penalty.
    public var contrast: ContrastiveDecoding
    /// Lower layers, 0…N−1 (0 = embeddings).
    public var lowerLayers: [Int]
    /// ω, the weight of the lower layers' mean contrast.
    public var weight: Double
    /// Whether lower layers pass through the final norm before the output head ("logit lens").
    public var norm: DoLa.PrematureNorm

    public static let defaultLayers = [15]
    public static let defaultWeight = 1.0

    public init(rewrite: PromptRewrite = .hallucinationInducing, lowerLayers: [Int] = defaultLayers, weight: Double = defaultWeight,
                norm: DoLa.PrematureNorm = .final, beta: Double = 1, alpha: Double = 0.1, repetitionPenalty: Double = 1) {
        contrast = .induced(rewrite, beta: beta, alpha: alpha, repetitionPenalty: repetitionPenalty)
        self.lowerLayers = lowerLayers
        self.weight = weight
        self.norm = norm
    }

    public var name: String { "lol" }
    public var beta: Double { contrast.beta ?? 1 }

    public var settings: [String: String] {
        var s = contrast.settings
        s["layers"] = lowerLayers.map(String.init).joined(separator: ",")
        s["weight"] = "\(weight)"
        s["norm"] = norm.rawValue
        return s
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        try contrast.validate(for: model)
        let n = model.config.layers
        guard !lowerLayers.isEmpty else { throw InterventionError(.badLayers, "lol: give at least one lower layer (layers=L,L,…)") }
        for l in lowerLayers where l < 0 || l >= n {
            throw InterventionError(.badLayers, "lol: lower layer \(l) does not exist; this model's lower layers are 0…\(n - 1) (0 = embeddings; \(n) is the final layer, always contrasted)")
        }
        guard Set(lowerLayers).count == lowerLayers.count else { throw InterventionError(.badLayers, "lol: layers \(lowerLayers) repeat a layer") }
        guard weight.isFinite, weight >= 0 else { throw InterventionError(.badValue, "lol: weight must be ≥ 0, got \(weight)") }
    }

    /// The hook points of the lower layers, in `lowerLayers` order (what both the expert and the
    /// amateur record).
    public func points(layers n: Int) -> [HookPoint] {
        lowerLayers.compactMap { DoLa.hookPoint(forLayer: $0, layers: n) }
    }

    /// The fused score of token `t`.
    ///
    /// - Parameters:
    ///   - expert: the expert's final log-probability row, then its rows at each lower layer.
    ///   - amateur: the same rows for the amateur.
    public func fused(_ t: Int, expert: [[Float]], amateur: [[Float]]) -> Double {
        let b = beta
        func contrast(_ k: Int) -> Double { b == 0 ? Double(expert[k][t]) : Double(expert[k][t]) - b * Double(amateur[k][t]) }
        guard weight != 0 else { return contrast(0) }
        var lower = 0.0
        for k in 1..<expert.count { lower += contrast(k) }
        return contrast(0) + weight / Double(lowerLayers.count) * lower
    }

    /// The fused score of every token (no filter).
    public func fuse(expert: [[Float]], amateur: [[Float]]) -> [Double] {
        checkRows(expert: expert, amateur: amateur)
        return expert[0].indices.map { fused($0, expert: expert, amateur: amateur) }
    }

    /// `fuse` restricted to the tokens the expert's final layer finds plausible (others −infinity).
    public func filteredFuse(expert: [[Float]], amateur: [[Float]]) -> [Double] {
        checkRows(expert: expert, amateur: amateur)
        return NextTokenMath.plausible(expert[0], alpha: contrast.alpha).enumerated().map { t, keep in
            keep ? fused(t, expert: expert, amateur: amateur) : -.infinity
        }
    }

    /// The plausible token with the highest fused score (lowest id on ties): greedy LOL.
    public func greedyToken(expert: [[Float]], amateur: [[Float]]) -> Int? {
        checkRows(expert: expert, amateur: amateur)
        var best: Int?, bestScore = -Double.infinity
        for (t, keep) in NextTokenMath.plausible(expert[0], alpha: contrast.alpha).enumerated() where keep {
            let s = fused(t, expert: expert, amateur: amateur)
            if best == nil || s > bestScore { best = t; bestScore = s }
        }
        return best
    }

    func checkRows(expert: [[Float]], amateur: [[Float]]) {
        precondition(expert.count == lowerLayers.count + 1, "the final row plus one row per lower layer")
        precondition(beta == 0 || amateur.count == expert.count, "the amateur's rows match the expert's")
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        return try LayerFusedContrastProcessor(lol: self, session: session, promptText: promptText, promptTokens: promptTokens)
    }
}
