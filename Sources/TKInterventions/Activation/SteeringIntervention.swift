import Foundation
import TKEngine
import TKKernels

/// Adds α·v to the residual stream after block L, at every position, for each vector v at layer L.
///
/// Blocks before the first steered layer compute exactly what they would without it; with α = 0
/// the outputs equal the baseline bit for bit.
public struct SteeringIntervention: Intervention {
    public static let alphaRange: ClosedRange<Double> = -100...100
    public static let defaultAlpha = 1.0

    public let vectors: SteeringVectors
    public let alpha: Double
    private let digest: String

    /// - Throws: `ActivationFitError` for unknown or repeated layers, wrong widths, non-finite
    ///   values, or α outside `alphaRange`.
    public init(vectors: SteeringVectors, alpha: Double = SteeringIntervention.defaultAlpha) throws {
        try vectors.validate()
        guard alpha.isFinite, Self.alphaRange.contains(alpha) else {
            throw ActivationFitError(.outOfRange, "steering alpha=\(alpha) is out of range; use a value in \(Self.alphaRange.lowerBound)…\(Self.alphaRange.upperBound)")
        }
        self.vectors = vectors
        self.alpha = alpha
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        digest = contentDigest((try? encoder.encode(vectors)) ?? Data())
    }

    /// Throws `.incompatibleData` when the vectors record a data checksum other than `checksum`.
    public func checkData(checksum: String) throws {
        if let recorded = vectors.dataChecksum, recorded != checksum {
            throw ActivationFitError(.incompatibleData, "these steering vectors were made from data with checksum \(recorded), but the run uses \(checksum); fit again on the data this run uses (`truthkit steer fit --data FILE` or `--data-version V`; the generation task reads v0 by default)")
        }
    }

    public var name: String { "steer" }

    public var settings: [String: String] {
        var s = ["alpha": String(alpha), "layers": vectors.vectors.map { String($0.layer) }.joined(separator: ","), "vectors": digest]
        if let f = vectors.fold { s["fold"] = String(f) }
        if let d = vectors.dataChecksum { s["data"] = d }
        return s
    }

    public func hooks(for model: TransformerModel) throws -> Hooks {
        try vectors.model.check(against: model, fingerprint: nil, what: "these steering vectors")
        var hooks = Hooks()
        for v in vectors.vectors {
            let shift = v.values.map { Float(alpha) * $0 }
            hooks.add(at: .residual(layer: v.layer)) { m, _ in
                for r in 0..<m.rows { m.add(shift, toRow: r) }
            }
        }
        return hooks
    }
}
