import Foundation
import TKEngine
import TKKernels

/// Inference-time intervention: shifts the K best heads of one fold's fit by α·σ along their
/// truthful direction, at every position of every forward pass (prompt, choices and every
/// generated token alike).
///
/// The reference has a variant that shifts only the last position; that changes scores of
/// multi-token answers depending on how they are batched, so every position is shifted here, as
/// in the ITI paper. With α = 0 the hooks add exact zeros and the outputs equal the baseline bit
/// for bit.
///
/// For held-out evaluation use fold f's intervention only on `fit.heldOutQuestions(fold: f)`
/// (see `ITIFit`).
public struct ITIIntervention: Intervention {
    public static let alphaRange: ClosedRange<Double> = -100...100
    public static let defaultAlpha = 15.0
    public static let defaultK = 48

    public let fit: ITIFit
    public let fold: Int
    public let alpha: Double
    public let k: Int
    /// The K heads shifted, best first.
    public let selectedHeads: [ITIHead]
    private let fitDigest: String

    /// - Throws: `ActivationFitError` when the fit is inconsistent, the fold does not exist,
    ///   α is outside `alphaRange` or not finite, or K is not in 1…(number of heads).
    public init(fit: ITIFit, fold: Int = 0, alpha: Double = ITIIntervention.defaultAlpha, k: Int = ITIIntervention.defaultK) throws {
        try fit.validate()
        guard (0..<fit.folds.count).contains(fold) else {
            throw ActivationFitError(.unknownLocation, "the ITI fit has folds 0...\(fit.folds.count - 1), not fold \(fold)")
        }
        guard alpha.isFinite, Self.alphaRange.contains(alpha) else {
            throw ActivationFitError(.outOfRange, "ITI alpha=\(alpha) is out of range; use a value in \(Self.alphaRange.lowerBound)…\(Self.alphaRange.upperBound) (the paper uses 15)")
        }
        let available = fit.folds[fold].heads.count
        guard k >= 1, k <= available else {
            throw ActivationFitError(.outOfRange, "ITI k=\(k) is out of range; this model has \(available) heads, so use 1…\(available)")
        }
        self.fit = fit
        self.fold = fold
        self.alpha = alpha
        self.k = k
        selectedHeads = Array(fit.folds[fold].heads.prefix(k))
        fitDigest = fit.digest
    }

    /// Throws `.incompatibleData` unless the run's data is the data the fit was made from (call it
    /// with `TruthfulQADataset.checksum` before scoring; the fold split only means something there).
    public func checkData(checksum: String) throws { try fit.checkData(checksum: checksum) }

    public var name: String { "iti" }

    public var settings: [String: String] {
        ["alpha": String(alpha), "k": String(k), "fold": String(fold), "fit": fitDigest, "data": fit.dataChecksum]
    }

    public func hooks(for model: TransformerModel) throws -> Hooks {
        try fit.checkModel(model)
        let headDim = fit.model.headDim
        var byLayer: [Int: [(column: Int, shift: [Float])]] = [:]
        for h in selectedHeads {
            let scale = Float(alpha) * h.sigma
            byLayer[h.layer, default: []].append((h.head * headDim, h.direction.map { scale * $0 }))
        }
        var hooks = Hooks()
        for layer in byLayer.keys.sorted() {
            let shifts = byLayer[layer]!
            hooks.add(at: .attentionHeads(layer: layer)) { m, _ in
                for r in 0..<m.rows {
                    for s in shifts { m.add(s.shift, toRow: r, startingAt: s.column) }
                }
            }
        }
        return hooks
    }
}
