import Foundation
import TKKernels

/// A binary logistic-regression classifier with an L2 penalty, fitted by Newton's method.
///
/// ITI ranks attention heads by how well a linear probe on a head's output separates true from
/// false answers; the reference trains scikit-learn's `LogisticRegression` (L2, C = 1) per head.
/// This is the same model, written out so the fit is exact and deterministic:
///
/// - Features are standardised with the training rows' mean and standard deviation (a feature
///   that never varies is left unscaled), so one penalty strength suits heads of any scale.
/// - The objective is `Σᵢ log(1 + exp(−yᵢ (w·xᵢ + b))) + λ/2 ‖w‖²` with yᵢ ∈ {−1, +1} and the
///   intercept b unpenalised (scikit-learn's C is 1/λ).
/// - Newton's method with step halving: the objective is strictly convex, so it converges to the
///   unique optimum in a few iterations even on separable data, with no learning rate to tune and
///   no random initialisation or shuffling — the same input always gives the same bits.
/// - With fewer examples than features (probes fitted on a handful of questions) the same problem
///   is solved exactly in the span of the examples, in at most n instead of d dimensions.
///
/// Arithmetic is in `Double`; the inputs are `Float` activations.
public struct LogisticRegression: Sendable, Codable, Equatable {
    /// Weights in the original (unstandardised) feature space.
    public var weights: [Double]
    /// Intercept in the original feature space.
    public var intercept: Double
    /// Newton iterations used.
    public var iterations: Int

    public struct Options: Sendable, Codable, Equatable {
        /// λ, the L2 penalty on the standardised weights (scikit-learn's 1/C). Must be > 0.
        public var l2: Double = 1
        /// Standardise features before fitting (the returned weights are always in input space).
        public var standardize: Bool = true
        public var maxIterations: Int = 100
        /// Stop when the largest gradient component is below this (relative to the row count).
        public var tolerance: Double = 1e-10
        public init(l2: Double = 1, standardize: Bool = true, maxIterations: Int = 100, tolerance: Double = 1e-10) {
            self.l2 = l2
            self.standardize = standardize
            self.maxIterations = maxIterations
            self.tolerance = tolerance
        }
    }

    public init(weights: [Double], intercept: Double, iterations: Int = 0) {
        self.weights = weights
        self.intercept = intercept
        self.iterations = iterations
    }

    /// Fits the model to `features` (one row per example, all of equal length) and `labels`.
    ///
    /// - Throws: `ActivationFitError` when there are no rows, rows differ in length, a value is not
    ///   finite, only one class is present, or the options are out of range.
    public static func fit(features: [[Float]], labels: [Bool], options: Options = Options()) throws -> LogisticRegression {
        try fit(features: features, labels: labels, options: options, reduceWhenWide: true)
    }

