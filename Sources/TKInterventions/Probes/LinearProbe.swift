import TKKernels

/// A linear read-out of "true vs false" from activations: `score = w·x + b`, higher meaning true.
///
/// Three kinds, as Marks & Tegmark's Geometry of Truth (`probes.py`) and the ITI/SAPLMA line use:
/// - `logistic`: L2 logistic regression on standardised features (`LogisticRegression`, λ = 1,
///   scikit-learn's default C = 1), exact optimum by Newton's method.
/// - `massMean`: θ = μ_true − μ_false, score θ·x (the direction between the class means, no fit).
/// - `massMeanIID`: score xᵀΣ⁻¹θ with Σ the pooled within-class covariance — the mass-mean probe
///   for in-distribution data. The reference takes `pinv(Σ, atol=1e-3)`; here Σ + εI is solved by
///   Cholesky with ε = 1e-3 · trace(Σ)/d, a ridge of the same purpose (a residual stream's
///   covariance is near-singular), so small-eigenvalue directions are damped, not cut.
///
/// Only the order of scores matters for AUROC, so the probes return decision values, not
/// probabilities (σ(score) would not change any number reported).
public struct LinearProbe: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case logistic = "logistic"
        case massMean = "mass-mean"
        case massMeanIID = "mass-mean-iid"
    }

    public var kind: Kind
    public var weights: [Double]
    public var bias: Double

    public init(kind: Kind, weights: [Double], bias: Double) {
        self.kind = kind
        self.weights = weights
        self.bias = bias
    }

    public func score(_ x: [Float]) -> Double {
        var s = bias
        for j in 0..<min(weights.count, x.count) { s += weights[j] * Double(x[j]) }
        return s
    }

    /// Fits a probe of `kind` to `features` (one row per statement, equal lengths) and `labels`.
    ///
    /// - Throws: `ActivationFitError` when rows are missing or uneven, a value is not finite, or
    ///   only one class is present.
    public static func fit(_ kind: Kind, features: [[Float]], labels: [Bool]) throws -> LinearProbe {
        guard !features.isEmpty, features.count == labels.count else {
            throw ActivationFitError(.invalidInput, "a probe needs one label per feature row; got \(features.count) rows and \(labels.count) labels")
        }
        guard labels.contains(true), labels.contains(false) else {
            throw ActivationFitError(.insufficientData, "a probe needs true and false statements among its training rows; only \(labels[0] ? "true" : "false") ones were given")
        }
        let d = features[0].count
        for (i, row) in features.enumerated() {
            guard row.count == d else { throw ActivationFitError(.invalidInput, "feature row \(i) has \(row.count) values, row 0 has \(d)") }
            guard row.allSatisfy(\.isFinite) else { throw ActivationFitError(.invalidInput, "feature row \(i) contains a value that is not finite") }
        }
        switch kind {
        case .logistic:
            let lr = try LogisticRegression.fit(features: features, labels: labels)
            return LinearProbe(kind: kind, weights: lr.weights, bias: lr.intercept)
        case .massMean, .massMeanIID:
            let positive = classMean(features, labels, true), negative = classMean(features, labels, false)
            let theta = zip(positive, negative).map { $0 - $1 }
            guard kind == .massMeanIID else { return LinearProbe(kind: kind, weights: theta, bias: 0) }
            // Rows centred on their own class mean; Σ = (Σᵢ rᵢrᵢᵀ)/n.
            var centred = [Float](repeating: 0, count: features.count * d)
            for (i, row) in features.enumerated() {
                let mean = labels[i] ? positive : negative
                for j in 0..<d { centred[i * d + j] = Float(Double(row[j]) - mean[j]) }
            }
            let gram = GramMatrix.of(centred, rows: features.count, cols: d)
            var sigma = gram.map { Double($0) / Double(features.count) }
            let trace = (0..<d).reduce(0.0) { $0 + sigma[$1 * d + $1] }
            let ridge = max(1e-3 * trace / Double(d), 1e-12)
            for j in 0..<d { sigma[j * d + j] += ridge }
            guard let direction = solveSymmetricPositiveDefinite(sigma, theta, size: d) else {
                throw ActivationFitError(.insufficientData, "the pooled covariance is not positive definite even with a ridge of \(ridge); the activations may be constant")
            }
            return LinearProbe(kind: kind, weights: direction, bias: 0)
        }
    }

    private static func classMean(_ features: [[Float]], _ labels: [Bool], _ label: Bool) -> [Double] {
        var sum = [Double](repeating: 0, count: features[0].count), count = 0
        for (row, l) in zip(features, labels) where l == label {
            count += 1
            for j in 0..<row.count { sum[j] += Double(row[j]) }
        }
        return sum.map { $0 / Double(count) }
    }
}
