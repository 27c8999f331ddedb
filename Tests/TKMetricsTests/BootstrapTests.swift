import Testing
@testable import TKMetrics

/// 0/1 outcomes with the given success rate, spread evenly (deterministic, no RNG needed).
private func outcomes(count: Int, rate: Double) -> [Double] {
    (0..<count).map { index in (Double(index) * rate).truncatingRemainder(dividingBy: 1) + rate >= 1 ? 1 : 0 }
}

struct BootstrapTests {
    @Test func intervalContainsTheMean() throws {
        let values = outcomes(count: 200, rate: 0.4)
        let estimate = try Bootstrap().estimate(values)
        #expect(abs(estimate.mean - 0.4) < 1e-12)
        #expect(estimate.lower < estimate.mean && estimate.mean < estimate.upper)
        #expect(estimate.count == 200)
        // Binomial standard error is √(0.24/200) ≈ 0.035, so the 95% interval is about ±0.068.
        #expect(abs((estimate.upper - estimate.lower) / 2 - 0.068) < 0.015)
    }

    @Test func intervalIsDeterministicForASeed() throws {
        let values = outcomes(count: 100, rate: 0.3)
        let first = try Bootstrap(seed: 42).estimate(values)
        let second = try Bootstrap(seed: 42).estimate(values)
        #expect(first == second)
        let other = try Bootstrap(seed: 43).estimate(values)
        #expect(other != first)
    }

    @Test func intervalNarrowsWithMoreItems() throws {
        let small = try Bootstrap().estimate(outcomes(count: 20, rate: 0.5))
        let large = try Bootstrap().estimate(outcomes(count: 2_000, rate: 0.5))
        #expect(large.upper - large.lower < (small.upper - small.lower) / 5)
    }

    @Test func oneItemGivesAZeroWidthInterval() throws {
        #expect(try Bootstrap().estimate([0.7]) == MetricEstimate(mean: 0.7, lower: 0.7, upper: 0.7, count: 1))
    }

    @Test func badSettingsAndEmptyInputAreErrors() {
        #expect(throws: MetricsError.self) { try Bootstrap(resamples: 0).estimate([1]) }
        #expect(throws: MetricsError.self) { try Bootstrap(confidence: 1).estimate([1]) }
        #expect(throws: MetricsError.self) { try Bootstrap().estimate([]) }
    }

    @Test func quantileInterpolatesLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4], 25) == 1.75, 97.5 → 3.925
        #expect(Bootstrap.quantile([1, 2, 3, 4], 0.25) == 1.75)
        #expect(abs(Bootstrap.quantile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12)
    }

    @Test func pairedDifferenceOfAConstantShiftHasNoWidth() throws {
        let b = outcomes(count: 50, rate: 0.3).map { $0 * 0.5 }
        let a = b.map { $0 + 0.1 }
        let difference = try Bootstrap().pairedDifference(a, b)
        #expect(abs(difference.meanDifference - 0.1) < 1e-12)
        #expect(abs(difference.lower - 0.1) < 1e-12 && abs(difference.upper - 0.1) < 1e-12)
        #expect(difference.excludesZero)
    }

    @Test func pairingRemovesItemDifficultyFromTheInterval() throws {
        // Items vary widely in difficulty; system a is 0.05 better on every item.
        let b = (0..<100).map { Double($0 % 10) / 10 }
        let a = b.map { $0 + 0.05 }
        let paired = try Bootstrap().pairedDifference(a, b)
        let separate = try (Bootstrap().estimate(a), Bootstrap(seed: 1).estimate(b))
        let unpairedHalfWidth = ((separate.0.upper - separate.0.lower) + (separate.1.upper - separate.1.lower)) / 2
        #expect(paired.excludesZero)
        #expect(paired.upper - paired.lower < unpairedHalfWidth / 10)
    }

    @Test func pairedDifferenceNeedsTheSameItems() throws {
        #expect(throws: MetricsError.self) { try Bootstrap().pairedDifference([1, 0], [1]) }
        #expect(throws: MetricsError.self) { try Bootstrap().pairedDifference([0: 1.0, 1: 0.0], [0: 1.0, 2: 0.0]) }
        let keyed = try Bootstrap().pairedDifference([0: 1.0, 1: 0.0, 2: 1.0], [2: 0.0, 1: 0.0, 0: 1.0])
        #expect(abs(keyed.meanDifference - 1.0 / 3.0) < 1e-12)
    }
}