    /// `reduceWhenWide: false` forces the direct d-dimensional solve (tests compare both paths).
    static func fit(features: [[Float]], labels: [Bool], options: Options, reduceWhenWide: Bool) throws -> LogisticRegression {
        guard !features.isEmpty else { throw ActivationFitError(.insufficientData, "logistic regression needs at least one example") }
        guard features.count == labels.count else {
            throw ActivationFitError(.invalidInput, "\(features.count) feature rows but \(labels.count) labels; give one label per row")
        }
        let d = features[0].count
        guard d > 0 else { throw ActivationFitError(.invalidInput, "feature rows are empty") }
        for (i, row) in features.enumerated() {
            guard row.count == d else { throw ActivationFitError(.invalidInput, "feature row \(i) has \(row.count) values, row 0 has \(d)") }
            guard row.allSatisfy(\.isFinite) else { throw ActivationFitError(.invalidInput, "feature row \(i) contains a value that is not finite") }
        }
        guard labels.contains(true), labels.contains(false) else {
            throw ActivationFitError(.insufficientData, "logistic regression needs examples of both classes; only \(labels[0] ? "true" : "false") ones were given")
        }
        guard options.l2 > 0, options.l2.isFinite else { throw ActivationFitError(.invalidInput, "the L2 penalty must be positive and finite, got \(options.l2)") }
        guard options.maxIterations > 0 else { throw ActivationFitError(.invalidInput, "maxIterations must be at least 1") }

        let n = features.count
        // Standardisation (population standard deviation, as scikit-learn's StandardScaler).
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        if options.standardize {
            for row in features { for j in 0..<d { mean[j] += Double(row[j]) } }
            for j in 0..<d { mean[j] /= Double(n) }
            var variance = [Double](repeating: 0, count: d)
            for row in features { for j in 0..<d { let c = Double(row[j]) - mean[j]; variance[j] += c * c } }
            for j in 0..<d {
                let s = (variance[j] / Double(n)).squareRoot()
                scale[j] = s > 1e-12 ? s : 1
            }
        }
        var z = [Double](repeating: 0, count: n * d)
        for (i, row) in features.enumerated() {
            for j in 0..<d { z[i * d + j] = (Double(row[j]) - mean[j]) / scale[j] }
        }
        let y: [Double] = labels.map { $0 ? 1 : -1 }
        let standardWeights: [Double], standardIntercept: Double, iterations: Int
        if reduceWhenWide && n < d {
            // Fewer examples than features (a probe on a few questions): the optimal w lies in the
            // span of the rows, because any component orthogonal to them only adds penalty. With an
            // orthonormal basis Q of that span (Gram–Schmidt), the rows' coordinates c = Qᵀz give the
            // same margins and ‖w‖ = ‖v‖ for w = Qv, so fitting v on c is the same problem in at most
            // n dimensions instead of d.
            var basis: [[Double]] = []
            for i in 0..<n {
                var v = Array(z[(i * d)..<((i + 1) * d)])
                let original = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for _ in 0..<2 {  // twice, for orthogonality in floating point
                    for q in basis {
                        var dot = 0.0
                        for j in 0..<d { dot += q[j] * v[j] }
                        for j in 0..<d { v[j] -= dot * q[j] }
                    }
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 1e-10 * max(original, 1e-300) { basis.append(v.map { $0 / norm }) }
            }
            let r = basis.count
            var coordinates = [Double](repeating: 0, count: n * r)
            for i in 0..<n {
                for (k, q) in basis.enumerated() {
                    var dot = 0.0
                    for j in 0..<d { dot += q[j] * z[i * d + j] }
                    coordinates[i * r + k] = dot
                }
            }
            let (beta, used) = newton(coordinates, y, rows: n, features: r, options: options)
            var w = [Double](repeating: 0, count: d)
            for (k, q) in basis.enumerated() { for j in 0..<d { w[j] += beta[k] * q[j] } }
            (standardWeights, standardIntercept, iterations) = (w, beta[r], used)
        } else {
            let (beta, used) = newton(z, y, rows: n, features: d, options: options)
            (standardWeights, standardIntercept, iterations) = (Array(beta[0..<d]), beta[d], used)
        }
        // Back to input space: w·((x − μ)/s) + b = (w/s)·x + (b − Σ w μ / s).
        var weights = [Double](repeating: 0, count: d)
        var intercept = standardIntercept
        for j in 0..<d {
            weights[j] = standardWeights[j] / scale[j]
            intercept -= weights[j] * mean[j]
        }
        return LogisticRegression(weights: weights, intercept: intercept, iterations: iterations)
    }

    /// Above this many parameters the Hessian is built by `GramMatrix` (BLAS) instead of a loop.
    static let gramThreshold = 128

    /// Newton's method with step halving on row-major `rows × features` inputs `z` and labels ±1;
    /// returns the weights followed by the (unpenalised) intercept, and the iterations used.
    static func newton(_ z: [Double], _ y: [Double], rows n: Int, features d: Int, options: Options) -> ([Double], Int) {
        // Design matrix with a trailing 1 for the intercept, row-major n × (d + 1).
        let p = d + 1
        var x = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            for j in 0..<d { x[i * p + j] = z[i * d + j] }
            x[i * p + d] = 1
        }
        let lambda = options.l2

        func objective(_ beta: [Double]) -> Double {
            var total = 0.0
            for i in 0..<n {
                var z = 0.0
                for j in 0..<p { z += x[i * p + j] * beta[j] }
                total += logOnePlusExp(-y[i] * z)
            }
            for j in 0..<d { total += 0.5 * lambda * beta[j] * beta[j] }
            return total
        }

        var beta = [Double](repeating: 0, count: p)
        var current = objective(beta)
        var iterations = 0
        while iterations < options.maxIterations {
            iterations += 1
            var gradient = [Double](repeating: 0, count: p)
            var hessian = [Double](repeating: 0, count: p * p)
            // Wide problems (a probe on a whole residual stream: p in the hundreds, n in the
            // thousands) build the Hessian XᵀWX as one BLAS product of the √w-scaled rows, in float32;
            // the gradient and objective stay in Double, and step halving keeps every step a descent
            // step, so the optimum reached is the same. Narrow ones (ITI's heads) keep the exact loop.
            let useGram = p > Self.gramThreshold
            var scaledRows = useGram ? [Float](repeating: 0, count: n * p) : []
            for i in 0..<n {
                var z = 0.0
                for j in 0..<p { z += x[i * p + j] * beta[j] }
                let prob = sigmoid(z)                      // P(y = +1)
                let target = y[i] > 0 ? 1.0 : 0.0
                let residual = prob - target
                let weight = max(prob * (1 - prob), 1e-300)
                if useGram {
                    let root = weight.squareRoot()
                    for j in 0..<p {
                        gradient[j] += residual * x[i * p + j]
                        scaledRows[i * p + j] = Float(root * x[i * p + j])
                    }
                    continue
                }
                for j in 0..<p {
                    let xj = x[i * p + j]
                    gradient[j] += residual * xj
                    let wx = weight * xj
                    for k in 0...j { hessian[j * p + k] += wx * x[i * p + k] }
                }
            }
            if useGram {
                let gram = GramMatrix.of(scaledRows, rows: n, cols: p)
                for j in 0..<p { for k in 0...j { hessian[j * p + k] = Double(gram[j * p + k]) } }
            }
            for j in 0..<d {
                gradient[j] += lambda * beta[j]
                hessian[j * p + j] += lambda
            }
            for j in 0..<p { for k in 0..<j { hessian[k * p + j] = hessian[j * p + k] } }
            let largest = gradient.map(abs).max() ?? 0
            if largest <= options.tolerance * Double(n) { break }
            guard let step = solveSymmetricPositiveDefinite(hessian, gradient, size: p) else { break }
            // Step halving keeps every iteration a descent step.
            var t = 1.0
            var accepted = false
            while t > 1e-10 {
                let candidate = (0..<p).map { beta[$0] - t * step[$0] }
                let value = objective(candidate)
                if value <= current {
                    let improvement = current - value
                    beta = candidate
                    current = value
                    accepted = true
                    if improvement <= 1e-15 * max(1, abs(current)) { t = 0 }
                    break
                }
                t /= 2
            }
            if !accepted || t == 0 { break }
        }
        return (beta, iterations)
    }

