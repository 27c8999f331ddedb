import TKRandom
import Foundation
import Testing
@testable import TKInterventions

@Suite struct LogisticRegressionTests {
    /// Root of a decreasing function on [lo, hi] by bisection.
    func bisect(_ f: (Double) -> Double, _ lo: Double, _ hi: Double) -> Double {
        var lo = lo, hi = hi
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if f(mid) > 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    // Four points symmetric in both axes: true at (2, ±1), false at (−2, ±1). By symmetry the
    // optimum has w₂ = 0 and b = 0, and w₁ minimises 4·log(1 + e^{−2w}) + λw²/2, i.e. solves
    // λw = 8σ(−2w). Unscaled features, so the hand derivation applies directly.
    let points: [[Float]] = [[2, 1], [2, -1], [-2, 1], [-2, -1]]
    let labels = [true, true, false, false]

    @Test func matchesTheHandDerivedOptimumWithoutStandardising() throws {
        for lambda in [0.5, 1.0, 4.0] {
            let fit = try LogisticRegression.fit(features: points, labels: labels, options: .init(l2: lambda, standardize: false))
            let expected = bisect({ 8 * sigmoid(-2 * $0) - lambda * $0 }, 0, 100)
            #expect(abs(fit.weights[0] - expected) < 1e-9, "λ=\(lambda): \(fit.weights[0]) vs \(expected)")
            #expect(abs(fit.weights[1]) < 1e-9)
            #expect(abs(fit.intercept) < 1e-9)
            #expect(fit.accuracy(features: points, labels: labels) == 1)
        }
    }

    // Standardised, x₁ becomes ±1 (σ = 2) and x₂ stays ±1: w′ solves λw′ = 4σ(−w′), and the
    // weight reported in input space is w′/2.
    @Test func matchesTheHandDerivedOptimumWhenStandardising() throws {
        let fit = try LogisticRegression.fit(features: points, labels: labels, options: .init(l2: 1, standardize: true))
        let standardised = bisect({ 4 * sigmoid(-$0) - $0 }, 0, 100)
        #expect(abs(fit.weights[0] - standardised / 2) < 1e-9)
        #expect(abs(fit.weights[1]) < 1e-9)
        #expect(abs(fit.intercept) < 1e-9)
    }

    @Test func separatesASeparableSetAndGeneralises() throws {
        // Two Gaussian-ish clouds in 6 dimensions, separated along a fixed direction.
        var rng = SplitMix64(seed: 7)
        func noise() -> Float { Float(rng.unitInterval()) * 2 - 1 }
        let direction: [Float] = [0.6, -0.3, 0.5, 0.1, -0.4, 0.35]
        func sample(_ positive: Bool) -> [Float] { direction.map { ($0 * (positive ? 3 : -3)) + noise() * 0.8 } }
        let train = (0..<80).map { i in (sample(i % 2 == 0), i % 2 == 0) }
        let validation = (0..<40).map { i in (sample(i % 3 == 0), i % 3 == 0) }
        let fit = try LogisticRegression.fit(features: train.map(\.0), labels: train.map(\.1))
        #expect(fit.accuracy(features: train.map(\.0), labels: train.map(\.1)) == 1)
        #expect(fit.accuracy(features: validation.map(\.0), labels: validation.map(\.1)) == 1)
        // The learned normal points along the separating direction.
        let norm = fit.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let cosine = zip(fit.weights, direction).reduce(0.0) { $0 + $1.0 * Double($1.1) } / norm
            / Double(direction.reduce(0) { $0 + $1 * $1 }.squareRoot())
        #expect(cosine > 0.8, "cosine \(cosine)")
        // Deterministic: the same data gives the same bits.
        #expect(try LogisticRegression.fit(features: train.map(\.0), labels: train.map(\.1)) == fit)
    }

    /// With fewer examples than features the fit runs in the span of the rows; it must reach the
    /// same optimum as the direct solve in all dimensions.
    @Test func wideProblemsSolvedInTheRowSpanMatchTheDirectSolve() throws {
        var rng = SplitMix64(seed: 21)
        func value() -> Float { Float(rng.unitInterval()) * 4 - 2 }
        let rows = (0..<12).map { _ in (0..<40).map { _ in value() } }
        var labels = (0..<12).map { $0 % 3 == 0 }
        labels[1] = true
        for standardize in [true, false] {
            let options = LogisticRegression.Options(l2: 0.7, standardize: standardize)
            let reduced = try LogisticRegression.fit(features: rows, labels: labels, options: options, reduceWhenWide: true)
            let direct = try LogisticRegression.fit(features: rows, labels: labels, options: options, reduceWhenWide: false)
            let gap = zip(reduced.weights, direct.weights).map { abs($0 - $1) }.max()!
            #expect(gap < 1e-7, "standardize=\(standardize): weights differ by \(gap)")
            #expect(abs(reduced.intercept - direct.intercept) < 1e-7)
            #expect(reduced.accuracy(features: rows, labels: labels) == 1)
        }
    }

    @Test func rejectsBadInput() {
        #expect(throws: ActivationFitError.self) { try LogisticRegression.fit(features: [[1], [2]], labels: [true, true]) }
        #expect(throws: ActivationFitError.self) { try LogisticRegression.fit(features: [[1], [2, 3]], labels: [true, false]) }
        #expect(throws: ActivationFitError.self) { try LogisticRegression.fit(features: [[1], [.nan]], labels: [true, false]) }
        #expect(throws: ActivationFitError.self) { try LogisticRegression.fit(features: [], labels: []) }
        #expect(throws: ActivationFitError.self) { try LogisticRegression.fit(features: [[1], [2]], labels: [true, false], options: .init(l2: 0)) }
    }

    @Test func solvesASymmetricPositiveDefiniteSystem() throws {
        // A = [[4, 2], [2, 3]], b = [2, 1] → x = [0.5, 0].
        let x = try #require(solveSymmetricPositiveDefinite([4, 2, 2, 3], [2, 1], size: 2))
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        #expect(solveSymmetricPositiveDefinite([1, 2, 2, 1], [1, 1], size: 2) == nil)
    }
}
