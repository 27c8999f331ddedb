import Foundation
import TKEngine

/// CAAD — context-aware adaptive decoding (arXiv 2508.02184), as its review describes it (no code
/// was published): at each position, retrieve the stored truthful contexts nearest to the current
/// one and add `coefficient` × their softmax-weighted next-token logits to the model's.
///
/// score(t) = log-softmax(log p(t) + λ·Σᵢ wᵢ·logitsᵢ(t)), the weights from `ContextLogitStore`. The
/// result is renormalised (it is a distribution; multiple choice sums its log-probabilities). With
/// λ = 0, or when nothing is retrieved, the model's own scores are returned unchanged, bit for bit.
/// The reference's threshold (0.01) is read as a floor on a neighbour's weight; its neighbour count
/// and coefficient are not given, ours were chosen on training folds (see the README).
public struct CAAD: Intervention {
    public var store: ContextLogitStore
    /// λ, the strength of the retrieved logits.
    public var coefficient: Double
    /// Neighbours retrieved per position.
    public var top: Int
    /// Softmax temperature over cosine similarities.
    public var temperature: Double
    /// Smallest weight a neighbour keeps.
    public var threshold: Double
    /// Which store this is (file digest and fold), for run settings.
    public var label: String

    public static let defaultCoefficient = 0.1
    public static let defaultTop = 8
    public static let defaultTemperature = 0.05
    public static let defaultThreshold = 0.01

    public init(store: ContextLogitStore, coefficient: Double = defaultCoefficient, top: Int = defaultTop,
                temperature: Double = defaultTemperature, threshold: Double = defaultThreshold, label: String) {
        self.store = store
        self.coefficient = coefficient
        self.top = top
        self.temperature = temperature
        self.threshold = threshold
        self.label = label
    }

    public var name: String { "caad" }

    public var settings: [String: String] {
        ["store": label, "entries": "\(store.count)", "coefficient": "\(coefficient)", "top": "\(top)",
         "temperature": "\(temperature)", "threshold": "\(threshold)"]
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        guard let width = store.embeddings.first?.count, let vocab = store.logits.first?.count else {
            throw InterventionError(.badValue, "caad: the store is empty; fit one with `truthkit caad fit`")
        }
        guard width == model.config.dim, vocab == model.config.vocabSize else {
            throw InterventionError(.badValue, "caad: the store holds \(width)-wide contexts and \(vocab) logits, but the model has width \(model.config.dim) and \(model.config.vocabSize) logits; fit the store on this model")
        }
        guard coefficient.isFinite, coefficient >= 0 else { throw InterventionError(.badValue, "caad: coefficient must be ≥ 0, got \(coefficient)") }
        guard temperature > 0, temperature.isFinite else { throw InterventionError(.badValue, "caad: temperature must be > 0, got \(temperature)") }
        guard top >= 1 else { throw InterventionError(.badValue, "caad: top must be ≥ 1, got \(top)") }
        guard (0..<1).contains(threshold) else { throw InterventionError(.badValue, "caad: threshold must be in [0, 1), got \(threshold)") }
    }

    /// The adjusted log-probabilities at a position whose final block output is `hidden`; nil when
    /// the method leaves the position alone (λ = 0 or no neighbour retrieved).
    public func adjusted(logProbs: [Float], hidden: [Float]) -> [Float]? {
        guard coefficient != 0, let bias = store.bias(for: hidden, top: top, temperature: temperature, threshold: threshold) else { return nil }
        let s = logProbs.indices.map { Double(logProbs[$0]) + coefficient * bias[$0] }
        let m = s.max() ?? 0
        let lse = m + Foundation.log(s.reduce(0.0) { $0 + Foundation.exp($1 - m) })
        return s.map { Float($0 - lse) }
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        return CAADProcessor(caad: self, finalBlock: .residual(layer: model.config.layers - 1))
    }
}

/// CAAD's generation step: the last row of the final block's output (recorded each step) is the
/// query; the step returns the adjusted log-probabilities, or the logits untouched when nothing
/// changes.
public final class CAADProcessor: LogitsProcessor {
    public let caad: CAAD
    public let recordedPoints: [HookPoint]

    public init(caad: CAAD, finalBlock: HookPoint) {
        self.caad = caad
        recordedPoints = [finalBlock]
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        guard caad.coefficient != 0 else { return logits }
        guard let hidden = activations[recordedPoints[0]] else {
            throw InterventionError(.badLayers, "caad: no activations were recorded at \(recordedPoints[0])")
        }
        return caad.adjusted(logProbs: NextTokenMath.logSoftmax(logits), hidden: hidden) ?? logits
    }
}

extension CAAD: ScoringRule {
    public func projectedPoints(for model: TransformerModel) throws -> [ProjectedPoint] { [] }

    public var secondModels: [Amateur] { [] }

    public var readsHiddenState: Bool { true }

    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], targets: [Int32]) -> RuleRowScore {
        preconditionFailure("caad scores need the hidden state; call scoreRow(final:projected:second:hidden:targets:)")
    }

    public func scoreRow(final: [Float], projected: [[Float]], second: [[Float]], hidden: [Float]?, targets: [Int32]) -> RuleRowScore {
        let row = hidden.flatMap { adjusted(logProbs: final, hidden: $0) } ?? final
        var scores: [Int32: Double] = [:]
        for t in targets { scores[t] = Double(row[Int(t)]) }
        let greedy = NextTokenMath.argmax(row.map(Double.init)).map { Int32($0) } ?? -1
        return RuleRowScore(scores: scores, greedy: greedy)
    }
}
