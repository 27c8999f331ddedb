import TKEngine
import TKKernels

/// GrAInS steering: after block `layer`, every position's residual stream `h` becomes
/// `(h + 10·α·v) · ‖h‖ / ‖h + 10·α·v‖` — shifted along the fold's unit direction v, then brought
/// back to its own norm (the reference's normalised hook, with its factor 10).
///
/// α = 0 installs no hook, so the outputs are the baseline's bit for bit. For held-out evaluation
/// apply fold f only to `fit.split.heldOut(fold: f)`.
public struct GrAInSIntervention: Intervention {
    public static let defaultAlpha = 4.0
    public static let alphaRange: ClosedRange<Double> = -100...100

    public let fit: GrAInSFit
    public let fold: Int
    public let alpha: Double
    private let fitDigest: String

    public init(fit: GrAInSFit, fold: Int = 0, alpha: Double = GrAInSIntervention.defaultAlpha) throws {
        try fit.validate()
        guard (0..<fit.folds.count).contains(fold) else {
            throw ActivationFitError(.unknownLocation, "the GrAInS fit has folds 0...\(fit.folds.count - 1), not fold \(fold)")
        }
        guard alpha.isFinite, Self.alphaRange.contains(alpha) else {
            throw ActivationFitError(.outOfRange, "grains alpha=\(alpha) is out of range; use \(Self.alphaRange.lowerBound)…\(Self.alphaRange.upperBound) (the reference uses 4; 0 is the baseline)")
        }
        self.fit = fit
        self.fold = fold
        self.alpha = alpha
        fitDigest = fit.digest
    }

    public var name: String { "grains" }

    public var settings: [String: String] {
        ["alpha": String(alpha), "fold": String(fold), "layer": String(fit.options.layer), "fit": fitDigest, "data": fit.dataChecksum]
    }

    public func hooks(for model: TransformerModel) throws -> Hooks {
        try fit.model.check(against: model, what: "this GrAInS fit")
        var hooks = Hooks()
        guard alpha != 0 else { return hooks }
        let shift = fit.folds[fold].direction.map { Float(10 * alpha) * $0 }
        hooks.add(at: .residual(layer: fit.options.layer)) { m, _ in
            for r in 0..<m.rows {
                let h = m.row(r)
                let moved = zip(h, shift).map { $0 + $1 }
                let before = h.reduce(0) { $0 + $1 * $1 }.squareRoot(), after = moved.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard after > 0 else { continue }
                m.setRow(r, moved.map { $0 * before / after })
            }
        }
        return hooks
    }
}