    /// The decision value `w·x + b`; positive means "true".
    public func decision(_ features: [Float]) -> Double {
        var z = intercept
        for j in 0..<min(weights.count, features.count) { z += weights[j] * Double(features[j]) }
        return z
    }

    /// P(true | features).
    public func probability(_ features: [Float]) -> Double { Self.sigmoid(decision(features)) }

    public func predict(_ features: [Float]) -> Bool { decision(features) > 0 }

    /// Fraction of rows classified correctly (0 when there are none).
    public func accuracy(features: [[Float]], labels: [Bool]) -> Double {
        guard !features.isEmpty, features.count == labels.count else { return 0 }
        let correct = zip(features, labels).filter { predict($0.0) == $0.1 }.count
        return Double(correct) / Double(features.count)
    }

    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : { let e = exp(z); return e / (1 + e) }()
    }

    static func logOnePlusExp(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }
}

/// Solves `A x = b` for a symmetric positive-definite `A` (row-major `size × size`) by Cholesky
/// decomposition; nil when `A` is not numerically positive definite.
func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var sum = a[i * n + j]
            for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
            if i == j {
                guard sum > 0, sum.isFinite else { return nil }
                l[i * n + i] = sum.squareRoot()
            } else {
                l[i * n + j] = sum / l[j * n + j]
            }
        }
    }
    var z = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var sum = b[i]
        for k in 0..<i { sum -= l[i * n + k] * z[k] }
        z[i] = sum / l[i * n + i]
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var sum = z[i]
        for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
        x[i] = sum / l[i * n + i]
    }
    return x
}
