import TKEngine

/// How a decoding method scores the tokens of a continuation (multiple choice): what it reads
/// besides the model's own log-probabilities, and how it turns them into one score per token.
///
/// The method owns its rule, so a backend computes what the rule asks for — rows projected from
/// chosen activations, rows from second models — and never needs to know which method it runs.
public protocol ScoringRule: Sendable {
    /// Activations to record during the model's forward passes and project through the output head
    /// at every scored position (DoLa's candidate premature layers). Empty for rules that read none.
    func projectedPoints(for model: TransformerModel) throws -> [ProjectedPoint]
    /// Second models scored on the same continuation tokens (contrastive decoding's amateurs).
    var secondModels: [Amateur] { get }
    /// The score of each target at one position, and the rule's own greedy token there.
    ///
    /// - Parameters:
    ///   - final: the model's log-probability row.
    ///   - projected: one log-probability row per projected point, in `projectedPoints` order.
    ///   - second: one log-probability row per second model, in `secondModels` order — or, for a
    ///     rule with both projected points and second models (LOL), 1 + points rows per second
    ///     model: its final row, then its rows at the same points.
    func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], targets: [Int32]) -> RuleRowScore
    /// Whether the rule reads the final block's output at each scored position (CAAD's retrieval
    /// query); the backend then calls the `hidden:` form of `scoreRow`.
    var readsHiddenState: Bool { get }
    /// `scoreRow` with the final block's output at the position (before the final norm), for rules
    /// that read it.
    func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], hidden: [Float]?, targets: [Int32]) -> RuleRowScore
}

extension ScoringRule {
    public var readsHiddenState: Bool { false }

    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], hidden: [Float]?, targets: [Int32]) -> RuleRowScore {
        scoreRow(final: final, projected: projected, second: second, targets: targets)
    }
}

/// An activation a rule reads at each scored position, projected through the output head.
public struct ProjectedPoint: Sendable, Equatable {
    /// Where to record; nil means the final layer itself (its row is `final`, nothing is recorded).
    public var point: HookPoint?
    /// Apply the final norm before the output head.
    public var applyFinalNorm: Bool
    /// The layer number reported in diagnostics (how often each point was chosen).
    public var layer: Int

    public init(point: HookPoint?, applyFinalNorm: Bool, layer: Int) {
        self.point = point
        self.applyFinalNorm = applyFinalNorm
        self.layer = layer
    }
}

/// One position's scores under a rule.
public struct RuleRowScore: Sendable, Equatable {
    public var scores: [Int32: Double]
    public var greedy: Int32
    /// Which projected point the rule chose at this position, when it chooses one (DoLa).
    public var chosenPoint: Int?

    public init(scores: [Int32: Double], greedy: Int32, chosenPoint: Int? = nil) {
        self.scores = scores
        self.greedy = greedy
        self.chosenPoint = chosenPoint
    }
}

extension Intervention {
    /// The method's multiple-choice scoring rule, when it has one (decoding methods); nil means
    /// the model's own log-probabilities (under whatever hooks the method installs).
    public var scoringRule: (any ScoringRule)? { self as? any ScoringRule }
}

extension DoLa: ScoringRule {
    public func projectedPoints(for model: TransformerModel) throws -> [ProjectedPoint] {
        let layers = model.config.layers
        return try candidateLayers(for: model).map {
            ProjectedPoint(point: Self.hookPoint(forLayer: $0, layers: layers), applyFinalNorm: norm == .final, layer: $0)
        }
    }

    public var secondModels: [Amateur] { [] }

    /// log p_final(t) − β·log p_premature(t), the premature layer chosen by Jensen–Shannon
    /// divergence; the greedy token is DoLa's relative-top-filtered argmax.
    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], targets: [Int32]) -> RuleRowScore {
        let pick = Self.choosePremature(final: final, candidates: projected)
        var scores: [Int32: Double] = [:]
        for t in targets { scores[t] = Double(final[Int(t)]) - beta * Double(projected[pick][Int(t)]) }
        let best = NextTokenMath.argmax(filteredContrast(final: final, premature: projected[pick])) ?? 0
        return RuleRowScore(scores: scores, greedy: Int32(best), chosenPoint: pick)
    }
}

extension ContrastiveDecoding: ScoringRule {
    public func projectedPoints(for model: TransformerModel) throws -> [ProjectedPoint] { [] }

    public var secondModels: [Amateur] { amateurs }

    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], targets: [Int32]) -> RuleRowScore {
        let combined = combine(expert: final, amateurs: second)
        var scores: [Int32: Double] = [:]
        for t in targets { scores[t] = combined[Int(t)] }
        let greedy = NextTokenMath.argmax(filteredCombine(expert: final, amateurs: second)).map { Int32($0) } ?? -1
        return RuleRowScore(scores: scores, greedy: greedy)
    }
}

extension LayerFusedContrast: ScoringRule {
    public func projectedPoints(for model: TransformerModel) throws -> [ProjectedPoint] {
        zip(lowerLayers, points(layers: model.config.layers)).map {
            ProjectedPoint(point: $1, applyFinalNorm: norm == .final, layer: $0)
        }
    }

    public var secondModels: [Amateur] { contrast.amateurs }

    /// The fused contrast of the final and lower layers; the greedy token is its plausible argmax.
    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], targets: [Int32]) -> RuleRowScore {
        let expert = [final] + projected
        var scores: [Int32: Double] = [:]
        for t in targets { scores[t] = fused(Int(t), expert: expert, amateur: second) }
        let greedy = greedyToken(expert: expert, amateur: second).map { Int32($0) } ?? -1
        return RuleRowScore(scores: scores, greedy: greedy)
    }
}
