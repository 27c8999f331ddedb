import TKEngine
import TKKernels

/// Truth Neurons' suppression experiment: the k best neurons of one fold's fit are multiplied by
/// `scale` (0 silences them) at every position of every forward pass, through the
/// `blocks.L.ffn.act` hooks.
///
/// k = 0 (or scale = 1) installs no hook at all, so the outputs are the baseline's bit for bit.
/// For held-out evaluation apply fold f only to `fit.split.heldOut(fold: f)`.
public struct TruthNeuronIntervention: Intervention {
    public static let defaultK = 100
    public static let scaleRange: ClosedRange<Double> = -10...10

    public let fit: TruthNeuronFit
    public let fold: Int
    public let k: Int
    public let scale: Double
    /// The neurons edited, best first.
    public let selected: [TruthNeuron]
    private let fitDigest: String

    /// - Throws: `ActivationFitError` when the fold does not exist, k exceeds the neurons the fit
    ///   kept, or the scale is out of range.
    public init(fit: TruthNeuronFit, fold: Int = 0, k: Int = TruthNeuronIntervention.defaultK, scale: Double = 0) throws {
        try fit.validate()
        guard (0..<fit.folds.count).contains(fold) else {
            throw ActivationFitError(.unknownLocation, "the Truth Neurons fit has folds 0...\(fit.folds.count - 1), not fold \(fold)")
        }
        let available = fit.folds[fold].neurons.count
        guard k >= 0, k <= available else {
            throw ActivationFitError(.outOfRange, "truth-neurons k=\(k) is out of range; fold \(fold) of this fit kept \(available) neurons, so use 0…\(available) (fit with a larger --keep for more)")
        }
        guard scale.isFinite, Self.scaleRange.contains(scale) else {
            throw ActivationFitError(.outOfRange, "truth-neurons scale=\(scale) is out of range; use \(Self.scaleRange.lowerBound)…\(Self.scaleRange.upperBound) (0 suppresses, 1 leaves the model as it is)")
        }
        self.fit = fit
        self.fold = fold
        self.k = k
        self.scale = scale
        selected = Array(fit.folds[fold].neurons.prefix(k))
        fitDigest = fit.digest
    }

    public var name: String { "truth-neurons" }

    public var settings: [String: String] {
        ["k": String(k), "scale": String(scale), "fold": String(fold), "fit": fitDigest, "data": fit.dataChecksum]
    }

    public func hooks(for model: TransformerModel) throws -> Hooks {
        try fit.model.check(against: model, what: "this Truth Neurons fit")
        guard fit.hiddenDim == model.config.hiddenDim else {
            throw ActivationFitError(.incompatibleModel, "this Truth Neurons fit has \(fit.hiddenDim) neurons per layer, the model \(model.config.hiddenDim); fit it again on this model")
        }
        var hooks = Hooks()
        guard scale != 1 else { return hooks }
        let factor = Float(scale)
        let byLayer = Dictionary(grouping: selected, by: \.layer)
        for layer in byLayer.keys.sorted() {
            let columns = byLayer[layer]!.map(\.index)
            hooks.add(at: .feedForward(layer: layer)) { m, _ in
                for r in 0..<m.rows {
                    for c in columns { m[r, c] *= factor }
                }
            }
        }
        return hooks
    }
}
